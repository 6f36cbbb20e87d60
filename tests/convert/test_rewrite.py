"""Re-rendering a converted document from its own text: comments, key order and styles survive."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.documents import split_documents
from kubehop.convert.rewrite import render


def _render(text: str, new: Mapping[str, Any]) -> str:
    return render(split_documents(text)[0], new)


def test_comments_key_order_and_flow_style_survive_a_change() -> None:
    text = (
        "# head\n"
        "kind: X   # kind comment\n"
        "apiVersion: old/v1\n"
        "spec:\n"
        "  keep: {a: 1, b: 'q'}   # flow\n"
        "  rename: [x, y]\n"
        "  # before drop\n"
        "  drop: 1\n"
    )
    new = {"kind": "X", "apiVersion": "new/v1", "spec": {"keep": {"a": 1, "b": "q"}, "renamed": ["x", "y"]}}
    out = _render(text, new)
    assert out.startswith("# head\nkind: X   # kind comment\napiVersion: new/v1\n")
    assert "  keep: {a: 1, b: 'q'}   # flow\n" in out
    assert "  renamed: [x, y]\n" in out  # the renamed key kept its node
    assert "drop" not in out


def test_indentation_style_of_sequences_is_kept() -> None:
    indented = "a:\n  items:\n    - x\n"
    flush = "a:\n  items:\n  - x\n"
    assert _render(indented, {"a": {"items": ["x", "y"]}}) == "a:\n  items:\n    - x\n    - y\n"
    assert _render(flush, {"a": {"items": ["x", "y"]}}) == "a:\n  items:\n  - x\n  - y\n"


def test_marker_crlf_and_missing_final_newline_are_kept() -> None:
    docs = split_documents("a: 1\r\n--- # second\r\nb: 2")
    assert render(docs[1], {"b": 3}) == "--- # second\r\nb: 3"
