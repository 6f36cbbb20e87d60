"""Splitting a stream into documents whose texts join back into the input exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubehop.convert.documents import split_documents
from kubehop.convert.rewrite import render

STREAMS = [
    "",
    "a: 1\n",
    "---\na: 1\n---\nb: 2\n",
    "# lead\n---\na: 1\n...\n# trailer\n---\nb: 2",
    "a: 1\r\n--- # c\r\nb: 2\r\n",
    "\ufeffa: 1\n",
    "--- {a: 1}\n--- !!map\nb: 2\n",
    "x: |\n  ---not a marker\n  --- indented, not a marker\n",
]


@pytest.mark.parametrize("text", STREAMS)
def test_spans_join_back_into_the_stream(text: str) -> None:
    assert "".join(doc.text for doc in split_documents(text)) == text


def test_documents_parse_with_their_marker_line_and_report_their_first_content_line() -> None:
    docs = split_documents("# lead\n---\n# about a\na: 1\n--- {b: 2}\n")
    assert [doc.parse("x.yaml") for doc in docs] == [None, {"a": 1}, {"b": 2}]
    assert [doc.content_line for doc in docs] == [1, 4, 5]


def test_content_on_the_marker_line_is_rendered_below_it() -> None:
    doc = split_documents("a: 1\n--- {kind: A, v: 1}\n")[1]
    assert render(doc, {"kind": "A", "v": 2}) == "---\n{kind: A, v: 2}\n"


@given(st.lists(st.sampled_from(["a: 1\n", "---\n", "# c\n", "\n", "--- x\n", "...\n", "k: [1,\n  2]\n"]), max_size=12))
def test_any_line_sequence_round_trips(lines: list[str]) -> None:
    text = "".join(lines)
    assert "".join(doc.text for doc in split_documents(text)) == text
