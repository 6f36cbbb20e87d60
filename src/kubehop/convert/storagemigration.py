"""storagemigration.k8s.io StorageVersionMigration v1alpha1 -> v1beta1 -> v1 (OpenAPI 1.34-1.37):
v1beta1 names the resource by group and resource only (no version) and has no continueToken."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import dropped, renamed
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge, Note, fresh, gvk, with_api

_G = "storagemigration.k8s.io"
_K = "StorageVersionMigration"


def _to_beta(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """v1alpha1 -> v1beta1: spec.resource loses its version, spec.continueToken goes."""
    out = with_api(fresh(obj), gvk(f"{_G}/v1beta1", _K))
    spec = out.get("spec")
    notes: list[Note] = []
    if isinstance(spec, dict):
        resource = spec.get("resource")
        if isinstance(resource, dict) and "version" in resource:
            version = resource.pop("version")
            notes.append(dropped(f"spec.resource.version {version} (v1beta1 names a resource by group and name)"))
        if "continueToken" in spec:
            spec.pop("continueToken")
            notes.append(dropped("spec.continueToken"))
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/v1alpha1", _K), gvk(f"{_G}/v1beta1", _K)): _to_beta,
    (gvk(f"{_G}/v1beta1", _K), gvk(f"{_G}/v1", _K)): renamed(f"{_G}/v1", _K),
}
