"""Validating and mutating admission policies (and bindings): admissionregistration.k8s.io
v1alpha1 -> v1beta1 -> v1. The fields kept their names across the versions (k8s-tag, OpenAPI);
validation at the target schema catches anything an alpha object used that was dropped."""

from __future__ import annotations

from kubehop.convert.common import info, renamed
from kubehop.convert.model import Converter, Edge, gvk

_G = "admissionregistration.k8s.io"
_NOTE = info("alpha/beta admission policy: review spec.validations/mutations against the target docs")

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_G}/{old}", kind), gvk(f"{_G}/{new}", kind)): renamed(f"{_G}/{new}", kind, _NOTE)
    for kind in (
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
    )
    for old, new in (("v1alpha1", "v1beta1"), ("v1beta1", "v1"))
}
