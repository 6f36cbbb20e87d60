"""Write a converted object back into its document's text: ruamel.yaml round-trip on that
document only, so comments, key order and flow/quote styles of unchanged parts survive."""

from __future__ import annotations

import functools
import io
import itertools
import json
import re
from collections.abc import Mapping
from typing import Any

from kubehop.convert.documents import RawDocument


def _indent_style(body: str) -> tuple[int, int]:
    """(sequence indent, dash offset): kubectl style `key:\\n- a` or indented `key:\\n  - a`."""
    lines = body.splitlines()
    for prev, line in itertools.pairwise(lines):
        match = re.match(r"^( *)\S.*:\s*$", prev)
        dash = re.match(r"^( *)- ", line)
        if match and dash:
            return (2, 0) if len(dash.group(1)) == len(match.group(1)) else (4, 2)
    return (2, 0)


def _to_ruamel(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _to_ruamel(v)
        return out
    if isinstance(value, list):
        return CommentedSeq(_to_ruamel(v) for v in value)
    return value


_MISSING = object()


def _same_scalar(old: Any, new: Any) -> bool:
    return (type(new) is not bool and old == new and isinstance(old, type(new))) or (old is new)


def _item(container: Any, key: Any) -> Any:
    if isinstance(container, Mapping):
        return container.get(key, _MISSING)
    if isinstance(container, list) and isinstance(key, int) and key < len(container):
        return container[key]
    return _MISSING


def _reuse(removed: list[tuple[Any, Any]], value: Any) -> Any:
    """A renamed key keeps its old node (and so its flow style and quoting) when the value is unchanged."""
    from kubehop.convert.model import plain

    for i, (node, original) in enumerate(removed):
        if (plain(node) if original is _MISSING else original) == value:
            return removed.pop(i)[0]
    return _to_ruamel(value)


def sync(old: Any, new: Any, original: Any = _MISSING) -> Any:
    """Make `old` (ruamel node) hold `new` (plain data), reusing old nodes where they survive.

    `original` is the same position in the object the converter was given (parsed the way kubectl
    reads YAML); a value the converter did not change keeps its node even where YAML 1.1 and 1.2
    read the text differently (`yes`, `0644`), so unchanged text is never rewritten.
    """
    from ruamel.yaml.comments import CommentedMap

    if original is not _MISSING and original == new and type(original) is type(new):
        return old
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        gone = [k for k in old if k not in new]
        removed = [(old.pop(k), _item(original, k)) for k in gone]
        for position, (key, value) in enumerate(new.items()):
            if key in old:
                old[key] = sync(old[key], value, _item(original, key))
            else:
                old.insert(position, key, _reuse(removed, value))
        if list(old) != list(new):
            for key in new:
                old.move_to_end(key)
        return old
    if isinstance(old, list) and isinstance(new, list) and hasattr(old, "ca"):
        for i, value in enumerate(new):
            if i < len(old):
                old[i] = sync(old[i], value, _item(original, i))
            else:
                old.append(_to_ruamel(value))
        del old[len(new) :]
        return old
    if _same_scalar(old, new):
        return old
    return _to_ruamel(new)


def _json_indent(body: str) -> str | int | None:
    """The indentation of a JSON document: a tab, a number of spaces, or None (all on one line)."""
    match = re.search(r"\n([ \t]+)\S", body.strip())
    if match is None:
        return None
    return "\t" if match.group(1).startswith("\t") else len(match.group(1))


def _render_json(doc: RawDocument, new: Mapping[str, Any]) -> str:
    """A JSON document stays JSON, indented as it was (tabs too)."""
    body = doc.body
    bom = body.startswith("\ufeff")
    source = body.lstrip("\ufeff")
    text = json.dumps(new, indent=_json_indent(source.replace("\r\n", "\n")), ensure_ascii=False)
    text = source[: len(source) - len(source.lstrip())] + text + source[len(source.rstrip()) :]
    if "\r\n" in source:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return doc.marker + ("\ufeff" if bom else "") + text


@functools.cache
def _last_key_wins() -> type[Any]:
    """A round-trip constructor that reads repeated mapping keys as Helm does: the last one wins."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class LastKeyWins(RoundTripConstructor):
        def check_mapping_key(self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any) -> bool:
            if key in mapping:
                del mapping[key]  # the later value goes in where the later key stands
            return True

    return LastKeyWins


def render(doc: RawDocument, new: Mapping[str, Any], original: Mapping[str, Any] | None = None) -> str:
    """The document's text with its object replaced by `new` (`original`: the object it was parsed as)."""
    from ruamel.yaml import YAML

    if doc.is_json:
        return _render_json(doc, new)
    body = doc.body
    marker = doc.marker
    if marker and not re.match(r"^---[ \t]*(#.*)?\r?\n?$", marker):  # content on the marker line (`--- {a: 1}`)
        body, marker = marker[3:].lstrip(" \t") + body, "---" + ("\r\n" if marker.endswith("\r\n") else "\n")
    crlf = "\r\n" in body
    bom = body.startswith("\ufeff")
    source = body.lstrip("\ufeff").replace("\r\n", "\n")
    # ruamel's round-trip loader builds only YAML node types (no arbitrary objects), and keeps comments.
    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.Constructor = _last_key_wins()
    round_trip.width = 4096
    sequence, offset = _indent_style(source)
    round_trip.indent(mapping=2, sequence=sequence, offset=offset)
    tree = round_trip.load(source)
    tree = sync(tree, new, _MISSING if original is None else original) if tree is not None else _to_ruamel(new)
    buffer = io.StringIO()
    round_trip.dump(tree, buffer)
    text = buffer.getvalue()
    if not source.endswith("\n"):
        text = text.rstrip("\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    return marker + ("\ufeff" if bom else "") + text
