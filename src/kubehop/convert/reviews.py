"""TokenReview, SelfSubjectReview and the authorization reviews: beta -> v1. These are requests,
not stored objects, but can appear in manifests and tests. SubjectAccessReview specs rename
spec.group to spec.groups (guide v1.22)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import info, renamed
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

_AUTHZ = "authorization.k8s.io"
_AUTHN = "authentication.k8s.io"


def _authz(kind: str) -> Converter:
    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        out = with_api(fresh(obj), gvk(f"{_AUTHZ}/v1", kind))
        spec = out.get("spec")
        notes: list[Note] = []
        if isinstance(spec, dict) and "group" in spec:
            out["spec"] = {("groups" if k == "group" else k): v for k, v in spec.items()}
            notes.append(info("spec.group renamed spec.groups"))
        return ConversionResult(out, tuple(notes))

    convert.__doc__ = f"{kind} v1beta1 -> v1: spec.group renamed spec.groups."
    return convert


CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"{_AUTHZ}/v1beta1", k), gvk(f"{_AUTHZ}/v1", k)): _authz(k)
    for k in (
        "LocalSubjectAccessReview",
        "SelfSubjectAccessReview",
        "SelfSubjectRulesReview",
        "SubjectAccessReview",
    )
}
CONVERTERS.update(
    {
        (gvk(f"{_AUTHN}/v1beta1", "TokenReview"), gvk(f"{_AUTHN}/v1", "TokenReview")): renamed(
            f"{_AUTHN}/v1", "TokenReview"
        ),
        (gvk(f"{_AUTHN}/v1alpha1", "SelfSubjectReview"), gvk(f"{_AUTHN}/v1", "SelfSubjectReview")): renamed(
            f"{_AUTHN}/v1", "SelfSubjectReview"
        ),
        (gvk(f"{_AUTHN}/v1beta1", "SelfSubjectReview"), gvk(f"{_AUTHN}/v1", "SelfSubjectReview")): renamed(
            f"{_AUTHN}/v1", "SelfSubjectReview"
        ),
    }
)
