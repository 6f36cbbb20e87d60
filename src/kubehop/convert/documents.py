"""Split a YAML stream into documents, keeping each document's exact text so that untouched
documents can be written back byte for byte (comments, quoting, CRLF, BOM)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubehop.errors import ManifestError
from kubehop.manifests.limits import ALIAS_BOMB, TOO_DEEP, duplicate_keys, is_bomb, too_large

_Loader = yaml.SafeLoader

# A document starts at a column-0 `---` marker; inside a document no column-0 `---` can occur.
_MARKER = re.compile(r"^---(?:[ \t].*)?\r?\n?$")
_PLAIN_MARKER = re.compile(r"^---[ \t]*(#.*)?\r?\n?$")
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

    @property
    def is_json(self) -> bool:
        """True when the document is one JSON value (which may be indented with tabs, unlike YAML)."""
        return json_value(self) is not _NOT_JSON

    def parse(self, path: str, warnings: list[str] | None = None) -> Any:
        """The document's value, read as Helm reads it: a repeated key keeps its last value (with
        `warnings`, a line naming the file, line and key is added). Documents over the size limit and
        alias bombs are refused with a ManifestError, as `scan` refuses them."""
        refusal = too_large(self.text)
        if refusal is not None:
            raise ManifestError(f"{path}:{self.content_line}: {refusal}")
        value = json_value(self, path, warnings)
        if value is not _NOT_JSON:
            return value
        text = self.text.lstrip("\ufeff")  # the marker line may carry content
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if is_bomb(text, node):
                raise ManifestError(f"{path}:{self.content_line}: {ALIAS_BOMB}")
            if warnings is not None:
                repeats = sorted(duplicate_keys(node), key=lambda repeat: repeat[1])
                warnings += [_duplicate(path, self.line + line, key) for key, line in repeats]
            return loader.construct_document(node)
        except yaml.YAMLError as exc:
            raise ManifestError(f"{path}:{self.line}: not valid YAML: {exc}") from exc
        except RecursionError as exc:
            raise ManifestError(f"{path}:{self.content_line}: {TOO_DEEP}") from exc
        finally:
            loader.dispose()


_NOT_JSON: Any = object()


def _duplicate(path: str, line: int, key: str) -> str:
    return f"{path}:{line}: duplicate key {key!r} (the last one wins, as in Helm)"


def json_value(doc: RawDocument, path: str = "", warnings: list[str] | None = None) -> Any:
    """The document read as JSON (keys repeated in an object: the last one wins), or _NOT_JSON."""
    body = doc.body.lstrip("\ufeff")
    if not body.lstrip().startswith(("{", "[")) or (doc.marker and not _PLAIN_MARKER.match(doc.marker)):
        return _NOT_JSON
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                repeated.append(key)
            out[key] = value
        return out

    try:
        value = json.loads(body, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return _NOT_JSON
    if warnings is not None:
        warnings += [_duplicate(path, doc.content_line, key) for key in repeated]
    return value


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
