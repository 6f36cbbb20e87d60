"""Parse documents fully into plain mappings, with lines, List expansion and bounded alias expansion."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from kubehop.errors import ManifestError
from kubehop.manifests.limits import (
    ALIAS_BOMB,
    MAX_DOCUMENT_BYTES,
    MAX_EXPANDED_NODES,
    TOO_DEEP,
    duplicate_keys,
    is_bomb,
    too_large,
)
from kubehop.manifests.split import Chunk, iter_chunks, strip_bom
from kubehop.model import Document, Location

__all__ = ["MAX_DOCUMENT_BYTES", "MAX_EXPANDED_NODES", "ParseProblem", "decode_text", "parse_chunk", "read_documents"]

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ParseProblem:
    """A document that could not be read; it becomes a `parse-error` finding."""

    location: Location
    message: str


def decode_text(data: bytes, path: str) -> str:
    """Decode manifest bytes (UTF-8, with or without BOM; UTF-16 with BOM); binary input is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ManifestError(f"{path}: not valid UTF-16 text") from exc
    if b"\x00" in data[:8192]:
        raise ManifestError(f"{path}: binary file, skipped")
    try:
        return strip_bom(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not UTF-8 text (binary?), skipped") from exc


def read_documents(
    data: str | bytes, path: str = "-", base: Location | None = None
) -> Iterator[Document | ParseProblem]:
    """Every Kubernetes object in a YAML/JSON stream, in order; unreadable documents as ParseProblems."""
    text = decode_text(data, path) if isinstance(data, bytes) else strip_bom(data)
    origin = base or Location(path=path)
    for chunk in iter_chunks(text):
        yield from parse_chunk(chunk, origin)


def parse_chunk(
    chunk: Chunk, origin: Location, chart_lines: bool = False, warnings: list[str] | None = None
) -> list[Document | ParseProblem]:
    """Parse one chunk. With chart_lines, lines count from a rendered template's `# Source:` header.

    Repeated mapping keys are read as Helm reads them (the last one wins); with `warnings`, each one
    adds a line naming the file, line and key there.
    """
    if chunk.is_empty:
        return []
    here = replace(origin, template=chunk.template or origin.template, line=chunk.source_line if chart_lines else 0)
    refusal = too_large(chunk.text)
    if refusal is not None:
        return [ParseProblem(replace(here, line=_line(chunk, here)), refusal)]
    stripped = chunk.text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return _documents(json.loads(chunk.text), None, chunk, here)
        except RecursionError:
            return [ParseProblem(replace(here, line=_line(chunk, here)), TOO_DEEP)]
        except json.JSONDecodeError:
            pass  # flow-style YAML is not JSON: let the YAML parser read it (and report its errors)
    loader = _Loader(chunk.text)
    try:
        node = loader.get_single_node()
        if node is None:
            return []
        if is_bomb(chunk.text, node):
            return [ParseProblem(replace(here, line=_line(chunk, here)), ALIAS_BOMB)]
        if warnings is not None:
            repeats = sorted(duplicate_keys(node), key=lambda repeat: repeat[1])
            warnings += [_duplicate(here, _relative(chunk.line + line, here), key) for key, line in repeats]
        obj = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = chunk.line + mark.line if mark is not None else chunk.content_line()
        # libyaml marks an unclosed construct at the end of the stream: point at the last content line.
        line = _relative(min(line, chunk.line + chunk.text.rstrip().count("\n")), here)
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return [ParseProblem(replace(here, line=line), problem)]
    except yaml.YAMLError as exc:
        return [ParseProblem(replace(here, line=_line(chunk, here)), str(exc))]
    except RecursionError:
        return [ParseProblem(replace(here, line=_line(chunk, here)), TOO_DEEP)]
    finally:
        loader.dispose()
    return _documents(obj, node, chunk, here)


def _line(chunk: Chunk, here: Location) -> int:
    return _relative(chunk.content_line(), here)


def _relative(line: int, here: Location) -> int:
    # `here.line` holds the line the numbering starts after (0 for files, the `# Source:` line for charts).
    return line - (here.line or 0)


def is_list(obj: Mapping[str, Any]) -> bool:
    """A List document: `kind: List` or a typed `<Kind>List` (RoleList, ...) holding an `items` sequence."""
    kind = obj.get("kind")
    return isinstance(kind, str) and kind.strip().endswith("List") and isinstance(obj.get("items"), list)


def list_item(wrapper: Mapping[str, Any], item: Any) -> Mapping[str, Any] | None:
    """One item of a List as an object, or None when it is not one.

    An item with neither apiVersion nor kind takes them from the wrapper (`RoleList` items are Roles of
    the wrapper's apiVersion), as the Kubernetes client libraries decode typed lists for kubectl and Helm.
    """
    if not isinstance(item, Mapping):
        return None
    if "apiVersion" in item or "kind" in item:
        return item if "kind" in item else None
    kind = str(wrapper.get("kind") or "").strip().removesuffix("List")
    if not kind:
        return None  # a plain `v1 List` names no kind for its items
    return {"apiVersion": wrapper.get("apiVersion"), "kind": kind, **item}


def list_objects(obj: Mapping[str, Any], depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """`obj`, or for a List its wrapper (without `items`) and then every item object, nested Lists flattened."""
    if not is_list(obj):
        yield obj
        return
    yield {key: value for key, value in obj.items() if key != "items"}
    for raw in obj["items"]:
        item = list_item(obj, raw)
        if item is not None:
            yield from (list_objects(item, depth + 1) if depth < 10 else (item,))


def _documents(obj: Any, node: yaml.Node | None, chunk: Chunk, here: Location) -> list[Document | ParseProblem]:
    if not isinstance(obj, Mapping):
        return []
    line = _relative(chunk.line + _key_line(node, "apiVersion"), here) if node else _line(chunk, here)
    if is_list(obj):
        return _list_documents(obj, node, chunk, here, line, "")
    if "apiVersion" not in obj and "kind" not in obj:
        return []
    return [Document(obj, replace(here, line=line))]


def _list_documents(obj: Mapping[str, Any], node: yaml.Node | None, chunk: Chunk, here: Location, line: int,
                    path: str, depth: int = 0) -> list[Document | ParseProblem]:
    """The wrapper (an object of its own: its apiVersion must be served too), then each item (nested Lists too)."""
    wrapper = {key: value for key, value in obj.items() if key != "items"}
    out: list[Document | ParseProblem] = [Document(wrapper, replace(here, line=line, item=path or None))]
    item_nodes = _value_node(node, "items")
    for index, raw in enumerate(obj["items"]):
        item = list_item(obj, raw)
        if item is None:
            continue
        item_node, item_line = None, line
        if isinstance(item_nodes, yaml.SequenceNode) and index < len(item_nodes.value):
            item_node = item_nodes.value[index]
            item_line = _relative(chunk.line + item_node.start_mark.line, here)
        item_path = f"{path}.items[{index}]" if path else f"items[{index}]"
        if is_list(item) and depth < 10:
            out += _list_documents(item, item_node, chunk, here, item_line, item_path, depth + 1)
        else:
            out.append(Document(item, replace(here, line=item_line, item=item_path)))
    return out


def _value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v  # type: ignore[no-any-return]
    return None


def _key_line(node: yaml.Node | None, key: str) -> int:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return int(k.start_mark.line)
    return int(node.start_mark.line) if node is not None else 0


def _duplicate(here: Location, line: int, key: str) -> str:
    return f"{replace(here, line=line)}: duplicate key {key!r} (the last one wins, as in Helm)"
