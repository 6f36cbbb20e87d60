"""storage.k8s.io: StorageClass, VolumeAttachment, CSIDriver, CSINode, CSIStorageCapacity and
VolumeAttributesClass move from alpha/beta to v1 with identical schemas (guide v1.22, v1.27;
Kubernetes v1.20.2 pkg/apis/storage/{v1beta1,v1}/defaults.go)."""

from __future__ import annotations

from kubehop.convert.common import renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "storage.k8s.io"
_STEPS: tuple[tuple[str, str, str], ...] = (
    ("StorageClass", "v1beta1", "v1"),
    ("VolumeAttachment", "v1alpha1", "v1"),
    ("VolumeAttachment", "v1beta1", "v1"),
    ("CSIDriver", "v1beta1", "v1"),
    ("CSINode", "v1beta1", "v1"),
    ("CSIStorageCapacity", "v1alpha1", "v1beta1"),
    ("CSIStorageCapacity", "v1beta1", "v1"),
    ("VolumeAttributesClass", "v1alpha1", "v1beta1"),
    ("VolumeAttributesClass", "v1beta1", "v1"),
)

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", kind)): renamed(f"{_G}/{new}", kind) for kind, old, new in _STEPS
}
