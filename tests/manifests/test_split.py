from __future__ import annotations

from kubehop.manifests.split import iter_chunks


def test_chunks_cover_the_stream_and_number_lines() -> None:
    text = "a: 1\n---\nb: 2\n--- \nc: 3\n"
    chunks = [c for c in iter_chunks(text) if not c.is_empty]
    assert [c.content_line() for c in chunks] == [1, 3, 5]
    assert "".join(text[c.start : c.end] for c in chunks).count(":") == 3


def test_marker_must_be_at_column_zero_and_alone() -> None:
    text = "a: |\n  ---\n  x\nb: ---x\n"
    assert len([c for c in iter_chunks(text) if not c.is_empty]) == 1


def test_source_header_gives_template_and_its_line() -> None:
    text = "---\n# Source: c/templates/x.yaml\napiVersion: v1\n"
    chunk = next(c for c in iter_chunks(text) if not c.is_empty)
    assert chunk.template == "c/templates/x.yaml" and chunk.source_line == 2
