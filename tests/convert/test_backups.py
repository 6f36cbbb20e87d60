"""Where `convert --write` keeps originals: never inside a chart, where Helm would render them."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.convert.backups import backup_location, chart_root
from kubehop.errors import UsageError

INGRESS = """apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend:
    serviceName: web
    servicePort: 80
"""
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  level: info
"""


def _chart(folder: Path, name: str = "web") -> Path:
    chart = folder / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    (chart / "templates" / "ingress.yaml").write_text(INGRESS)
    (chart / "templates" / "settings.yaml").write_text(CONFIGMAP)
    return chart


def _render(chart: Path, helm: str) -> list[str]:
    done = subprocess.run([helm, "template", "r", str(chart)], capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if line.startswith(("apiVersion:", "kind:"))]


def test_helm_renders_only_the_converted_objects(tmp_path: Path, helm_binary: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    chart = _chart(tmp_path)
    assert _render(chart, helm_binary) == ["apiVersion: v1", "kind: ConfigMap",
                                           "apiVersion: extensions/v1beta1", "kind: Ingress"]
    assert main(["convert", str(chart / "templates" / "ingress.yaml"), "--target", "1.22", "--write"]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in (chart / "templates").iterdir()) == ["ingress.yaml", "settings.yaml"]
    assert _render(chart, helm_binary) == ["apiVersion: v1", "kind: ConfigMap",
                                           "apiVersion: networking.k8s.io/v1", "kind: Ingress"]
    (backup,) = (tmp_path / ".kubehop-backup" / "web" / "templates").iterdir()
    assert backup.name.startswith("ingress.yaml.kubehop-") and backup.name.endswith(".bak")
    assert backup.read_text() == INGRESS and stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert f"(backup {backup})" in err


def test_backup_dir_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = _chart(tmp_path / "charts")
    plain = tmp_path / "plain" / "ing.yaml"
    plain.parent.mkdir()
    plain.write_text(INGRESS)
    store = tmp_path / "store"
    assert main(["convert", str(chart / "templates" / "ingress.yaml"), str(plain), "--target", "1.22", "--write",
                 "--backup-dir", str(store)]) == 0
    capsys.readouterr()
    (in_chart,) = (store / "web" / "templates").iterdir()
    assert in_chart.read_text() == INGRESS and stat.S_IMODE(in_chart.stat().st_mode) == 0o600
    (outside,) = [p for p in store.rglob("ing.yaml.kubehop-*.bak")]
    assert outside.read_text() == INGRESS
    assert not list(chart.rglob("*.bak")) and not list(plain.parent.glob("*.bak"))


def test_outside_charts_the_backup_stays_beside_the_file(tmp_path: Path) -> None:
    plain = tmp_path / "ing.yaml"
    plain.write_text(INGRESS)
    assert chart_root(plain) is None
    assert backup_location(plain, stamp="T").parent == tmp_path
    plain.with_name("ing.yaml.kubehop-T.bak").write_text("taken")
    assert backup_location(plain, stamp="T").name == "ing.yaml.kubehop-T-2.bak"


def test_a_subchart_backs_up_beside_the_outermost_chart(tmp_path: Path) -> None:
    outer = _chart(tmp_path, "outer")
    inner = _chart(outer / "charts", "inner")
    backup = backup_location(inner / "templates" / "ingress.yaml", stamp="T")
    assert backup == tmp_path / ".kubehop-backup" / "outer" / "charts" / "inner" / "templates" / \
        "ingress.yaml.kubehop-T.bak"


def test_a_backup_dir_inside_a_chart_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = _chart(tmp_path)
    with pytest.raises(UsageError, match="inside the chart"):
        backup_location(chart / "templates" / "ingress.yaml", chart / "templates")
    plain = tmp_path / "ing.yaml"
    plain.write_text(INGRESS)
    assert main(["convert", str(plain), str(chart / "templates" / "ingress.yaml"), "--target", "1.22", "--write",
                 "--backup-dir", str(chart / "backups")]) == 1
    assert "inside the chart" in capsys.readouterr().err
    assert plain.read_text() == INGRESS and (chart / "templates" / "ingress.yaml").read_text() == INGRESS
    assert not list(tmp_path.rglob("*.bak"))  # nothing written, not even the file outside the chart
