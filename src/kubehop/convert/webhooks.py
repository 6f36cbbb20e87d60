"""Admission webhooks: admissionregistration.k8s.io/v1beta1 -> v1 (and the 1.8 ExternalAdmissionHook).

v1 requires sideEffects (None or NoneOnDryRun) and admissionReviewVersions, and changes the
defaults of failurePolicy (Ignore -> Fail), matchPolicy (Exact -> Equivalent) and timeoutSeconds
(30 -> 10). Sources: Kubernetes v1.20.2
pkg/apis/admissionregistration/{v1beta1,v1}/defaults.go and validation; the deprecation guide (v1.22).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import behaviour, decision, info
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

V1 = "admissionregistration.k8s.io/v1"
V1BETA1 = "admissionregistration.k8s.io/v1beta1"
_CHANGED_DEFAULTS = (
    ("failurePolicy", "Ignore", "Fail"),
    ("matchPolicy", "Exact", "Equivalent"),
    ("timeoutSeconds", "30", "10"),
)


def _webhook(hook: dict[str, Any], where: str, notes: list[Note], chosen: str | None) -> dict[str, Any]:
    side_effects = hook.get("sideEffects")
    if side_effects not in ("None", "NoneOnDryRun") and chosen:
        hook["sideEffects"] = chosen
        notes.append(
            info(f"{where}.sideEffects set to {chosen}, the value given as a decision (was {side_effects or 'unset'})")
        )
    elif side_effects in (None, "Unknown"):
        hook["sideEffects"] = "None"
        notes.append(
            decision(
                f"{where}.sideEffects is {side_effects or 'unset'} (the v1beta1 default is Unknown), which v1 "
                "refuses: set to None; use NoneOnDryRun instead if the webhook has side effects that it skips "
                "on dry-run requests (--webhook-side-effects)"
            )
        )
    elif side_effects not in ("None", "NoneOnDryRun"):
        hook.pop("sideEffects")
        notes.append(
            decision(
                f"{where}.sideEffects is {side_effects}: the webhook declares side effects on dry-run "
                "requests, "
                "which v1 refuses; left unset until the webhook honours dryRun (then NoneOnDryRun, "
                "--webhook-side-effects)"
            )
        )
    if not hook.get("admissionReviewVersions"):
        hook["admissionReviewVersions"] = ["v1beta1"]
        notes.append(
            decision(
                f"{where}.admissionReviewVersions set to [v1beta1], what v1beta1 sent; add v1 once the "
                "webhook "
                "server understands AdmissionReview v1"
            )
        )
    for field, old, new in _CHANGED_DEFAULTS:
        if field not in hook:
            notes.append(
                behaviour(
                    f"{where}.{field} is unset: v1beta1 defaulted it to {old}, v1 defaults it to {new}; "
                    f"set {field}: {old} to keep the old behaviour"
                )
            )
    return hook


def _to_v1(kind: str) -> Converter:
    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        out = with_api(fresh(obj), gvk(V1, kind))
        notes: list[Note] = []
        hooks = out.get("webhooks") or []
        names = [hook.get("name") for hook in hooks if isinstance(hook, Mapping)]
        for i, hook in enumerate(hooks):
            if isinstance(hook, dict):
                hooks[i] = _webhook(hook, f"webhooks[{i}]", notes, ctx.decisions.webhook_side_effects)
        duplicates = sorted({str(n) for n in names if names.count(n) > 1})
        if duplicates:
            notes.append(decision(f"webhooks[*].name must be unique in v1: {', '.join(duplicates)} repeat"))
        return ConversionResult(out, tuple(notes))

    convert.__doc__ = f"{kind} v1beta1 -> v1: required fields and changed defaults."
    return convert


def _external_hooks(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """admissionregistration.k8s.io/v1alpha1 ExternalAdmissionHookConfiguration -> v1beta1 webhooks."""
    out = fresh(obj)
    hooks = out.pop("externalAdmissionHooks", None) or []
    rest = {k: v for k, v in out.items() if k not in ("apiVersion", "kind")}
    result = {"apiVersion": V1BETA1, "kind": "ValidatingWebhookConfiguration", **rest, "webhooks": hooks}
    return ConversionResult(
        result,
        (
            info(
                "ExternalAdmissionHookConfiguration became ValidatingWebhookConfiguration: "
                "externalAdmissionHooks "
                "renamed webhooks"
            ),
        ),
    )


CONVERTERS: dict[Edge, Converter] = {
    (gvk(V1BETA1, k), gvk(V1, k)): _to_v1(k) for k in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")
}
CONVERTERS[
    (
        gvk("admissionregistration.k8s.io/v1alpha1", "ExternalAdmissionHookConfiguration"),
        gvk(V1BETA1, "ValidatingWebhookConfiguration"),
    )
] = _external_hooks
