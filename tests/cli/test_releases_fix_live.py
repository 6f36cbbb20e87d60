"""`kubehop releases fix --live FILE`: the selectors of the live objects, as the conversion notes suggest."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubehop.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
FIX = ["releases", "fix", "image-manager", "--storage", "file:examples/releases/helm2-image-manager.yaml",
       "--target", "1.19", "--dry-run"]
LIVE = """apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: image-manager-agent, namespace: default}
  spec:
    selector: {matchLabels: {app: image-manager-agent, release: image-manager}}
    template: {metadata: {labels: {app: image-manager-agent, release: image-manager}}}
"""


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_every_flag_a_note_suggests_exists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(FIX) == 0
    out = capsys.readouterr().out
    assert "(or pass --live)" in out  # the decision note of the DaemonSet without a selector ...
    assert "--live" in _options(build_parser(), "releases", "fix")  # ... names a flag `releases fix` has


def _options(parser: object, *path: str) -> set[str]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    assert isinstance(parser, argparse.ArgumentParser)
    return {flag for action in parser._actions for flag in action.option_strings}


def test_live_selector_is_kept(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    live = tmp_path / "live.yaml"
    live.write_text(LIVE)
    assert main([*FIX, "--live", str(live)]) == 0
    out = capsys.readouterr().out
    assert "DaemonSet image-manager-agent: spec.selector copied from the live object" in out
    assert "DaemonSet image-manager-agent: spec.selector set to the template labels" not in out
    assert "+      release: image-manager\n" in out.split("kind: DaemonSet", 1)[1].split("---", 1)[0]
    assert "StatefulSet image-manager: spec.selector set to the template labels" in out  # not in the live file


def test_missing_live_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([*FIX, "--live", str(tmp_path / "nope.yaml")]) == 1
    assert capsys.readouterr().err.startswith(f"kubehop: error: {tmp_path / 'nope.yaml'}")


OTHER_TOOLS_FLAGS = {"--audit-policy-file"}  # kube-apiserver's, named in audit notes


def test_every_flag_a_conversion_note_names_is_one_convert_and_releases_fix_have() -> None:
    import re

    golden = ROOT / "tests" / "golden" / "convert"
    named = {flag for notes in golden.glob("*/notes.txt")
             for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]+", notes.read_text())} - OTHER_TOOLS_FLAGS
    assert "--live" in named and "--webhook-side-effects" in named
    parser = build_parser()
    assert named <= _options(parser, "convert") and named <= _options(parser, "releases", "fix")
