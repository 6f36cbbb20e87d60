"""Dynamic resource allocation (resource.k8s.io).

The v1alpha1/v1alpha2 APIs were redesigned (structured parameters, ResourceClass -> DeviceClass):
those steps are by hand. From v1alpha3 on the shapes are close (OpenAPI 1.31-1.36):
- v1alpha3 -> v1beta1: same fields, except 1.31's ResourceClaim spec.controller and DeviceClass
  spec.suitableNodes, which were dropped;
- v1beta1 -> v1beta2: a device request's allocation fields (deviceClassName, selectors,
  allocationMode, count, adminAccess, tolerations, capacity) move under `exactly`, and a
  ResourceSlice device's `basic` fields move up into the device;
- v1beta2 -> v1: same fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import dropped, info, manual, renamed
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge, Note, fresh, gvk, with_api

_G = "resource.k8s.io"
_REDESIGN = "the dynamic resource allocation API was redesigned between these versions"
_EXACTLY = ("deviceClassName", "selectors", "allocationMode", "count", "adminAccess", "tolerations", "capacity")

_MANUAL: tuple[tuple[str, str, str, str], ...] = (
    ("v1alpha1", "ResourceClaim", "v1alpha2", "ResourceClaim"),
    ("v1alpha2", "ResourceClaim", "v1alpha3", "ResourceClaim"),
    ("v1alpha1", "ResourceClaimTemplate", "v1alpha2", "ResourceClaimTemplate"),
    ("v1alpha2", "ResourceClaimTemplate", "v1alpha3", "ResourceClaimTemplate"),
    ("v1alpha2", "ResourceSlice", "v1alpha3", "ResourceSlice"),
    ("v1alpha1", "ResourceClass", "v1alpha2", "ResourceClass"),
    ("v1alpha2", "ResourceClass", "v1alpha3", "DeviceClass"),
)


def _claim_spec(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    spec = obj.get("spec")
    if kind == "ResourceClaimTemplate" and isinstance(spec, dict):
        spec = spec.get("spec")
    return spec if isinstance(spec, dict) else None


def _alpha3_to_beta1(kind: str) -> Converter:
    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        out = with_api(fresh(obj), gvk(f"{_G}/v1beta1", kind))
        notes: list[Note] = []
        spec = _claim_spec(out, kind) if kind != "DeviceClass" else out.get("spec")
        for field in ("controller", "suitableNodes"):
            if isinstance(spec, dict) and field in spec:
                spec.pop(field)
                notes.append(dropped(f"spec.{field} no longer exists in {_G}/v1beta1"))
        return ConversionResult(out, tuple(notes))

    convert.__doc__ = f"{kind} v1alpha3 -> v1beta1: drop the fields v1beta1 removed."
    return convert


def _requests_to_exactly(kind: str) -> Converter:
    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        out = with_api(fresh(obj), gvk(f"{_G}/v1beta2", kind))
        spec = _claim_spec(out, kind)
        devices = spec.get("devices") if spec else None
        requests = devices.get("requests") if isinstance(devices, dict) else None
        moved = False
        for i, request in enumerate(requests if isinstance(requests, list) else ()):
            if not isinstance(request, dict) or "firstAvailable" in request:
                continue
            exactly = {k: request.pop(k) for k in _EXACTLY if k in request}
            if exactly:
                assert isinstance(requests, list)
                requests[i] = {**request, "exactly": exactly}
                moved = True
        notes = (info("spec.devices.requests[*] allocation fields moved under exactly"),) if moved else ()
        return ConversionResult(out, notes)

    convert.__doc__ = f"{kind} v1beta1 -> v1beta2: request fields move under `exactly`."
    return convert


def _slice_to_beta2(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """ResourceSlice v1beta1 -> v1beta2: each device's `basic` fields move into the device."""
    out = with_api(fresh(obj), gvk(f"{_G}/v1beta2", "ResourceSlice"))
    spec = out.get("spec")
    devices = spec.get("devices") if isinstance(spec, dict) else None
    moved = False
    for device in devices if isinstance(devices, list) else ():
        if isinstance(device, dict) and isinstance(device.get("basic"), Mapping):
            device.update(device.pop("basic"))
            moved = True
    return ConversionResult(out, (info("spec.devices[*].basic fields moved into the device"),) if moved else ())


CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", new_kind)): manual(f"{_G}/{new}", new_kind, _REDESIGN)
    for old, kind, new, new_kind in _MANUAL
}
CONVERTERS.update(
    {
        (gvk(f"{_G}/v1alpha3", kind), gvk(f"{_G}/v1beta1", kind)): _alpha3_to_beta1(kind)
        for kind in ("ResourceClaim", "ResourceClaimTemplate", "ResourceSlice", "DeviceClass")
    }
)
CONVERTERS.update(
    {
        (gvk(f"{_G}/v1beta1", kind), gvk(f"{_G}/v1beta2", kind)): _requests_to_exactly(kind)
        for kind in ("ResourceClaim", "ResourceClaimTemplate")
    }
)
CONVERTERS[(gvk(f"{_G}/v1beta1", "ResourceSlice"), gvk(f"{_G}/v1beta2", "ResourceSlice"))] = _slice_to_beta2
CONVERTERS[(gvk(f"{_G}/v1beta1", "DeviceClass"), gvk(f"{_G}/v1beta2", "DeviceClass"))] = renamed(
    f"{_G}/v1beta2", "DeviceClass"
)
CONVERTERS[(gvk(f"{_G}/v1alpha3", "DeviceTaintRule"), gvk(f"{_G}/v1beta2", "DeviceTaintRule"))] = renamed(
    f"{_G}/v1beta2", "DeviceTaintRule"
)
CONVERTERS.update(
    {
        (gvk(f"{_G}/v1beta2", kind), gvk(f"{_G}/v1", kind)): renamed(f"{_G}/v1", kind)
        for kind in ("ResourceClaim", "ResourceClaimTemplate", "ResourceSlice", "DeviceClass", "DeviceTaintRule")
    }
)
