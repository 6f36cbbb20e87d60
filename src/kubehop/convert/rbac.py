"""RBAC: rbac.authorization.k8s.io/v1alpha1 and v1beta1 -> v1. Identical schema (guide v1.22)."""

from __future__ import annotations

from kubehop.convert.common import renamed
from kubehop.convert.model import Converter, Edge, gvk

_V1 = "rbac.authorization.k8s.io/v1"

CONVERTERS: dict[Edge, Converter] = {
    (gvk(f"rbac.authorization.k8s.io/{old}", kind), gvk(_V1, kind)): renamed(_V1, kind)
    for old in ("v1alpha1", "v1beta1")
    for kind in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
}
