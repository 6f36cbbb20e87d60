"""Split a YAML stream into document chunks without parsing them, keeping offsets and line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A document marker is `---` or `...` at column 0 followed by whitespace or the end of the line.
_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.+?)[ \t]*\r?$", re.MULTILINE)
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)


@dataclass(frozen=True)
class Chunk:
    """One document's text. `start` and `end` are offsets in the stream; `line` is 1-based."""

    text: str
    start: int
    end: int
    line: int
    template: str | None

    @property
    def is_empty(self) -> bool:
        """True when the chunk holds only comments and blank lines."""
        return _CONTENT.search(self.text) is None

    @property
    def source_line(self) -> int:
        """Line of the `# Source:` header (0 when there is none)."""
        match = _SOURCE.search(self.text)
        return self.line + self.text.count("\n", 0, match.start()) if match else 0

    def content_line(self) -> int:
        """Line number of the first line with content (not a comment), or of the chunk start."""
        match = _CONTENT.search(self.text)
        if match is None:
            return self.line
        return self.line + self.text.count("\n", 0, match.start())


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def iter_chunks(text: str) -> Iterator[Chunk]:
    """Yield every document of a stream (empty ones too); a `# Source:` comment names its template."""
    line = 1
    pos = 0
    for match in _MARKER.finditer(text):
        chunk_text = text[pos : match.start()]
        yield Chunk(chunk_text, pos, match.start(), line, _template_of(chunk_text))
        line += text.count("\n", pos, match.start())
        # The marker line itself may carry content (`--- {a: 1}` or `--- |`): keep it in the next chunk.
        marker_end = match.end()
        if text.startswith("...", match.start()):
            eol = text.find("\n", marker_end)
            marker_end = len(text) if eol < 0 else eol + 1
            line += 1
        pos = marker_end
    chunk_text = text[pos:]
    yield Chunk(chunk_text, pos, len(text), line, _template_of(chunk_text))


def _template_of(chunk_text: str) -> str | None:
    match = _SOURCE.search(chunk_text)
    return match.group(1) if match else None
