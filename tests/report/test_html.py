"""The HTML pages without a browser: a strict HTML5 parse, Debian's tidy, escaping, no external
references, Secret data never shown, accessibility structure, and the numbers the pages print."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import html5lib
import pytest

from kubehop.cli import main
from kubehop.model import Finding, Location, Severity
from kubehop.report import ReportMeta, render
from kubehop.report.html_scan import Row, render_rows
from tests.report.html_pages import ROOT, Page, make_pages

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
META = ReportMeta(command="scan", target="1.22", tool_version="0.0.0", documents=2, sources=1)
EVIL = Finding(Location(path='a<b>&"c.yaml', line=3), "removed-api", Severity.REMOVED,
               "<script>alert('x')</script> & more", api_version="extensions/v1beta1", kind="Ingress",
               name="<img src=x onerror=alert(1)>", namespace='ns"><b>')


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, helm_binary: str) -> dict[str, Page]:
    return make_pages(tmp_path_factory.mktemp("html"))


def parse(text: str) -> Any:
    """html5lib in strict mode raises on any parse error the HTML standard defines."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(text)


def texts(root: Any, path: str) -> list[str]:
    return ["".join(e.itertext()).strip() for e in root.iterfind(path)]


@pytest.mark.parametrize("name", ["scan", "releases-scan", "plan"])
def test_page_is_valid_html(pages: dict[str, Page], name: str) -> None:
    page = pages[name]
    parse(page.text)
    tidy = shutil.which("tidy")
    assert tidy, "Debian's tidy is installed by scripts/setup.sh --test"
    done = subprocess.run([tidy, "-q", "-e", str(page.path)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr


@pytest.mark.parametrize("name", ["scan", "releases-scan", "plan"])
def test_page_refers_to_nothing_outside_itself(pages: dict[str, Page], name: str) -> None:
    text = pages[name].text
    refs = re.findall(r"""\b(?:src|href|action|data)\s*=\s*["']?([^"'\s>]*)""", text)
    assert refs and all(ref.startswith(("#", "data:")) for ref in refs), refs
    assert "@import" not in text and "url(" not in text
    assert "default-src 'none'" in text  # the CSP forbids every fetch, should a reference slip in


@pytest.mark.parametrize("name", ["scan", "releases-scan", "plan"])
def test_page_structure_is_accessible(pages: dict[str, Page], name: str) -> None:
    root = parse(pages[name].text)
    assert root.get("lang") == "en"
    body = root.find(f"{NS}body")
    for landmark in ("header", "nav", "main", "footer"):
        assert body.find(f"{NS}{landmark}") is not None, landmark
    assert len(root.findall(f".//{NS}h1")) == 1 and root.findall(f".//{NS}h2")
    for th in root.iterfind(f".//{NS}th"):
        assert th.get("scope") in ("col", "row"), ET.tostring(th)
    svgs = root.findall(f".//{SVG}svg")
    assert svgs
    for svg in svgs:
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    labels = {label.get("for") for label in root.iterfind(f".//{NS}label")}
    for field in root.iterfind(f".//{NS}input"):
        # a checkbox sits inside its label; the filter box has a label for= it
        assert field.get("type") == "checkbox" or field.get("id") in labels


def test_scan_page_numbers_equal_the_json_summary(pages: dict[str, Page]) -> None:
    for name in ("scan", "releases-scan"):
        page = pages[name]
        root = parse(page.text)
        shown = {e.get("data-summary"): int("".join(e.itertext())) for e in root.iterfind(f".//{NS}strong[@data-summary]")}
        assert shown == {k: v for k, v in page.data["summary"].items()}
        rows = root.findall(f".//{NS}table[@id='findings']/{NS}tbody/{NS}tr")
        assert len(rows) == len(page.data["findings"]) > 0


def test_releases_scan_page_names_each_revision_and_template(pages: dict[str, Page]) -> None:
    page = pages["releases-scan"]
    root = parse(page.text)
    origins = [texts_of_row(tr)[9] for tr in root.iterfind(f".//{NS}table[@id='findings']/{NS}tbody/{NS}tr")]
    expected = [f"revision {f['location']['revision']} ({f['location']['status']}) · {f['location']['template']}"
                f":{f['location']['line']}" for f in page.data["findings"]]
    assert origins == expected


def texts_of_row(tr: Any) -> list[str]:
    return ["".join(td.itertext()) for td in tr]


def test_plan_page_timeline_and_commands_match_the_plan(pages: dict[str, Page]) -> None:
    page = pages["plan"]
    root = parse(page.text)
    boxes = root.findall(f".//{NS}div[@data-step]")
    assert [b.get("data-step") for b in boxes] == [str(s["number"]) for s in page.data["steps"]]
    for box, step in zip(boxes, page.data["steps"], strict=True):
        fields = {dd.get("data-field"): "".join(dd.itertext()) for dd in box.iterfind(f".//{NS}dd")}
        assert fields == {"fix": str(len(step["mustFix"])), "deprecated": str(len(step["deprecated"])),
                          "blocked": str(sum(1 for m in step["mustFix"] if m["blocked"])),
                          "etcd": f"{step['etcd']['before']} → {step['etcd']['after']}",
                          "rollback": f"etcd-before-{step['to'].rsplit('.', 1)[0] if step['to'].count('.') == 2 else step['to']}.db"}
    code = "\n".join(texts(root, f".//{NS}pre/{NS}code"))
    for step in page.data["steps"]:
        for phase in step["phases"] + step["rollback"]:
            for task in phase["tasks"]:
                for command in task["commands"]:
                    assert command["line"] in code
    rollback = root.find(f".//{SVG}svg[@id='rollback-svg']")
    versions = [t.text for t in rollback.iterfind(f"{SVG}text[@class='version']")]
    assert versions == list(reversed(page.data["path"]))


def test_everything_from_input_is_escaped() -> None:
    text = render([EVIL], "html", META)
    root = parse(text)
    assert "<script>alert" not in text and "<img src=x" not in text and '"><b>' not in text
    cells = texts_of_row(root.find(f".//{NS}table[@id='findings']/{NS}tbody/{NS}tr"))
    assert cells[2] == "Ingress/<img src=x onerror=alert(1)>" and cells[3] == 'ns"><b>'
    assert cells[-1] == "<script>alert('x')</script> & more" and cells[8] == 'a<b>&"c.yaml:3'
    assert len(root.findall(f".//{NS}script")) == 1


def test_secret_data_never_appears(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    value = "correct-horse-battery-staple"
    manifest = tmp_path / "app.yaml"
    manifest.write_text(
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n---\n"
        f"apiVersion: v1\nkind: Secret\nmetadata: {{name: creds, namespace: shop}}\n"
        f"data: {{password: {base64.b64encode(value.encode()).decode()}}}\nstringData: {{token: {value}}}\n"
    )
    assert main(["scan", str(manifest), "--target", "1.22", "-o", "html"]) == 3
    out = capsys.readouterr().out
    assert "Ingress/web" in out
    assert value not in out and base64.b64encode(value.encode()).decode() not in out


def test_a_cluster_column_and_chart_appear_when_rows_name_clusters() -> None:
    root = parse(render_rows([Row(EVIL, cluster="prod-eu"), Row(EVIL, cluster="prod-us")], META))
    heads = texts(root, f".//{NS}table[@id='findings']/{NS}thead//{NS}th")
    assert heads[:2] == ["Severity", "Cluster"]
    chart = root.find(f".//{SVG}svg[@id='chart-cluster']")
    assert {g.get("data-label"): g.get("data-value") for g in chart.iterfind(f"{SVG}g")} == {"prod-eu": "1",
                                                                                             "prod-us": "1"}
    plain = parse(render([EVIL], "html", META))
    assert "Cluster" not in texts(plain, f".//{NS}table[@id='findings']/{NS}thead//{NS}th")


def test_output_file_is_written_whole_or_a_one_line_error(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n")
    target = tmp_path / "report.html"
    assert main(["scan", str(manifest), "--target", "1.22", "-o", "html", "--output-file", str(target)]) == 3
    assert target.read_text().endswith("</html>\n") and (target.stat().st_mode & 0o777) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.yaml", "report.html"]  # no temporary file left
    capsys.readouterr()
    missing = tmp_path / "no-such-dir" / "report.html"
    assert main(["scan", str(manifest), "--target", "1.22", "-o", "html", "--output-file", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == f"kubehop: error: {missing}: cannot write the report: its directory does not exist\n"


def test_blocked_plan_page_says_blocked_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["plan", "--from", "1.19", "--to", "1.25", "tests/plan/data/batch-1.19.yaml", "examples/manifests",
            "--releases", "--storage", "file:examples/releases/helm3-image-manager.yaml"]
    assert main([*args, "-o", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert main([*args, "-o", "html"]) == 3
    root = parse(capsys.readouterr().out)
    blocked = {str(s["number"]): sum(1 for m in s["mustFix"] if m["blocked"]) for s in data["steps"]}
    assert any(blocked.values())
    for box in root.iterfind(f".//{NS}div[@data-step]"):
        count = blocked[box.get("data-step")]
        assert ("blocked" in box.get("class", "").split()) == bool(count)
        assert "".join(box.find(f"{NS}p").itertext()) == ("BLOCKED" if count else "ready")
        assert "".join(box.find(f".//{NS}dd[@data-field='blocked']").itertext()) == str(count)
    assert "Status: BLOCKED" in "".join(root.find(f".//{NS}header").itertext())


def test_an_empty_scan_is_a_valid_page() -> None:
    root = parse(render([], "html", META))
    assert root.findall(f".//{NS}table[@id='findings']/{NS}tbody/{NS}tr") == []
    assert "no findings" in "".join(root.find(f".//{NS}header").itertext())
