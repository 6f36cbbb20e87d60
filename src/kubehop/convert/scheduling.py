"""scheduling.k8s.io: PriorityClass v1alpha1/v1beta1 -> v1 (identical schema); the gang-scheduling
Workload and PodGroup alphas, whose shapes changed between alphas, need a hand migration."""

from __future__ import annotations

from kubehop.convert.common import manual, renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "scheduling.k8s.io"
_ALPHA = "alpha API redesigned between releases"

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/v1alpha1", "PriorityClass"), gvk(f"{_G}/v1", "PriorityClass")): renamed(f"{_G}/v1", "PriorityClass"),
    (gvk(f"{_G}/v1beta1", "PriorityClass"), gvk(f"{_G}/v1", "PriorityClass")): renamed(f"{_G}/v1", "PriorityClass"),
    (gvk(f"{_G}/v1alpha1", "Workload"), gvk(f"{_G}/v1alpha2", "Workload")): manual(
        f"{_G}/v1alpha2", "Workload", _ALPHA
    ),
    (gvk(f"{_G}/v1alpha2", "Workload"), gvk(f"{_G}/v1beta1", "Workload")): manual(f"{_G}/v1beta1", "Workload", _ALPHA),
    (gvk(f"{_G}/v1alpha2", "PodGroup"), gvk(f"{_G}/v1beta1", "PodGroup")): manual(f"{_G}/v1beta1", "PodGroup", _ALPHA),
}
