"""APIService: apiregistration.k8s.io/v1beta1 -> v1. Identical schema (guide v1.22)."""

from __future__ import annotations

from kubehop.convert.common import renamed
from kubehop.convert.model import Converter, Edge, gvk

CONVERTERS: dict[Edge, Converter] = {
    (
        gvk("apiregistration.k8s.io/v1beta1", "APIService"),
        gvk("apiregistration.k8s.io/v1", "APIService"),
    ): renamed("apiregistration.k8s.io/v1", "APIService"),
}
