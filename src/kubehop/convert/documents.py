"""Split a YAML stream into documents, keeping each document's exact text so that untouched
documents can be written back byte for byte (comments, quoting, CRLF, BOM)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubehop.errors import ManifestError

# A document starts at a column-0 `---` marker; inside a document no column-0 `---` can occur.
_MARKER = re.compile(r"^---(?:[ \t].*)?\r?\n?$")
_END = re.compile(r"^\.\.\.[ \t]*\r?\n?$")


@dataclass(frozen=True)
class RawDocument:
    """One document of the stream: its text (marker line included) and where it starts."""

    index: int
    text: str
    line: int  # 1-based line of the span's first line

    @property
    def content_line(self) -> int:
        """1-based line of the first line that is not the marker, blank or a comment."""
        for offset, line in enumerate(self.text.splitlines()):
            stripped = line.lstrip("\ufeff").strip()
            if stripped and not stripped.startswith("#") and not _MARKER.match(line):
                return self.line + offset
        return self.line

    @property
    def marker(self) -> str:
        """The `---` line that opens the document ('' for a first document without one)."""
        first = self.text.splitlines(keepends=True)[:1]
        return first[0] if first and _MARKER.match(first[0]) else ""

    @property
    def body(self) -> str:
        return self.text[len(self.marker) :]

    def parse(self, path: str) -> Any:
        try:
            return yaml.safe_load(self.text.lstrip("\ufeff"))  # the marker line may carry content
        except yaml.YAMLError as exc:
            raise ManifestError(f"{path}:{self.line}: not valid YAML: {exc}") from exc


def split_documents(text: str) -> list[RawDocument]:
    """Cut the stream at column-0 `---` markers; joining every span's text gives the input back."""
    spans: list[list[str]] = [[]]
    starts = [1]
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _MARKER.match(line) and (spans[-1] or len(spans) > 1 or number > 1):
            spans.append([])
            starts.append(number)
        spans[-1].append(line)
    docs = [RawDocument(i, "".join(lines), start) for i, (lines, start) in enumerate(zip(spans, starts, strict=True))]
    return [d for d in docs if d.text or len(docs) == 1]


def is_object(value: Any) -> bool:
    return (
        isinstance(value, Mapping) and isinstance(value.get("apiVersion"), str) and isinstance(value.get("kind"), str)
    )


def has_end_marker(doc: RawDocument) -> bool:
    return any(_END.match(line) for line in doc.text.splitlines(keepends=True))
