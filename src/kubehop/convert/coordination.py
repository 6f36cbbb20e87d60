"""coordination.k8s.io: Lease v1beta1 -> v1 (identical, guide v1.22). LeaseCandidate v1alpha1 ->
v1alpha2 replaces the preferredStrategies list by one strategy; v1alpha2 -> v1beta1 keeps the
fields (OpenAPI 1.31-1.37). LeaseCandidates are written by control-plane components."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, renamed
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge, Note, fresh, gvk, with_api

_G = "coordination.k8s.io"


def _candidate_alpha2(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """LeaseCandidate v1alpha1 -> v1alpha2: the first preferred strategy becomes the strategy."""
    out = with_api(fresh(obj), gvk(f"{_G}/v1alpha2", "LeaseCandidate"))
    spec = out.get("spec")
    notes: list[Note] = []
    if isinstance(spec, dict) and "preferredStrategies" in spec:
        strategies = spec.pop("preferredStrategies") or []
        chosen = strategies[0] if strategies else "(unset)"
        if strategies:
            spec["strategy"] = chosen
        notes.append(
            decision(
                f"spec.preferredStrategies {strategies} became spec.strategy {chosen}"
            )
        )
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/v1beta1", "Lease"), gvk(f"{_G}/v1", "Lease")): renamed(f"{_G}/v1", "Lease"),
    (gvk(f"{_G}/v1alpha1", "LeaseCandidate"), gvk(f"{_G}/v1alpha2", "LeaseCandidate")): _candidate_alpha2,
    (gvk(f"{_G}/v1alpha2", "LeaseCandidate"), gvk(f"{_G}/v1beta1", "LeaseCandidate")): renamed(
        f"{_G}/v1beta1", "LeaseCandidate"
    ),
}
