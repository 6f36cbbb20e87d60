"""certificates.k8s.io ClusterTrustBundle and PodCertificateRequest v1alpha1 -> v1beta1 -> v1
(OpenAPI 1.33-1.37). ClusterTrustBundle keeps its fields. PodCertificateRequest v1 no longer has
pkixPublicKey/proofOfPossession: the key travels in stubPKCS10Request (v1beta1 has both)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, dropped, renamed
from kubehop.convert.model import ConversionResult, ConvertContext, Converter, Edge, Note, fresh, gvk, with_api

_G = "certificates.k8s.io"
_PCR = "PodCertificateRequest"


def _pcr_to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """PodCertificateRequest v1beta1 -> v1: drop pkixPublicKey/proofOfPossession."""
    out = with_api(fresh(obj), gvk(f"{_G}/v1", _PCR))
    spec = out.get("spec") if isinstance(out.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    notes: list[Note] = []
    old = [f for f in ("pkixPublicKey", "proofOfPossession") if f in spec]
    for field in old:
        spec.pop(field)
    if old:
        notes.append(dropped(f"spec.{' and spec.'.join(old)} (v1 carries the key in spec.stubPKCS10Request)"))
    if not spec.get("stubPKCS10Request"):
        notes.append(decision("spec.stubPKCS10Request is required in v1: only the requester's private key can sign it"))
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", kind)): renamed(f"{_G}/{new}", kind)
    for kind in ("ClusterTrustBundle", _PCR)
    for old, new in (("v1alpha1", "v1beta1"), ("v1beta1", "v1"))
}
CONVERTERS[(gvk(f"{_G}/v1beta1", _PCR), gvk(f"{_G}/v1", _PCR))] = _pcr_to_v1
