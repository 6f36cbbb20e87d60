"""CustomResourceDefinition: apiextensions.k8s.io/v1beta1 -> v1 (and ThirdPartyResource -> CRD).

v1 moves the top-level schema, subresources and printer columns under every entry of
spec.versions, nests the conversion webhook, requires scope and a structural schema per version,
and no longer accepts preserveUnknownFields: true. Sources: Kubernetes v1.20.2
apiextensions-apiserver pkg/apis/apiextensions/v1/conversion.go, defaults and validation; the
Kubernetes deprecation guide (v1.22).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import behaviour, decision, dropped, info
from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Edge,
    Note,
    fresh,
    gvk,
    spec_of,
    with_api,
)

V1 = "apiextensions.k8s.io/v1"
V1BETA1 = "apiextensions.k8s.io/v1beta1"
_PER_VERSION = ("schema", "subresources", "additionalPrinterColumns")
_TYPELESS_OK = ("x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields")


def _columns(columns: Any) -> Any:
    if not isinstance(columns, list):
        return columns
    renamed = []
    for column in columns:
        if isinstance(column, Mapping) and "JSONPath" in column:
            column = {("jsonPath" if k == "JSONPath" else k): v for k, v in column.items()}
        renamed.append(column)
    return renamed


def structural_problems(schema: Any, path: str = "openAPIV3Schema") -> list[str]:
    """Where a schema is not structural: every node needs a type (the root: object). Not exhaustive."""
    problems: list[str] = []
    if not isinstance(schema, Mapping):
        return [f"{path} is not an object"]
    if "type" not in schema and not any(schema.get(k) for k in _TYPELESS_OK):
        problems.append(f"{path} has no type")
    if path == "openAPIV3Schema" and schema.get("type", "object") != "object":
        problems.append(f"{path}.type must be object")
    for name, sub in (schema.get("properties") or {}).items():
        problems += structural_problems(sub, f"{path}.properties.{name}")
    items = schema.get("items")
    if isinstance(items, Mapping):
        problems += structural_problems(items, f"{path}.items")
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping):
        problems += structural_problems(extra, f"{path}.additionalProperties")
    return problems


def preserve_untyped(schema: Any, path: str = "openAPIV3Schema") -> list[str]:
    """Make a schema structural where only types are missing, changing it in place: the root gets
    type object (a custom resource is always one), every other node without a type is marked
    x-kubernetes-preserve-unknown-fields, which keeps its data unpruned as v1beta1 did. Returns the
    paths it changed."""
    if not isinstance(schema, dict):
        return []
    changed: list[str] = []
    if "type" not in schema and not any(schema.get(k) for k in _TYPELESS_OK):
        if path == "openAPIV3Schema":
            schema["type"] = "object"
        else:
            schema["x-kubernetes-preserve-unknown-fields"] = True
        changed.append(path)
    for name, sub in (schema.get("properties") or {}).items():
        changed += preserve_untyped(sub, f"{path}.properties.{name}")
    changed += preserve_untyped(schema.get("items"), f"{path}.items")
    changed += preserve_untyped(schema.get("additionalProperties"), f"{path}.additionalProperties")
    return changed


def _conversion(conversion: Any, notes: list[Note]) -> Any:
    if not isinstance(conversion, Mapping):
        return conversion
    new = {k: v for k, v in conversion.items() if k not in ("webhookClientConfig", "conversionReviewVersions")}
    if conversion.get("strategy") == "Webhook":
        webhook: dict[str, Any] = {}
        if "webhookClientConfig" in conversion:
            webhook["clientConfig"] = conversion["webhookClientConfig"]
        versions = conversion.get("conversionReviewVersions")
        if not versions:
            versions = ["v1beta1"]
            notes.append(
                decision(
                    "spec.conversion.webhook.conversionReviewVersions is required in v1: set to [v1beta1] "
                    "(the "
                    "v1beta1 default); add v1 once the conversion webhook understands ConversionReview v1"
                )
            )
        webhook["conversionReviewVersions"] = versions
        new["webhook"] = webhook
        notes.append(info("spec.conversion.webhookClientConfig moved to spec.conversion.webhook.clientConfig"))
    return new


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """apiextensions.k8s.io/v1beta1 CRD -> v1."""
    out = with_api(fresh(obj), gvk(V1, "CustomResourceDefinition"))
    old = spec_of(out)
    notes: list[Note] = []
    shared = {
        "schema": (old.get("validation") or None),
        "subresources": old.get("subresources"),
        "additionalPrinterColumns": _columns(old.get("additionalPrinterColumns")),
    }
    versions = old.get("versions")
    if not versions:
        versions = [{"name": old.get("version"), "served": True, "storage": True}]
    new_versions = []
    for entry in versions:
        version = dict(entry)
        if "additionalPrinterColumns" in version:
            version["additionalPrinterColumns"] = _columns(version["additionalPrinterColumns"])
        for key in _PER_VERSION:
            if shared[key] is not None and key not in version:
                version[key] = copy.deepcopy(shared[key])
        new_versions.append(version)
    spec: dict[str, Any] = {}
    for key, value in old.items():
        if key in (
            "version",
            "validation",
            "subresources",
            "additionalPrinterColumns",
            "preserveUnknownFields",
        ):
            continue
        if key == "versions":
            continue
        spec[key] = _conversion(value, notes) if key == "conversion" else value
        if key == "names":
            spec["scope"] = old.get("scope") or "Namespaced"
    spec.setdefault("scope", old.get("scope") or "Namespaced")
    if not old.get("scope"):
        notes.append(info("spec.scope set to Namespaced, the v1beta1 default; v1 requires it"))
    spec["versions"] = new_versions
    moved = [f"spec.{'validation' if k == 'schema' else k}" for k in _PER_VERSION if shared[k] is not None]
    if moved:
        renamed_columns = " (JSONPath renamed jsonPath)" if shared["additionalPrinterColumns"] else ""
        notes.append(info(f"{', '.join(moved)} moved under every spec.versions[*]{renamed_columns}"))
    preserve = old.get("preserveUnknownFields", True)
    generated = False
    for i, version in enumerate(new_versions):
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if schema is None:
            generated = True
            version["schema"] = {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}
            notes.append(
                decision(
                    f"spec.versions[{i}].schema.openAPIV3Schema is required in v1: set to an object that "
                    "keeps "
                    "every field (x-kubernetes-preserve-unknown-fields); write a real schema to get "
                    "validation"
                )
            )
            continue
        if ctx.decisions.crd_preserve_untyped_fields and structural_problems(schema):
            for path in preserve_untyped(schema):
                what = "type: object" if path == "openAPIV3Schema" else "x-kubernetes-preserve-unknown-fields: true"
                notes.append(info(f"spec.versions[{i}].schema.{path} had no type: {what} added, as decided"))
        for problem in structural_problems(schema):
            notes.append(
                decision(
                    f"spec.versions[{i}].schema is not structural: {problem} "
                    "(write the type, or --crd-preserve-untyped-fields)"
                )
            )
    if preserve is not False and not generated:
        notes.append(
            dropped(
                "spec.preserveUnknownFields: true (the v1beta1 default) is not allowed in v1: unknown "
                "fields of "
                "custom resources are now pruned; add x-kubernetes-preserve-unknown-fields: true where "
                "they must stay"
            )
        )
    out["spec"] = spec
    return ConversionResult(out, tuple(notes))


def _tpr_to_crd(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """extensions/v1beta1 ThirdPartyResource (name kind-name.group) -> a v1beta1 CRD."""
    meta = dict(obj.get("metadata") or {})
    kind_part, _, group = str(meta.get("name", "")).partition(".")
    kind = "".join(word.capitalize() for word in kind_part.split("-"))
    plural = kind.lower() + "s"
    versions = [v.get("name") for v in obj.get("versions") or () if isinstance(v, Mapping)] or ["v1"]
    meta["name"] = f"{plural}.{group}"
    spec = {
        "group": group,
        "names": {"kind": kind, "plural": plural},
        "scope": "Namespaced",
        "versions": [{"name": v, "served": True, "storage": i == 0} for i, v in enumerate(versions)],
    }
    out = {"apiVersion": V1BETA1, "kind": "CustomResourceDefinition", "metadata": meta, "spec": spec}
    notes = [
        decision(
            f"ThirdPartyResource became CustomResourceDefinition {meta['name']}: check names.kind "
            f"{kind} and names.plural {plural}; existing third-party data must be migrated separately"
        ),
        behaviour("metadata.name changed: it is plural.group for a CustomResourceDefinition"),
    ]
    if obj.get("description"):
        notes.append(dropped("description has no CustomResourceDefinition field"))
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk(V1BETA1, "CustomResourceDefinition"), gvk(V1, "CustomResourceDefinition")): _to_v1,
    (gvk("extensions/v1beta1", "ThirdPartyResource"), gvk(V1BETA1, "CustomResourceDefinition")): _tpr_to_crd,
}
