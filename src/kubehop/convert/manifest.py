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
from kubehop.convert.serving import Action, plan_for
from kubehop.errors import KubehopError, ManifestError
from kubehop.manifests.reader import is_list, list_item
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


def _is_list(obj: Mapping[str, Any]) -> bool:
    """A List document: `kind: List` or a typed `<Kind>List`, with items (an empty list may leave them out)."""
    return str(obj.get("kind")).strip().endswith("List") and (obj.get("items") is None or is_list(obj))


def _convert_list(
    obj: Mapping[str, Any], target: KubeVersion, live: LiveIndex | None, decisions: Decisions, depth: int = 0
) -> TargetConversion:
    """A List document: convert its items (nested Lists too), drop removed ones, and move a typed wrapper
    (`rbac.authorization.k8s.io/v1beta1` RoleList) to the list kind of its kind's version at the target."""
    items: list[Any] = []
    notes: list[Note] = []
    errors: list[str] = []
    changed = False
    for raw in obj.get("items") or ():
        item = list_item(obj, raw)
        if item is None or not is_object(item):
            items.append(raw)
            continue
        if _is_list(item) and depth < 10:
            result = _convert_list(item, target, live, decisions, depth + 1)
        else:
            result = _convert_one(item, target, live, decisions)
        notes += [Note(n.kind, f"{describe(item)}: {n.message}") for n in result.notes]
        if result.error:
            errors.append(f"{describe(item)}: {result.error}")
        changed = changed or result.changed
        if result.obj is not None:
            items.append(result.obj if result.changed else raw)
    wrapper, note, error = _list_wrapper(obj, target, bool(items))
    notes += [note] if note is not None else []
    errors += [error] if error else []
    if errors:
        return TargetConversion(Action.CONVERT, obj, tuple(notes), error="; ".join(errors))
    if wrapper is None:
        return TargetConversion(Action.REMOVE, None, tuple(notes))
    if not changed and wrapper is obj:
        return TargetConversion(Action.KEEP, obj, tuple(notes))
    return TargetConversion(Action.CONVERT, {**wrapper, "items": items}, tuple(notes))


def _list_wrapper(
    obj: Mapping[str, Any], target: KubeVersion, has_items: bool
) -> tuple[Mapping[str, Any] | None, Note | None, str]:
    """The wrapper of a List at the target (None: the document goes), a note, and an error.

    A `<Kind>List` is served exactly where `<Kind>` is: it follows `<Kind>` to its replacement. A typed
    list of a kind removed without replacement goes when no item is left, and becomes a `v1 List` when
    some items (of other kinds) remain. A generic `List` of a group/version the target no longer
    serves at all becomes a `v1 List`.
    """
    api_version, kind = str(obj.get("apiVersion") or ""), str(obj.get("kind")).strip()
    plan = plan_for(api_version, kind.removesuffix("List") or kind, target)  # a generic List: its own row
    if plan.action is Action.KEEP:
        return obj, None, ""
    if plan.action is Action.CONVERT and plan.to is not None:
        to_kind = plan.to.kind if kind == "List" else plan.to.kind + "List"
        return {**obj, "apiVersion": plan.to.api_version, "kind": to_kind}, None, ""
    if plan.action is Action.REMOVE:
        if not has_items:
            return None, Note(NoteKind.DROPPED, f"{api_version} {kind} is not served by Kubernetes {target} and "
                                                "nothing replaces it: the list was removed from the manifest"), ""
        return {**obj, "apiVersion": "v1", "kind": "List"}, None, ""
    return obj, None, f"{api_version} {kind} is not served by Kubernetes {target} and its replacement is not served yet"


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
        if _is_list(obj):
            result = _convert_list(obj, target, live, decisions)
        else:
            result = _convert_one(obj, target, live, decisions)
        if result.action is Action.KEEP and not result.notes:
            pieces.append(doc.text)
            continue
        change = _change(doc, obj, result)
        changes.append(change)
        in_list = _is_list(obj)
        notes += [n if in_list else Note(n.kind, f"{describe(obj)}: {n.message}") for n in result.notes]
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
