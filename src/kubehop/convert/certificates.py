"""certificates.k8s.io ClusterTrustBundle and PodCertificateRequest v1alpha1 -> v1beta1 -> v1
(same fields; OpenAPI 1.33-1.37)."""

from __future__ import annotations

from kubehop.convert.common import renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "certificates.k8s.io"

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", kind)): renamed(f"{_G}/{new}", kind)
    for kind in ("ClusterTrustBundle", "PodCertificateRequest")
    for old, new in (("v1alpha1", "v1beta1"), ("v1beta1", "v1"))
}
