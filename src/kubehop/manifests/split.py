"""Split a YAML stream into document chunks without parsing them, keeping offsets and line numbers.

One pass over the stream finds the lines that start at column 0 (most lines are indented) and reads
what the splitter and the sniffer need from them: document markers, `# Source:` headers and top-level
keys (or anything at column 0 that is not a plain key). Each chunk keeps its own column-0 lines, so
sniffing a document never scans its text again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

# What can start a line at column 0:
# a document marker, a `# Source:` header, a plain `key:` (with the rest of the line), or any other
# content (quoted or complex keys, flow collections, tags, anchors, directives). Comments, blank and
# indented lines and `- ` sequence entries never match.
_LINE_START = (
    r"(?:(?P<marker>---|\.\.\.)(?=[ \t\r\n]|$)"
    r"|\# Source: (?P<source>[^\n]*)"
    r"|(?P<key>(?:[^ \t\r\n#\"'?!&*{}\[\]%@`|>,:-]|-(?=[^ \t\r\n]))[^:\n]*?)[ \t]*:(?P<value>(?=[ \t\r\n]|$)[^\n]*)"
    r"|(?P<other>[^ \t\r\n#-]|-(?=[^ \t\r\n])))"
)
_LINE = re.compile(_LINE_START)
# Most lines are indented: finding the few that are not first is much cheaper than trying _LINE on all.
_UNINDENTED = re.compile(r"\n(?=[^ \t\r\n])")
_SOURCE_VALUE = re.compile(r"(.+?)[ \t]*\r?")
_SOURCE = re.compile(r"^# Source: (.+?)[ \t]*\r?$", re.MULTILINE)
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)
# Line breaks YAML knows but the splitter does not (a lone CR, NEL, LS, PS): documents holding them are
# never sniffed, as their column-0 lines are not what they seem.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class TopLine(NamedTuple):
    """A line at column 0 of a document: a plain top-level `key: value`, or other content (key "")."""

    key: str
    value: str
    start: int  # offset in the chunk text


# What a document whose column-0 lines cannot be trusted gets: one line of "other" content.
UNREADABLE = (TopLine("", "", 0),)


@dataclass(frozen=True)
class Chunk:
    """One document's text. `start` and `end` are offsets in the stream; `line` is 1-based.

    `top` holds the document's column-0 lines (UNREADABLE when they cannot be trusted); None when the
    chunk was made without them (sniff then reads them from the text).
    """

    text: str
    start: int
    end: int
    line: int
    template: str | None
    top: tuple[TopLine, ...] | None = None

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


def top_lines(text: str) -> tuple[TopLine, ...]:
    """The column-0 lines of one document's text (what iter_chunks gives each chunk as `top`)."""
    if _has_odd_breaks(text) or _opens_with_content(text, 0):
        return UNREADABLE
    return tuple(_top_line(m, 0) for m in _line_starts(text) if _event(m) in ("key", "other"))


def iter_chunks(text: str) -> Iterator[Chunk]:
    """Yield every document of a stream (empty ones too); a `# Source:` comment names its template."""
    readable = not _has_odd_breaks(text)
    line = 1
    pos = 0
    template: str | None = None
    top: list[TopLine] | None = [] if readable and not _opens_with_content(text, 0) else None
    for match in _line_starts(text):
        event = _event(match)
        if event == "marker":
            start = match.start("marker")
            yield Chunk(text[pos:start], pos, start, line, template, tuple(top) if top is not None else UNREADABLE)
            line += text.count("\n", pos, start)
            # The marker line itself may carry content (`--- {a: 1}` or `--- |`): keep it in the next chunk.
            marker_end = match.end()
            if text.startswith("...", start):
                eol = text.find("\n", marker_end)
                marker_end = len(text) if eol < 0 else eol + 1
                line += 1
            pos = marker_end
            template = None
            top = [] if readable and not _opens_with_content(text, pos) else None
        elif event == "source":
            if template is None:
                value = _SOURCE_VALUE.fullmatch(match.group("source"))
                template = value.group(1) if value else None
        elif top is not None:
            top.append(_top_line(match, pos))
    yield Chunk(text[pos:], pos, len(text), line, template, tuple(top) if top is not None else UNREADABLE)


def _line_starts(text: str) -> Iterator[re.Match[str]]:
    first = _LINE.match(text)
    if first is not None:
        yield first
    for candidate in _UNINDENTED.finditer(text):
        match = _LINE.match(text, candidate.end())
        if match is not None:
            yield match


def _event(match: re.Match[str]) -> str:
    """Which alternative of _LINE_START matched: marker, source, key or other."""
    group = match.lastgroup
    return "key" if group == "value" else str(group)


def _top_line(match: re.Match[str], offset: int) -> TopLine:
    if match.lastgroup == "value":
        return TopLine(match.group("key"), match.group("value"), match.start("key") - offset)
    return TopLine("", "", match.start("other") - offset)


def _has_odd_breaks(text: str) -> bool:
    if "\r" not in text and "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return False
    return _ODD_BREAK.search(text) is not None


def _opens_with_content(text: str, pos: int) -> bool:
    """True when the chunk at `pos` starts with indented or partial-line content (`--- {a: 1}`, `--- !tag`),
    which the column-0 lines do not show."""
    if text[pos : pos + 1] not in (" ", "\t"):
        return False
    eol = text.find("\n", pos)
    rest = text[pos : eol if eol >= 0 else len(text)].strip()
    return bool(rest) and not rest.startswith("#")
