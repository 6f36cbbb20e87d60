"""RuntimeClass: node.k8s.io/v1alpha1 -> v1beta1 -> v1.

v1alpha1 kept the handler and overhead under spec (spec.runtimeHandler, spec.overhead,
spec.scheduling); v1beta1 and v1 have them at the top level as handler, overhead, scheduling
(k8s.io/api node/v1alpha1 and v1beta1 types). v1beta1 -> v1 is identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import info, renamed
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge, fresh, gvk, with_api


def _alpha_to_beta(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """node.k8s.io/v1alpha1 RuntimeClass -> v1beta1: lift spec.* to the top level."""
    out = with_api(fresh(obj), gvk("node.k8s.io/v1beta1", "RuntimeClass"))
    spec = out.pop("spec", None) or {}
    if "runtimeHandler" in spec:
        out["handler"] = spec.pop("runtimeHandler")
    for key in ("overhead", "scheduling"):
        if key in spec:
            out[key] = spec.pop(key)
    return ConversionResult(out, (info("spec.runtimeHandler became handler; spec.overhead/scheduling moved up"),))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("node.k8s.io/v1alpha1", "RuntimeClass"), gvk("node.k8s.io/v1beta1", "RuntimeClass")): _alpha_to_beta,
    (gvk("node.k8s.io/v1beta1", "RuntimeClass"), gvk("node.k8s.io/v1", "RuntimeClass")): renamed(
        "node.k8s.io/v1", "RuntimeClass"
    ),
}
