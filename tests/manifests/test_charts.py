"""Rendering charts with the real helm: a chart that does not render keeps Helm's whole message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubehop.errors import ManifestError
from kubehop.manifests.charts import helm_error, render_chart


def _chart(tmp_path: Path, template: str) -> Path:
    chart = tmp_path / "badchart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: badchart\nversion: 0.1.0\n")
    (chart / "templates" / "ing.yaml").write_text(template)
    return chart


def test_a_template_parse_error_names_file_and_line(tmp_path: Path, helm_binary: str) -> None:
    chart = _chart(tmp_path, "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: x\n"
                             "  labels: {{ .Values.foo\n")
    with pytest.raises(ManifestError) as raised:
        render_chart(chart)
    message = str(raised.value)
    assert message.startswith(f"{chart}: helm template failed: parse error at (badchart/templates/ing.yaml:")
    assert "unclosed action" in message and "--debug" not in message and "\n" not in message


def test_a_yaml_error_is_kept_whole(tmp_path: Path, helm_binary: str) -> None:
    chart = _chart(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n   c: d\n")
    with pytest.raises(ManifestError, match=r"YAML parse error on badchart/templates/ing\.yaml: .*line 7"):
        render_chart(chart)


def test_every_line_but_the_advice() -> None:
    stderr = ("WARNING: Kubernetes configuration file is group-readable. This is insecure.\n"
              "Error: execution error at (c/templates/a.yaml:3:5): first\nsecond line\n\n"
              "Use --debug flag to render out invalid YAML\n")
    assert helm_error(stderr) == "execution error at (c/templates/a.yaml:3:5): first; second line"
    assert helm_error("") == ""
