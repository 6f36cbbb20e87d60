"""Which apiVersions a cluster of a given version serves, from the API lifecycle data (sans-IO)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kubehop.lifecycle import ApiStatus, Lifecycle
from kubehop.model import KubeVersion


def served_map(
    lifecycle: Lifecycle, kube: KubeVersion | None, objects: Iterable[Mapping[str, object]]
) -> dict[str, bool | None]:
    """apiVersion -> served? for every apiVersion/kind in `objects`; None when no server version is known.

    An apiVersion counts as not served when the data says it was removed by `kube`, or when it is the
    replacement of a row and only became available after `kube` (networking.k8s.io/v1 Ingress on 1.18).
    """
    out: dict[str, bool | None] = {}
    for obj in objects:
        api_version, kind = str(obj.get("apiVersion") or ""), str(obj.get("kind") or "")
        if not api_version or api_version in out:
            continue
        if kube is None:
            out[api_version] = None
            continue
        if lifecycle.status(api_version, kind, kube) is ApiStatus.REMOVED:
            out[api_version] = False
            continue
        late = [e for e in lifecycle.entries if e.replacement_api_version == api_version and e.replacement_kind == kind
                and e.replacement_available_in is not None and kube < e.replacement_available_in]
        out[api_version] = not late
    return out
