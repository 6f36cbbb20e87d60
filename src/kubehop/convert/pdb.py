"""PodDisruptionBudget: policy/v1beta1 -> policy/v1.

Same fields, but an empty selector ({}) selected no pods in v1beta1 and selects every pod of the
namespace in v1. Sources: Kubernetes pkg/apis/policy/v1beta1/conversion.go; the deprecation guide (v1.25).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, info
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


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """policy/v1beta1 PDB -> policy/v1; flags the empty-selector semantics flip."""
    out = with_api(fresh(obj), gvk("policy/v1", "PodDisruptionBudget"))
    spec = out.get("spec") if isinstance(out.get("spec"), dict) else {}
    notes: list[Note] = []
    selector = spec.get("selector") if isinstance(spec, dict) else None
    if isinstance(selector, Mapping) and not selector.get("matchLabels") and not selector.get("matchExpressions"):
        notes.append(
            decision(
                "spec.selector is {}: in policy/v1beta1 it selected no pods, in policy/v1 it selects every "
                "pod in "
                "the namespace; set a real selector or delete the budget"
            )
        )
    elif selector is None:
        notes.append(info("spec.selector is unset: the budget selects no pods in either version"))
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("policy/v1beta1", "PodDisruptionBudget"), gvk("policy/v1", "PodDisruptionBudget")): _to_v1,
}
