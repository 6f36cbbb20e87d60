"""Golden cases: tests/golden/convert/<case>/{input.yaml, target, [live.yaml], expected.yaml, notes.txt}.

Regenerate after a reviewed change with `UPDATE_GOLDEN=1 pytest tests/convert/test_golden.py`.
A case may hold invalid.txt: the problems its output is expected to keep (a human decision the
converter must not guess, e.g. a CSR signer); every other output must validate at its target.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from kubehop.convert import REGISTRY, ManifestConversion, convert_manifest
from kubehop.convert.files import load_live
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge
from kubehop.convert.report import check_rows
from kubehop.model import GroupVersionKind, KubeVersion

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "convert"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def run_case(name: str) -> tuple[ManifestConversion, KubeVersion]:
    case = GOLDEN / name
    target = KubeVersion.parse(_text(case / "target").strip())
    live = load_live(case / "live.yaml") if (case / "live.yaml").exists() else None
    return convert_manifest(_text(case / "input.yaml"), target, live, path="input.yaml"), target


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
    expected = _text(case / "invalid.txt").splitlines() if (case / "invalid.txt").exists() else []
    assert problems == expected


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
    missing = sorted(f"{a} -> {b}" for a, b in set(REGISTRY) - used - _NEVER_PLANNED)
    assert not missing, f"no golden case runs these converters: {missing}"
