"""Value types of the converters: notes, results and the context a converter may read."""

from __future__ import annotations

import copy
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kubehop.errors import UsageError
from kubehop.model import GroupVersionKind, KubeVersion


class NoteKind(enum.Enum):
    """What a note asks of the reader."""

    DECISION = "decision"  # a human must decide; the output may still need editing
    BEHAVIOUR = "behaviour"  # defaults or semantics differ between the versions
    DROPPED = "dropped"  # a field (or the whole object) was dropped
    INFO = "info"  # nothing to do; said for the record

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=True)
class Note:
    """One remark about a conversion; `message` names the field it is about."""

    kind: NoteKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.message}"


@dataclass(frozen=True)
class ConversionResult:
    """A converted object (a fresh plain dict) and what a human should know about it."""

    obj: dict[str, Any]
    notes: tuple[Note, ...] = ()


WEBHOOK_SIDE_EFFECTS = ("None", "NoneOnDryRun")
_SIGNER_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[^\s/]\S*$")  # DOMAIN/PATH


@dataclass(frozen=True)
class Decisions:
    """Answers a human gives in advance to questions a converter must not guess on its own.

    Unset answers leave the question open: the converter then says so in a `decision` note.
    """

    signer_name: str | None = None  # CSR spec.signerName when absent or kubernetes.io/legacy-unknown
    webhook_side_effects: str | None = None  # webhooks whose sideEffects is Unknown, Some or absent
    crd_preserve_untyped_fields: bool = False  # mark CRD schema nodes without a type as preserve-unknown

    def __post_init__(self) -> None:
        if self.webhook_side_effects is not None and self.webhook_side_effects not in WEBHOOK_SIDE_EFFECTS:
            raise UsageError(
                f"webhook side effects {self.webhook_side_effects!r}: admissionregistration.k8s.io/v1 accepts "
                f"only {' or '.join(WEBHOOK_SIDE_EFFECTS)}"
            )
        if self.signer_name is not None and (
            not _SIGNER_NAME.match(self.signer_name) or self.signer_name == "kubernetes.io/legacy-unknown"
        ):
            raise UsageError(
                f"signer name {self.signer_name!r}: certificates.k8s.io/v1 needs a qualified name "
                "DOMAIN/PATH (e.g. kubernetes.io/kube-apiserver-client) other than kubernetes.io/legacy-unknown"
            )


NO_DECISIONS = Decisions()


@dataclass(frozen=True)
class ConvertContext:
    """What a converter may read besides the object: the live object of the same kind/namespace/name,
    the decisions given in advance, and the target release when the conversion is planned for one."""

    live: Mapping[str, Any] | None = None
    decisions: Decisions = NO_DECISIONS
    target: KubeVersion | None = None


Converter = Callable[[Mapping[str, Any], ConvertContext], ConversionResult]
Edge = tuple[GroupVersionKind, GroupVersionKind]


def fresh(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A deep, plain copy a converter may change freely (the input is never touched)."""
    return plain(copy.deepcopy(obj))  # type: ignore[no-any-return]


def plain(value: Any) -> Any:
    """Turn mapping/sequence subclasses (ruamel's CommentedMap, tuples) into dict/list recursively."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def with_api(obj: dict[str, Any], to: GroupVersionKind) -> dict[str, Any]:
    """Set apiVersion/kind, keeping them at the front of the mapping."""
    rest = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
    return {"apiVersion": to.api_version, "kind": to.kind, **rest}


def gvk(api_version: str, kind: str) -> GroupVersionKind:
    return GroupVersionKind.from_api_version(api_version, kind)


def spec_of(obj: dict[str, Any]) -> dict[str, Any]:
    """The object's spec as a dict (an absent or null spec reads as empty, without being added)."""
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def mapping_at(obj: Mapping[str, Any], *path: str) -> Mapping[str, Any] | None:
    cur: Any = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(key)
    return cur if isinstance(cur, Mapping) else None


def describe(obj: Mapping[str, Any]) -> str:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    assert isinstance(meta, Mapping)
    name = str(meta.get("name") or meta.get("generateName") or "")
    ns = str(meta.get("namespace") or "")
    where = f"{ns}/{name}" if ns and name else name or (f"in {ns}" if ns else "")
    return f"{obj.get('kind', '?')} {where}".rstrip()
