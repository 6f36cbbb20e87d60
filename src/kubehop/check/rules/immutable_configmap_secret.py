"""immutable-configmap-secret: data of a ConfigMap/Secret marked `immutable: true` changes.

Once `immutable: true`, `data`, `binaryData` and `immutable` itself cannot change
(`` data: Forbidden: field is immutable when `immutable` is set ``), and a Secret's `type` never can
(`type: Invalid value: "...": field is immutable`) (reference section 4 and 9). Secret values are
never printed: only the names of the keys that differ.

FAIL:  an immutable ConfigMap whose data.key changes
PASS:  a new ConfigMap name (e.g. with a content hash) for the new data
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.check.change import CheckContext, FieldError, ObjectChange, Violation
from kubehop.check.gofmt import go_quote
from kubehop.check.paths import get_path

ID = "immutable-configmap-secret"
SUMMARY = "data of an immutable ConfigMap or Secret, or a Secret's type, changes"

_FORBIDDEN = "Forbidden: field is immutable when `immutable` is set"


def _decoded(values: Any) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if isinstance(values, Mapping):
        for key, value in values.items():
            try:
                out[str(key)] = base64.b64decode(str(value or ""), validate=True)
            except (binascii.Error, ValueError):
                out[str(key)] = str(value).encode()
    return out


def _plain(values: Any) -> dict[str, bytes]:
    return {str(k): str(v if v is not None else "").encode() for k, v in values.items()} \
        if isinstance(values, Mapping) else {}


def _data(obj: Mapping[str, Any] | None, kind: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(data, binaryData) as bytes; a Secret's stringData is merged into data as the server does."""
    if kind == "Secret":
        data = _decoded((obj or {}).get("data"))
        data.update(_plain((obj or {}).get("stringData")))
        return data, {}
    return _plain((obj or {}).get("data")), _decoded((obj or {}).get("binaryData"))


def _changed_keys(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "keys " + ", ".join(keys)


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    kind = change.key.kind
    if kind not in ("ConfigMap", "Secret") or change.key.group or not change.is_update:
        return
    if kind == "Secret":
        old_type = str(get_path(change.live, "type") or "Opaque")
        new_type = str(get_path(change.result, "type") or old_type)
        if new_type != old_type:
            yield Violation(
                rule_id=ID, field="type", old=old_type, new=new_type,
                errors=(FieldError(10, f"type: Invalid value: {go_quote(new_type)}: field is immutable"),),
                message=f"{change.key}: a Secret's type cannot change; delete it and let Helm recreate it",
            )
    if get_path(change.live, "immutable") is not True:
        return
    advice = "give the new data a new object name (e.g. with a content hash) instead"
    if get_path(change.result, "immutable") is not True:
        yield Violation(
            rule_id=ID, field="immutable", old="true", new=str(get_path(change.result, "immutable")).lower(),
            errors=(FieldError(20, f"immutable: {_FORBIDDEN}"),),
            message=f"{change.key} is immutable and cannot be made mutable again; {advice}",
        )
    old_data, old_binary = _data(change.live, kind)
    new_data, new_binary = _data(change.result, kind)
    for order, field, old, new in ((30, "data", old_data, new_data), (40, "binaryData", old_binary, new_binary)):
        if old != new:
            yield Violation(
                rule_id=ID, field=field, old=_changed_keys(old, new), new=_changed_keys(old, new),
                errors=(FieldError(order, f"{field}: {_FORBIDDEN}"),),
                message=f"{change.key} is immutable: its {field} cannot change ({_changed_keys(old, new)}); {advice}",
            )
