"""storagemigration.k8s.io StorageVersionMigration v1alpha1 -> v1beta1 -> v1. The v1alpha1 spec
(resource group/version/resource, continueToken) was reshaped in v1beta1, so that step is by hand."""

from __future__ import annotations

from kubehop.convert.common import manual, renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "storagemigration.k8s.io"
_K = "StorageVersionMigration"

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/v1alpha1", _K), gvk(f"{_G}/v1beta1", _K)): manual(
        f"{_G}/v1beta1", _K, "the alpha spec was reshaped; create a new migration instead"
    ),
    (gvk(f"{_G}/v1beta1", _K), gvk(f"{_G}/v1", _K)): renamed(f"{_G}/v1", _K),
}
