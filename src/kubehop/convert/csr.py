"""CertificateSigningRequest: certificates.k8s.io/v1beta1 -> v1.

v1 requires spec.signerName (kubernetes.io/legacy-unknown is refused) and spec.usages, which
v1beta1 defaulted. Sources: Kubernetes v1.20.2 pkg/apis/certificates/v1beta1/defaults.go; the deprecation guide (v1.22).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, info
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

_OLD_DEFAULT_USAGES = ["digital signature", "key encipherment"]


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """certificates.k8s.io/v1beta1 CSR -> v1; the signer is a human decision (ctx.decisions.signer_name)."""
    out = with_api(fresh(obj), gvk("certificates.k8s.io/v1", "CertificateSigningRequest"))
    spec = out.setdefault("spec", {})
    notes: list[Note] = []
    signer = spec.get("signerName")
    if not signer or signer == "kubernetes.io/legacy-unknown":
        chosen = ctx.decisions.signer_name
        if chosen:
            spec["signerName"] = chosen
            notes.append(
                info(f"spec.signerName set to {chosen}, the signer given as a decision (was {signer or 'unset'})")
            )
        else:
            spec.pop("signerName", None)
            notes.append(
                decision(
                    "spec.signerName is required in v1 and kubernetes.io/legacy-unknown is refused: choose the "
                    "signer "
                    "(e.g. kubernetes.io/kube-apiserver-client, kubernetes.io/kubelet-serving or your own; "
                    "--signer-name); left unset"
                )
            )
    if not spec.get("usages"):
        spec["usages"] = list(_OLD_DEFAULT_USAGES)
        notes.append(
            decision("spec.usages is required in v1: set to [digital signature, key encipherment], the v1beta1 default")
        )
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (
        gvk("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        gvk("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ): _to_v1,
}
