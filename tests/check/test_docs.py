"""The examples in docs/check.md are real: each `$ kubehop check ...` block is run again and
must print the same text and exit code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kubehop.cli import main
from tests.check.helpers import DATA

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "check.md"
_BLOCK = re.compile(r"```\n((?:\$ cd [^\n]+\n)?\$ kubehop check [^\n]+)\n((?:(?!```).)*?)\$ echo \$\?\n(\d+)\n```", re.S)


def _examples() -> list[tuple[str, str, int]]:
    return [(m.group(1).splitlines()[-1][2:], m.group(2), int(m.group(3))) for m in _BLOCK.finditer(DOC.read_text())]


def test_the_doc_has_examples() -> None:
    assert len(_examples()) >= 5


@pytest.mark.parametrize("command, output, code", _examples(), ids=lambda v: str(v)[:60])
def test_doc_example_is_current(command: str, output: str, code: int, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch, helm_binary: str) -> None:
    monkeypatch.chdir(ROOT if "examples/" in command else DATA / "seed")
    monkeypatch.delenv("HELM_NAMESPACE", raising=False)
    assert main(shlex.split(command)[1:]) == code
    captured = capsys.readouterr()
    printed = captured.out + "".join(f"{line}\n" for line in captured.err.splitlines())
    assert printed == output


def test_every_rule_is_in_the_rules_table() -> None:
    from kubehop.check.rules import REGISTRY

    text = DOC.read_text()
    assert all(f"| `{rule_id}` |" in text for rule_id in REGISTRY)
