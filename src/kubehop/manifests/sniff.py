"""Read a document's top-level apiVersion and kind without parsing it, when that is unambiguous.

In block-style YAML every line at column 0 belongs to the top-level mapping (block scalars and nested
nodes are indented), so `apiVersion:` and `kind:` lines at column 0 are the document's own keys. The
splitter hands each chunk its column-0 lines. Anything less plain (flow or JSON documents, quoted or
complex keys, anchors, tags, merge keys, List kinds, repeated keys, unusual line breaks) returns None
and the caller parses the document fully.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kubehop.manifests.split import Chunk, TopLine, top_lines

_PLAIN_VALUE = re.compile(r"""^[ \t]*(?:"([^"\\]*)"|'([^']*)'|([^\s#'"&*!|>{\[][^#]*?))[ \t]*(?:#.*)?\r?$""")


def lines_of(chunk: Chunk) -> tuple[TopLine, ...]:
    return chunk.top if chunk.top is not None else top_lines(chunk.text)


def sniff(chunk: Chunk) -> tuple[str, str] | None:
    """(apiVersion, kind) of a plain block-style document, or None when only a full parse can tell."""
    found: dict[str, str] = {}
    for line in lines_of(chunk):
        key = line.key
        if key == "apiVersion" or key == "kind":
            value = _PLAIN_VALUE.match(line.value)
            if key in found or value is None:
                return None
            found[key] = next(g for g in value.groups() if g is not None).strip()
        elif key in ("", "<<"):
            return None
    api_version = found.get("apiVersion")
    kind = found.get("kind")
    if not api_version or not kind or kind.endswith("List"):
        return None
    return api_version, kind


def head(chunk: Chunk, keys: frozenset[str]) -> Chunk | None:
    """The chunk cut just before the first top-level key after the last of `keys`, or None.

    The head parses to the same values for `keys` as the whole document: it is a prefix cut at a
    column-0 key line, so anything still open there (a quoted scalar or flow collection running on
    at column 0) makes the head fail to parse; and it runs past the last line naming one of `keys`,
    so a repeated key wins in the head as in the whole. None when nothing would be cut or the lines
    are not all plain keys.
    """
    lines = lines_of(chunk)
    last = -1
    for index, line in enumerate(lines):
        if line.key in ("", "<<"):
            return None
        if line.key in keys:
            last = index
    if last < 0 or last == len(lines) - 1:
        return None
    cut = lines[last + 1].start
    text = chunk.text[:cut]
    if chunk.template is not None and "# Source: " not in text:
        return None  # the `# Source:` header comes later: chart line numbers count from it
    return replace(chunk, text=text, end=chunk.start + cut)
