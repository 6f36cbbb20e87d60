"""PodSecurityPolicy: extensions/v1beta1 -> policy/v1beta1 (same fields). policy/v1beta1 itself is
removed in 1.25 with no replacement API: the object is dropped there (the manifest converter does
that, with a note). Sources: the deprecation guide (v1.16, v1.25); Kubernetes v1.20.2
pkg/apis/{extensions,policy}/v1beta1/defaults.go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import behaviour
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


def _to_policy(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """extensions/v1beta1 PSP -> policy/v1beta1."""
    out = with_api(fresh(obj), gvk("policy/v1beta1", "PodSecurityPolicy"))
    notes: list[Note] = [
        behaviour(
            "policy/v1beta1 PodSecurityPolicy is itself removed in 1.25 without a replacement: plan the move "
            "to Pod Security Admission (namespace labels) or a policy webhook"
        )
    ]
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("extensions/v1beta1", "PodSecurityPolicy"), gvk("policy/v1beta1", "PodSecurityPolicy")): _to_policy,
}
