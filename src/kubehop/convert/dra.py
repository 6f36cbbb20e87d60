"""Dynamic resource allocation (resource.k8s.io). The alphas were redesigned (structured parameters,
ResourceClass -> DeviceClass) and v1beta1 restructured device requests in v1beta2, so those steps
are by hand; v1beta2 -> v1 keeps the fields (OpenAPI 1.34)."""

from __future__ import annotations

from kubehop.convert.common import manual, renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "resource.k8s.io"
_REDESIGN = "the dynamic resource allocation API was redesigned between these versions"

_MANUAL: tuple[tuple[str, str, str, str], ...] = (
    ("v1alpha1", "ResourceClaim", "v1alpha2", "ResourceClaim"),
    ("v1alpha2", "ResourceClaim", "v1alpha3", "ResourceClaim"),
    ("v1alpha3", "ResourceClaim", "v1beta1", "ResourceClaim"),
    ("v1beta1", "ResourceClaim", "v1beta2", "ResourceClaim"),
    ("v1alpha1", "ResourceClaimTemplate", "v1alpha2", "ResourceClaimTemplate"),
    ("v1alpha2", "ResourceClaimTemplate", "v1alpha3", "ResourceClaimTemplate"),
    ("v1alpha3", "ResourceClaimTemplate", "v1beta1", "ResourceClaimTemplate"),
    ("v1beta1", "ResourceClaimTemplate", "v1beta2", "ResourceClaimTemplate"),
    ("v1alpha2", "ResourceSlice", "v1alpha3", "ResourceSlice"),
    ("v1alpha3", "ResourceSlice", "v1beta1", "ResourceSlice"),
    ("v1beta1", "ResourceSlice", "v1beta2", "ResourceSlice"),
    ("v1alpha1", "ResourceClass", "v1alpha2", "ResourceClass"),
    ("v1alpha2", "ResourceClass", "v1alpha3", "DeviceClass"),
    ("v1alpha3", "DeviceClass", "v1beta1", "DeviceClass"),
    ("v1beta1", "DeviceClass", "v1beta2", "DeviceClass"),
    ("v1alpha3", "DeviceTaintRule", "v1beta2", "DeviceTaintRule"),
)

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", new_kind)): manual(f"{_G}/{new}", new_kind, _REDESIGN)
    for old, kind, new, new_kind in _MANUAL
}
CONVERTERS.update(
    {
        (gvk(f"{_G}/v1beta2", kind), gvk(f"{_G}/v1", kind)): renamed(f"{_G}/v1", kind)
        for kind in (
            "ResourceClaim",
            "ResourceClaimTemplate",
            "ResourceSlice",
            "DeviceClass",
            "DeviceTaintRule",
        )
    }
)
