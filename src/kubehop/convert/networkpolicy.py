"""NetworkPolicy: extensions/v1beta1 -> networking.k8s.io/v1. Identical schema
(the deprecation guide, v1.16; Kubernetes v1.20.2 zz_generated.conversion.go)."""

from __future__ import annotations

from kubehop.convert.common import renamed
from kubehop.convert.model import Converter, Edge, gvk

CONVERTERS: dict[Edge, Converter] = {
    (gvk("extensions/v1beta1", "NetworkPolicy"), gvk("networking.k8s.io/v1", "NetworkPolicy")): renamed(
        "networking.k8s.io/v1", "NetworkPolicy"
    ),
}
