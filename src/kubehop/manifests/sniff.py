"""Read a document's top-level apiVersion and kind without parsing it, when that is unambiguous.

In block-style YAML every line at column 0 belongs to the top-level mapping (block scalars and nested
nodes are indented), so `^apiVersion:` and `^kind:` lines are the document's own keys. Anything less
plain (flow or JSON documents, anchors, tags, merge keys, List kinds, repeated keys) returns None and
the caller parses the document fully.
"""

from __future__ import annotations

import re

from kubehop.manifests.split import Chunk

_TOP_KEY = re.compile(r"^(apiVersion|kind|<<)[ \t]*:(.*)$", re.MULTILINE)
_PLAIN_VALUE = re.compile(r"""^[ \t]*(?:"([^"\\]*)"|'([^']*)'|([^\s#'"&*!|>{\[][^#]*?))[ \t]*(?:#.*)?\r?$""")


def sniff(chunk: Chunk) -> tuple[str, str] | None:
    """(apiVersion, kind) of a plain block-style document, or None when only a full parse can tell."""
    text = chunk.text
    first = text.lstrip()[:1]
    if first in ("{", "[", "%", "!", "&"):
        return None
    found: dict[str, str] = {}
    for match in _TOP_KEY.finditer(text):
        key = match.group(1)
        if key == "<<" or key in found:
            return None
        value = _PLAIN_VALUE.match(match.group(2))
        if value is None:
            return None
        found[key] = next(g for g in value.groups() if g is not None).strip()
    api_version = found.get("apiVersion")
    kind = found.get("kind")
    if not api_version or not kind or kind.endswith("List"):
        return None
    return api_version, kind
