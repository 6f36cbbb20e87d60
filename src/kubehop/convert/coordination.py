"""coordination.k8s.io: Lease v1beta1 -> v1 (identical, guide v1.22); the LeaseCandidate alphas,
written by control-plane components rather than manifests, changed shape and go by hand."""

from __future__ import annotations

from kubehop.convert.common import manual, renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "coordination.k8s.io"
_WHY = "alpha API whose strategy fields changed between versions"

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/v1beta1", "Lease"), gvk(f"{_G}/v1", "Lease")): renamed(f"{_G}/v1", "Lease"),
    (gvk(f"{_G}/v1alpha1", "LeaseCandidate"), gvk(f"{_G}/v1alpha2", "LeaseCandidate")): manual(
        f"{_G}/v1alpha2", "LeaseCandidate", _WHY
    ),
    (gvk(f"{_G}/v1alpha2", "LeaseCandidate"), gvk(f"{_G}/v1beta1", "LeaseCandidate")): manual(
        f"{_G}/v1beta1", "LeaseCandidate", _WHY
    ),
}
