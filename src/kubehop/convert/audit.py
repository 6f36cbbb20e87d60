"""audit.k8s.io Policy and Event v1alpha1/v1beta1 -> v1: kube-apiserver configuration files, not
REST resources; same fields (CHANGELOG-1.21 deprecation in favour of v1, available since 1.13)."""

from __future__ import annotations

from kubehop.convert.common import info, renamed
from kubehop.convert.model import Converter, Edge, gvk

_NOTE = info("audit.k8s.io is read from kube-apiserver's --audit-policy-file, not applied to the cluster")

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"audit.k8s.io/{old}", kind), gvk("audit.k8s.io/v1", kind)): renamed("audit.k8s.io/v1", kind, _NOTE)
    for old in ("v1alpha1", "v1beta1")
    for kind in ("Policy", "Event")
}
