"""Convert a whole multi-document manifest: match on parsed documents, rewrite only the documents
that change, drop documents whose API is gone without a replacement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubehop.convert.documents import RawDocument, is_object, split_documents
from kubehop.convert.engine import TargetConversion
from kubehop.convert.live import LiveIndex, find_live
from kubehop.convert.model import NO_DECISIONS, Decisions, Note, NoteKind, describe
from kubehop.convert.rewrite import render
from kubehop.convert.serving import Action
from kubehop.errors import KubehopError, ManifestError
from kubehop.model import KubeVersion


@dataclass(frozen=True)
class ManifestChange:
    """What happened to one object of the manifest (only objects with something to say are listed)."""

    index: int  # document number in the stream, from 0
    line: int
    action: Action
    api_version: str
    kind: str
    name: str
    namespace: str
    to_api_version: str = ""
    to_kind: str = ""
    notes: tuple[Note, ...] = ()
    error: str = ""
    obj: Mapping[str, Any] | None = None  # the resulting object (None when removed)

    @property
    def changed(self) -> bool:
        return self.action in (Action.CONVERT, Action.REMOVE) and not self.error


@dataclass(frozen=True)
class ManifestConversion:
    text: str
    changes: tuple[ManifestChange, ...]
    notes: tuple[Note, ...]
    warnings: tuple[str, ...] = ()  # what was read as Helm reads it but deserves a look (repeated keys)

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)


def _convert_one(
    obj: Mapping[str, Any], target: KubeVersion, live: LiveIndex | None, decisions: Decisions
) -> TargetConversion:
    from kubehop.convert import convert_for_target

    try:
        return convert_for_target(obj, target, live=find_live(live, obj), decisions=decisions)
    except KubehopError:
        raise
    except Exception as exc:  # a field of a type or shape no API server would accept: refuse, keep the text
        message = f"malformed object, cannot be converted ({type(exc).__name__}: {exc})"
        return TargetConversion(Action.CONVERT, obj, (Note(NoteKind.DECISION, message),), error=message)


def _convert_list(
    obj: Mapping[str, Any], target: KubeVersion, live: LiveIndex | None, decisions: Decisions
) -> TargetConversion:
    """A `kind: List` document: convert its items, drop removed ones."""
    items: list[Any] = []
    notes: list[Note] = []
    changed = False
    for item in obj.get("items") or ():
        if not is_object(item):
            items.append(item)
            continue
        result = _convert_one(item, target, live, decisions)
        notes += [Note(n.kind, f"{describe(item)}: {n.message}") for n in result.notes]
        changed = changed or result.changed
        if result.obj is not None:
            items.append(result.obj)
    if not changed:
        return TargetConversion(Action.KEEP, obj, tuple(notes))
    return TargetConversion(Action.CONVERT, {**obj, "items": items}, tuple(notes))


def _change(doc: RawDocument, obj: Mapping[str, Any], result: TargetConversion) -> ManifestChange:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    assert isinstance(meta, Mapping)
    to = result.obj or {}
    return ManifestChange(
        index=doc.index,
        line=doc.content_line,
        action=result.action,
        api_version=str(obj.get("apiVersion")),
        kind=str(obj.get("kind")),
        name=str(meta.get("name") or ""),
        namespace=str(meta.get("namespace") or ""),
        to_api_version=str(to.get("apiVersion") or ""),
        to_kind=str(to.get("kind") or ""),
        notes=result.notes,
        error=result.error,
        obj=result.obj,
    )


def convert_manifest(
    text: str,
    target: KubeVersion,
    live: LiveIndex | None = None,
    *,
    path: str = "<manifest>",
    decisions: Decisions = NO_DECISIONS,
) -> ManifestConversion:
    """Convert every object of a YAML/JSON stream to what `target` serves.

    `decisions` answers in advance what the converters would otherwise leave to a `decision` note
    (a CSR signer, webhook sideEffects, untyped CRD schema nodes).
    Untouched documents keep their exact text; converted ones are re-rendered from their own text
    (comments and key order kept where the keys survive); removed ones disappear with a note.
    A key repeated in a mapping is read as Helm reads it (the last one wins), with a warning.
    Raises ManifestError when a document is not valid YAML, is over the size limit or is an alias
    bomb (nothing is converted then).
    """
    docs = split_documents(text)
    warnings: list[str] = []
    parsed = [(doc, doc.parse(path, warnings)) for doc in docs]
    pieces: list[str] = []
    changes: list[ManifestChange] = []
    notes: list[Note] = []
    for doc, obj in parsed:
        if not is_object(obj):
            pieces.append(doc.text)
            continue
        if str(obj.get("kind")).endswith("List") and isinstance(obj.get("items"), list):
            result = _convert_list(obj, target, live, decisions)
        else:
            result = _convert_one(obj, target, live, decisions)
        if result.action is Action.KEEP and not result.notes:
            pieces.append(doc.text)
            continue
        change = _change(doc, obj, result)
        changes.append(change)
        is_list = str(obj.get("kind")).endswith("List")
        notes += [n if is_list else Note(n.kind, f"{describe(obj)}: {n.message}") for n in result.notes]
        if not change.changed:
            pieces.append(doc.text)
        elif result.obj is not None:
            pieces.append(_render(doc, result.obj, obj, path))
    return ManifestConversion(_join(pieces, text), tuple(changes), tuple(notes), tuple(warnings))


def _render(doc: RawDocument, new: Mapping[str, Any], obj: Mapping[str, Any], path: str) -> str:
    try:
        return render(doc, new, obj)
    except Exception as exc:  # the round-trip writer refused what the reader accepted: a clear error
        raise ManifestError(f"{path}:{doc.content_line}: cannot be rewritten ({type(exc).__name__}: "
                            f"{' '.join(str(exc).split())})") from exc


def _join(pieces: list[str], original: str) -> str:
    """Join documents; a removed first document must not leave the next one glued to nothing."""
    out = ""
    for piece in pieces:
        if out and not out.endswith("\n"):
            out += "\n"
        out += piece
    if out.startswith(("---\n", "---\r\n")) and not original.lstrip("\ufeff").startswith("---"):
        out = out.split("\n", 1)[1]  # the first document was removed: do not start with its successor's marker
    if original.startswith("\ufeff") and not out.startswith("\ufeff"):
        out = "\ufeff" + out
    return out
