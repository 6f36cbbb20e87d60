"""Deployment, DaemonSet, StatefulSet, ReplicaSet (extensions/v1beta1, apps/v1beta1, apps/v1beta2) to apps/v1.

The schema is the same; what changes is that apps/v1beta2 and apps/v1 require `spec.selector` (and
make it immutable) where the older versions defaulted it to the template labels, and that some
defaults differ. Sources: Kubernetes v1.20.2
pkg/apis/{extensions,apps}/*/{defaults,conversion}.go and apps validation; the deprecation guide (v1.16).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import behaviour, decision, dropped, info, renamed
from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Edge,
    Note,
    fresh,
    gvk,
    mapping_at,
    plain,
    spec_of,
    with_api,
)
from kubehop.model import GroupVersionKind

# Versions that filled a missing selector with every template label at creation time.
_DEFAULTED_SELECTOR = ("extensions/v1beta1", "apps/v1beta1")

# (kind, source apiVersion) -> (field, old default, new default) for defaults that change.
_CHANGED_DEFAULTS: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {
    ("Deployment", "extensions/v1beta1"): (
        ("spec.revisionHistoryLimit", "2147483647 (keep every ReplicaSet)", "10"),
        ("spec.progressDeadlineSeconds", "2147483647 (no deadline)", "600"),
        ("spec.strategy.rollingUpdate.maxSurge/maxUnavailable", "1/1", "25%/25%"),
    ),
    ("Deployment", "apps/v1beta1"): (("spec.revisionHistoryLimit", "2", "10"),),
    ("DaemonSet", "extensions/v1beta1"): (("spec.updateStrategy.type", "OnDelete", "RollingUpdate"),),
    ("StatefulSet", "apps/v1beta1"): (("spec.updateStrategy.type", "OnDelete", "RollingUpdate"),),
}


def _is_set(spec: Mapping[str, Any], dotted: str) -> bool:
    if dotted.startswith("spec.strategy.rollingUpdate"):
        rolling = mapping_at(spec, "strategy", "rollingUpdate") or {}
        return rolling.get("maxSurge") is not None and rolling.get("maxUnavailable") is not None
    head = dotted.removeprefix("spec.").split(".")[0]
    return spec.get(head) is not None


def _defaults_notes(kind: str, source: str, spec: Mapping[str, Any], target: str) -> list[Note]:
    notes = []
    for field, old, new in _CHANGED_DEFAULTS.get((kind, source), ()):
        if field.startswith("spec.strategy.rollingUpdate") and (spec.get("strategy") or {}).get("type") == "Recreate":
            continue
        if not _is_set(spec, field):
            notes.append(
                behaviour(
                    f"{field} is unset: {source} defaulted it to {old}, {target} defaults it to {new}; "
                    "objects "
                    f"created through {source} keep the stored {old} until the field is set explicitly"
                )
            )
    return notes


def _template_labels(spec: Mapping[str, Any]) -> dict[str, Any]:
    labels = mapping_at(spec, "template", "metadata", "labels")
    return dict(plain(labels)) if labels else {}


def _selector_matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    match = selector.get("matchLabels") or {}
    return all(labels.get(k) == v for k, v in match.items())


def _choose_selector(
    spec: Mapping[str, Any], source: str, target: str, ctx: ConvertContext
) -> tuple[dict[str, Any] | None, list[Note]]:
    labels = _template_labels(spec)
    live_selector = mapping_at(ctx.live, "spec", "selector") if ctx.live is not None else None
    if live_selector:
        notes = [info(f"spec.selector copied from the live object (it is immutable in {target})")]
        if not _selector_matches(live_selector, labels):
            notes.append(
                decision(
                    "spec.template.metadata.labels do not contain every pair of the live spec.selector: "
                    "the apiserver will reject the object (`selector` does not match template `labels`)"
                )
            )
        return dict(plain(live_selector)), notes
    if not labels:
        return None, [decision("spec.selector is required and the pod template has no labels to derive it from")]
    selector = {"matchLabels": labels}
    if source in _DEFAULTED_SELECTOR:
        return selector, [
            decision(
                f"spec.selector set to the template labels, as {source} defaulted it at creation; if the "
                "object already exists, its selector is the template labels of the revision that created it: "
                f"check `kubectl get` .spec.selector (or pass --live) because the selector is immutable in {target}"
            )
        ]
    return selector, [decision(f"spec.selector was missing although {source} requires it; set to the template labels")]


def _to_apps(kind: str, to_api_version: str) -> Converter:
    target = gvk(to_api_version, kind)

    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        source = str(obj.get("apiVersion"))
        out = with_api(fresh(obj), target)
        spec = spec_of(out)
        notes: list[Note] = []
        selector = spec.get("selector")
        if selector is None:
            chosen, selector_notes = _choose_selector(spec, source, to_api_version, ctx)
            notes += selector_notes
            if chosen is not None:
                out["spec"] = spec = _insert_before(spec, "selector", chosen, before="template")
        elif isinstance(selector, Mapping) and not (selector.get("matchLabels") or selector.get("matchExpressions")):
            notes.append(decision(f"spec.selector is empty, which {to_api_version} rejects; set it explicitly"))
        if kind == "Deployment" and "rollbackTo" in spec:
            revision = (spec.pop("rollbackTo") or {}).get("revision")
            notes.append(
                dropped(
                    f"spec.rollbackTo (revision {revision}) does not exist in {to_api_version}; roll back "
                    "with "
                    "`kubectl rollout undo` instead"
                )
            )
        if kind == "DaemonSet" and "templateGeneration" in spec:
            spec.pop("templateGeneration")
            notes.append(
                dropped(
                    f"spec.templateGeneration does not exist in {to_api_version} (the server keeps it as the "
                    "annotation deprecated.daemonset.template.generation)"
                )
            )
        notes += _defaults_notes(kind, source, spec, to_api_version)
        return ConversionResult(out, tuple(notes))

    convert.__doc__ = f"{kind} to {to_api_version}: add the required selector, drop removed fields."
    return convert


def _insert_before(spec: dict[str, Any], key: str, value: Any, *, before: str) -> dict[str, Any]:
    """Insert key just before `before` so the output reads like a hand-written manifest."""
    out: dict[str, Any] = {}
    for k, v in spec.items():
        if k == before and key not in out:
            out[key] = value
        out[k] = v
    out.setdefault(key, value)
    return out


_SOURCES: dict[str, tuple[str, ...]] = {
    "Deployment": ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
    "DaemonSet": ("extensions/v1beta1", "apps/v1beta2"),
    "StatefulSet": ("apps/v1beta1", "apps/v1beta2"),
    "ReplicaSet": ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
}


def _edges() -> dict[Edge, Converter]:
    edges: dict[Edge, Converter] = {}
    for kind, sources in _SOURCES.items():
        for source in sources:
            for to in ("apps/v1beta2", "apps/v1"):
                if source != to:
                    edges[(gvk(source, kind), gvk(to, kind))] = _to_apps(kind, to)
    return edges


CONVERTERS: dict[Edge, Converter] = _edges()

for _source in ("apps/v1beta1", "apps/v1beta2"):
    for _to in ("apps/v1beta2", "apps/v1"):
        if _source != _to:
            CONVERTERS[(gvk(_source, "ControllerRevision"), gvk(_to, "ControllerRevision"))] = renamed(
                _to, "ControllerRevision"
            )

# apps/v1 workloads written without a selector (e.g. an apiVersion-only rename) get the same fix.
REPAIRS: dict[GroupVersionKind, Converter] = {gvk("apps/v1", kind): _to_apps(kind, "apps/v1") for kind in _SOURCES}
