"""FlowSchema and PriorityLevelConfiguration: flowcontrol.apiserver.k8s.io v1alpha1 -> v1beta1 ->
v1beta2 -> v1beta3 -> v1.

v1beta3 renames the PriorityLevelConfiguration's spec.limited.assuredConcurrencyShares to
nominalConcurrencyShares; v1 stops treating an explicit 0 as "unset, default 30".
Sources: Kubernetes pkg/apis/flowcontrol/v1beta3/{conversion,defaults}.go and v1/defaults.go; the
deprecation guide (v1.26, v1.29, v1.32).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import behaviour, info, renamed
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

_G = "flowcontrol.apiserver.k8s.io"
_PLC = "PriorityLevelConfiguration"


def _limited(out: dict[str, Any]) -> dict[str, Any] | None:
    spec = out.get("spec")
    limited = spec.get("limited") if isinstance(spec, dict) else None
    return limited if isinstance(limited, dict) else None


def _plc_to_v1beta3(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """v1beta2 PLC -> v1beta3: assuredConcurrencyShares renamed nominalConcurrencyShares."""
    out = with_api(fresh(obj), gvk(f"{_G}/v1beta3", _PLC))
    limited = _limited(out)
    notes: list[Note] = []
    if limited is not None and "assuredConcurrencyShares" in limited:
        out["spec"]["limited"] = {
            ("nominalConcurrencyShares" if k == "assuredConcurrencyShares" else k): v for k, v in limited.items()
        }
        notes.append(info("spec.limited.assuredConcurrencyShares renamed nominalConcurrencyShares"))
    return ConversionResult(out, tuple(notes))


def _plc_to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """v1beta3 PLC -> v1: an explicit 0 share count meant 30 before and means 0 now."""
    out = with_api(fresh(obj), gvk(f"{_G}/v1", _PLC))
    limited = _limited(out)
    notes: list[Note] = []
    if limited is not None and limited.get("nominalConcurrencyShares") == 0:
        limited.pop("nominalConcurrencyShares")
        notes.append(
            behaviour(
                "spec.limited.nominalConcurrencyShares: 0 removed: v1beta3 read 0 as the default 30, v1 "
                "would keep "
                "0 (no concurrency); set 0 again only if that is wanted"
            )
        )
    return ConversionResult(out, tuple(notes))


def _edges() -> dict[Edge, Converter]:
    edges: dict[Edge, Converter] = {}
    steps = (("v1alpha1", "v1beta1"), ("v1beta1", "v1beta2"), ("v1beta2", "v1beta3"), ("v1beta3", "v1"))
    for kind in ("FlowSchema", _PLC):
        for old, new in steps:
            edges[(gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", kind))] = renamed(f"{_G}/{new}", kind)
    edges[(gvk(f"{_G}/v1beta2", _PLC), gvk(f"{_G}/v1beta3", _PLC))] = _plc_to_v1beta3
    edges[(gvk(f"{_G}/v1beta3", _PLC), gvk(f"{_G}/v1", _PLC))] = _plc_to_v1
    return edges


CONVERTERS: dict[Edge, Converter] = _edges()
