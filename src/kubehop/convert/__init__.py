"""Field-level conversion of Kubernetes objects between API versions.

`convert(obj, target_gvk)` runs the registered converters (one pure function per step, keyed by
(from GVK, to GVK), chained when needed); `convert_for_target(obj, target)` first picks the newest
version the target Kubernetes release serves; `convert_manifest(text, target)` rewrites a whole
multi-document manifest, keeping untouched documents byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert import (
    admissionpolicy,
    apiregistration,
    audit,
    certificates,
    coordination,
    crd,
    cronjob,
    csr,
    discovery,
    dra,
    events,
    flowcontrol,
    hpa,
    ingress,
    networking,
    networkpolicy,
    node,
    pdb,
    psp,
    rbac,
    reviews,
    scheduling,
    storage,
    storagemigration,
    webhooks,
    workloads,
)
from kubehop.convert.engine import TargetConversion, convert_to_target, find_path, run_chain
from kubehop.convert.model import (
    NO_DECISIONS,
    ConversionResult,
    ConvertContext,
    Converter,
    Decisions,
    Edge,
    Note,
    NoteKind,
)
from kubehop.convert.serving import Action, plan_for
from kubehop.model import GroupVersionKind, KubeVersion


def _merge(*families: Mapping[Edge, Converter]) -> dict[Edge, Converter]:
    merged: dict[Edge, Converter] = {}
    for family in families:
        for edge, converter in family.items():
            if edge in merged:
                raise ValueError(f"two converters registered for {edge[0]} -> {edge[1]}")
            merged[edge] = converter
    return merged


REGISTRY: dict[Edge, Converter] = _merge(
    workloads.CONVERTERS,
    ingress.CONVERTERS,
    networkpolicy.CONVERTERS,
    psp.CONVERTERS,
    crd.CONVERTERS,
    webhooks.CONVERTERS,
    hpa.CONVERTERS,
    pdb.CONVERTERS,
    cronjob.CONVERTERS,
    csr.CONVERTERS,
    rbac.CONVERTERS,
    storage.CONVERTERS,
    scheduling.CONVERTERS,
    node.CONVERTERS,
    discovery.CONVERTERS,
    events.CONVERTERS,
    coordination.CONVERTERS,
    apiregistration.CONVERTERS,
    flowcontrol.CONVERTERS,
    reviews.CONVERTERS,
    audit.CONVERTERS,
    admissionpolicy.CONVERTERS,
    certificates.CONVERTERS,
    networking.CONVERTERS,
    storagemigration.CONVERTERS,
    dra.CONVERTERS,
)


# Objects already in the newest version that still need a fix the old version did implicitly.
REPAIRS: dict[GroupVersionKind, Converter] = {**workloads.REPAIRS}


def convert(
    obj: Mapping[str, Any],
    target_gvk: GroupVersionKind,
    *,
    live: Mapping[str, Any] | None = None,
    decisions: Decisions = NO_DECISIONS,
) -> ConversionResult:
    """Convert one object to target_gvk (chaining steps); raises ConversionError when no path exists.

    No target release is known here, so steps that depend on one (a CronJob `TZ=` schedule prefix
    moved to spec.timeZone) are left to a `decision` note; `convert_for_target` does them.
    """
    return run_chain(REGISTRY, obj, target_gvk, ConvertContext(live=live, decisions=decisions))


def convert_for_target(
    obj: Mapping[str, Any],
    target: KubeVersion,
    *,
    live: Mapping[str, Any] | None = None,
    decisions: Decisions = NO_DECISIONS,
) -> TargetConversion:
    """Convert one object to the newest version of its API that Kubernetes `target` serves."""
    return convert_to_target(REGISTRY, obj, target, live, REPAIRS, decisions)


from kubehop.convert.manifest import ManifestChange, ManifestConversion, convert_manifest  # noqa: E402

__all__ = [
    "REGISTRY",
    "Action",
    "ConversionResult",
    "ConvertContext",
    "Decisions",
    "ManifestChange",
    "ManifestConversion",
    "Note",
    "NoteKind",
    "TargetConversion",
    "convert",
    "convert_for_target",
    "convert_manifest",
    "find_path",
    "plan_for",
]
