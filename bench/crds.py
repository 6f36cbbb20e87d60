"""Builders for RBAC objects, CustomResourceDefinitions with large schemas, and custom resources."""

from __future__ import annotations

import random

from bench.objects import WORDS, Chart, Obj, paragraph, sentence

RBAC_V1 = "rbac.authorization.k8s.io/v1"

# (apiGroups, resources) pairs charts commonly grant on; the extensions ones stop working in 1.16/1.22.
_GRANTS = (
    ([""], ["pods", "services", "endpoints", "configmaps"]),
    ([""], ["secrets"]),
    (["apps"], ["deployments", "statefulsets", "daemonsets"]),
    (["batch"], ["jobs", "cronjobs"]),
    (["networking.k8s.io"], ["ingresses", "networkpolicies"]),
    (["coordination.k8s.io"], ["leases"]),
)
_LEGACY_GRANTS = (
    (["extensions"], ["ingresses"]),
    (["extensions", "apps"], ["deployments", "replicasets"]),
    (["extensions"], ["podsecuritypolicies"]),
)


def role(rng: random.Random, c: Chart, kind: str, api_version: str = RBAC_V1) -> Obj:
    grants = rng.sample(_GRANTS, rng.randint(2, len(_GRANTS)))
    if c.legacy:
        grants.append(rng.choice(_LEGACY_GRANTS))
    rules = [{"apiGroups": groups, "resources": resources,
              "verbs": rng.sample(["get", "list", "watch", "create", "update", "patch", "delete"], rng.randint(1, 7))}
             for groups, resources in grants]
    return {"apiVersion": api_version, "kind": kind, "metadata": c.meta(c.fullname, "rbac", kind == "Role"),
            "rules": rules}


def binding(c: Chart, kind: str, api_version: str = RBAC_V1) -> Obj:
    role_kind = "Role" if kind == "RoleBinding" else "ClusterRole"
    return {"apiVersion": api_version, "kind": kind, "metadata": c.meta(c.fullname, "rbac", kind == "RoleBinding"),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": c.fullname},
            "subjects": [{"kind": "ServiceAccount", "name": c.fullname, "namespace": c.namespace}]}


def schema(rng: random.Random, size: int, depth: int = 0) -> Obj:
    """An openAPIV3Schema object of roughly `size` bytes, with the long descriptions real CRDs carry."""
    properties: Obj = {}
    budget = size
    while budget > 0:
        name = rng.choice(WORDS) + rng.choice(WORDS).capitalize()
        description = paragraph(rng, rng.randint(1, 4))
        shape = rng.random()
        if shape < 0.25 and depth < 4 and budget > 1500:
            child = rng.randint(600, max(700, budget // 2))
            prop = schema(rng, child, depth + 1)
            prop["description"] = description
            budget -= child
        elif shape < 0.35 and depth < 4:
            prop = {"type": "array", "description": description,
                    "items": {"type": "string", "enum": rng.sample(WORDS, 4)}}
        else:
            prop = {"type": rng.choice(("string", "integer", "boolean")), "description": description}
            if prop["type"] == "integer":
                prop["format"] = "int32"
        properties[name] = prop
        budget -= len(description) + 60
    return {"type": "object", "properties": properties, "required": sorted(properties)[:2]}


def crd(rng: random.Random, c: Chart, group: str, kind: str, api_version: str, size: int) -> Obj:
    plural = kind.lower() + "s"
    spec_schema = schema(rng, size)
    root: Obj = {"type": "object", "description": sentence(rng),
                 "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                "metadata": {"type": "object"}, "spec": spec_schema,
                                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
    names = {"kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": kind.lower()}
    meta: Obj = {"name": f"{plural}.{group}", "labels": c.labels("crds"),
                 "annotations": {"controller-gen.kubebuilder.io/version": "v0.14.0"}}
    if api_version == "apiextensions.k8s.io/v1beta1":
        spec: Obj = {"group": group, "names": names, "scope": "Namespaced", "version": "v1",
                     "versions": [{"name": "v1", "served": True, "storage": True}],
                     "validation": {"openAPIV3Schema": root}}
    else:
        spec = {"group": group, "names": names, "scope": "Namespaced",
                "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": root},
                              "subresources": {"status": {}}}]}
    return {"apiVersion": api_version, "kind": "CustomResourceDefinition", "metadata": meta, "spec": spec}


def custom_resource(rng: random.Random, c: Chart, group: str, kind: str) -> Obj:
    return {"apiVersion": f"{group}/v1", "kind": kind, "metadata": c.meta(f"{c.fullname}-{rng.choice(WORDS)}", "cr"),
            "spec": {rng.choice(WORDS): rng.choice(WORDS) for _ in range(rng.randint(2, 10))}}
