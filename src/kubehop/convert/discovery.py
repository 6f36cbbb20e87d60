"""EndpointSlice: discovery.k8s.io/v1alpha1 -> v1beta1 -> v1.

v1 replaces each endpoint's topology map: topology.kubernetes.io/zone -> zone,
kubernetes.io/hostname -> nodeName, the rest -> deprecatedTopology. Sources: Kubernetes
pkg/apis/discovery/v1beta1/conversion.go and the deprecation guide (v1.25).
v1 Endpoints -> EndpointSlice is registered but refuses: it needs a hand migration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import behaviour, info, manual, renamed
from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Edge,
    Note,
    fresh,
    gvk,
    with_api,
)

_ZONE = "topology.kubernetes.io/zone"
_HOST = "kubernetes.io/hostname"


def _endpoint(endpoint: dict[str, Any], where: str, notes: list[Note]) -> dict[str, Any]:
    topology = endpoint.pop("topology", None)
    if not isinstance(topology, Mapping):
        return endpoint
    rest = dict(topology)
    if _ZONE in rest:
        endpoint["zone"] = rest.pop(_ZONE)
    host = rest.get(_HOST)
    if host is not None and endpoint.get("nodeName") in (None, host):
        endpoint["nodeName"] = rest.pop(_HOST)
    if rest:
        endpoint["deprecatedTopology"] = rest
        notes.append(
            behaviour(
                f"{where}.topology keys {', '.join(sorted(rest))} kept in deprecatedTopology, which v1 only reads"
            )
        )
    return endpoint


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """discovery.k8s.io/v1beta1 EndpointSlice -> v1: split the topology map."""
    out = with_api(fresh(obj), gvk("discovery.k8s.io/v1", "EndpointSlice"))
    notes: list[Note] = []
    endpoints = out.get("endpoints") or []
    moved = False
    for i, endpoint in enumerate(endpoints):
        if isinstance(endpoint, dict) and "topology" in endpoint:
            endpoints[i] = _endpoint(endpoint, f"endpoints[{i}]", notes)
            moved = True
    if moved:
        notes.insert(0, info("endpoints[*].topology split into zone, nodeName and deprecatedTopology"))
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (
        gvk("discovery.k8s.io/v1alpha1", "EndpointSlice"),
        gvk("discovery.k8s.io/v1beta1", "EndpointSlice"),
    ): renamed("discovery.k8s.io/v1beta1", "EndpointSlice"),
    (gvk("discovery.k8s.io/v1beta1", "EndpointSlice"), gvk("discovery.k8s.io/v1", "EndpointSlice")): _to_v1,
    (gvk("v1", "Endpoints"), gvk("discovery.k8s.io/v1", "EndpointSlice")): manual(
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "one Endpoints object maps to one EndpointSlice per address family and port set, managed by the "
        "endpointslice-mirroring controller",
    ),
}
