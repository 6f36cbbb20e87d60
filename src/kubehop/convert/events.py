"""Event: events.k8s.io/v1beta1 -> v1. Same field names; v1 create validation is stricter
(eventTime required, type Normal|Warning, deprecated* fields must be unset: they are dropped).
Sources: Kubernetes v1.20.2 k8s.io/api events/v1beta1 types and pkg/apis/core/validation/events.go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, dropped
from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Edge,
    Note,
    fresh,
    gvk,
    with_api,
)

_DEPRECATED = ("deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount")


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """events.k8s.io/v1beta1 Event -> v1; flags what a v1 create refuses."""
    out = with_api(fresh(obj), gvk("events.k8s.io/v1", "Event"))
    notes: list[Note] = []
    if not out.get("eventTime"):
        notes.append(decision("eventTime is required when an Event is created through events.k8s.io/v1"))
    if out.get("type") not in (None, "Normal", "Warning"):
        notes.append(decision(f"type {out.get('type')} is refused by v1: use Normal or Warning"))
    present = [f for f in _DEPRECATED if f in out]
    for field in present:
        out.pop(field)
    if present:
        notes.append(dropped(f"{', '.join(present)}: a create through v1 refuses them (they are server bookkeeping)"))
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("events.k8s.io/v1beta1", "Event"), gvk("events.k8s.io/v1", "Event")): _to_v1,
}
