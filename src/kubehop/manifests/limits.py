"""What every YAML reader of kubehop checks on a composed document before building it: the size and
alias-expansion limits (a 1 KB alias bomb must not take gigabytes) and repeated mapping keys, which
Helm and kubectl accept (the last one wins) and kubehop reads the same way, with a warning."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
MAX_EXPANDED_NODES = 1_000_000
_MAX_DEPTH = 500

TOO_LARGE = "document of {size} bytes is larger than the {limit} byte limit"
ALIAS_BOMB = "alias expansion too large (YAML bomb?)"
TOO_DEEP = "nested too deeply to be read"


def too_large(text: str) -> str | None:
    """The refusal message for a document over the size limit, or None."""
    if len(text) > MAX_DOCUMENT_BYTES:
        return TOO_LARGE.format(size=len(text), limit=MAX_DOCUMENT_BYTES)
    return None


def expanded_size(root: yaml.Node) -> int:
    """Node count with aliases expanded, memoised per node so a bomb is measured, not expanded."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int = 0) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > _MAX_DEPTH:
            return MAX_EXPANDED_NODES + 1
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    return size(root)


def is_bomb(text: str, root: yaml.Node) -> bool:
    """True when expanding the document's aliases would build more than MAX_EXPANDED_NODES nodes."""
    return "&" in text and expanded_size(root) > MAX_EXPANDED_NODES


def duplicate_keys(root: yaml.Node) -> Iterator[tuple[str, int]]:
    """(key, 0-based line) of every plain key that repeats an earlier key of the same mapping.

    Every collection is visited once (aliases are not followed again); merge keys (`<<`) are not
    repeats. Cheap next to building the document: scalars are never pushed, and a mapping's keys are
    compared one by one only when some plain key text repeats.
    """
    seen: set[int] = set()
    stack = [root]
    scalar = yaml.ScalarNode
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            pairs = node.value
            texts = [k.value for k, _ in pairs if type(k) is scalar]
            if len(set(texts)) != len(texts):
                yield from _repeats(pairs)
            stack.extend(child for pair in pairs for child in pair if type(child) is not scalar)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(child for child in node.value if type(child) is not scalar)


def _repeats(pairs: list[tuple[yaml.Node, yaml.Node]]) -> Iterator[tuple[str, int]]:
    keys: set[tuple[str, str]] = set()
    for key, _value in pairs:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if (key.tag, key.value) in keys:
                yield str(key.value), int(key.start_mark.line)
            keys.add((key.tag, key.value))
