"""Golden cases: tests/golden/convert/<case>/{input.yaml, target, [live.yaml], [args], expected.yaml, notes.txt}.

Regenerate after a reviewed change with `UPDATE_GOLDEN=1 pytest tests/convert/test_golden.py`.
`args` holds the decision options of `kubehop convert` a case needs (e.g. `--signer-name ...`);
every expected output must validate at its target. Inputs kubehop can only report on (invalid in
themselves, or refused alpha APIs) live in tests/convert/reported/ (test_reported.py).
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from kubehop.cli.common import add_decision_options, decisions_from_args
from kubehop.convert import REGISTRY, Decisions, ManifestConversion, convert_manifest
from kubehop.convert.files import load_live
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge
from kubehop.convert.report import check_rows
from kubehop.model import GroupVersionKind, KubeVersion

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "convert"
REPORTED = Path(__file__).resolve().parent / "reported"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def decisions_in(case: Path) -> Decisions:
    """The decisions of a case's `args` file, parsed like `kubehop convert` parses them."""
    parser = argparse.ArgumentParser()
    add_decision_options(parser)
    args = shlex.split(_text(case / "args")) if (case / "args").exists() else []
    return decisions_from_args(parser.parse_args(args))  # type: ignore[no-any-return]


def run_case(name: str, root: Path = GOLDEN) -> tuple[ManifestConversion, KubeVersion]:
    case = root / name
    target = KubeVersion.parse(_text(case / "target").strip())
    live = load_live(case / "live.yaml") if (case / "live.yaml").exists() else None
    text = _text(case / "input.yaml")
    return convert_manifest(text, target, live, path="input.yaml", decisions=decisions_in(case)), target


def _compare(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 and review the result"
    assert actual == _text(path)


@pytest.mark.parametrize("name", CASES)
def test_golden_output_and_notes(name: str) -> None:
    result, _target = run_case(name)
    _compare(GOLDEN / name / "expected.yaml", result.text)
    _compare(GOLDEN / name / "notes.txt", "".join(f"{note}\n" for note in result.notes))


@pytest.mark.parametrize("name", CASES)
def test_golden_output_is_valid_at_target(name: str) -> None:
    case = GOLDEN / name
    target = KubeVersion.parse(_text(case / "target").strip())
    problems = [f"{row.object}: {row.message}" for row in check_rows("expected.yaml", _text(case / "expected.yaml"), target)]
    assert problems == []


def test_no_golden_case_keeps_an_escape_hatch() -> None:
    assert not sorted(GOLDEN.glob("*/invalid.txt"))


# v1 Endpoints is deprecated but served by every release: no target plans this step (test_engine.py
# calls its converter directly).
_NEVER_PLANNED = {
    (GroupVersionKind("", "v1", "Endpoints"), GroupVersionKind("discovery.k8s.io", "v1", "EndpointSlice")),
}


def test_golden_cases_exercise_every_registered_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    used: set[Edge] = set()

    def recording(edge: Edge, converter: Converter) -> Converter:
        def wrapper(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
            used.add(edge)
            return converter(obj, ctx)

        return wrapper

    for edge, converter in list(REGISTRY.items()):
        monkeypatch.setitem(REGISTRY, edge, recording(edge, converter))
    for name in CASES:
        run_case(name)
    for case in sorted(p for p in REPORTED.iterdir() if p.is_dir()):  # the refusing converters run there
        run_case(case.name, REPORTED)
    missing = sorted(f"{a} -> {b}" for a, b in set(REGISTRY) - used - _NEVER_PLANNED)
    assert not missing, f"no golden case runs these converters: {missing}"
