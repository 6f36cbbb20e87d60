"""What `scan --cluster --releases` reads, as RBAC rules: the least-privilege ClusterRole (sans-IO).

A cluster scan lists (metadata only) the kinds the lifecycle data deprecates or removes at its target,
in every group a row or its replacement puts them in (see kubehop.cluster.discovery); over every
target that is the set below. Review kinds are create-only (nothing to list) and audit.k8s.io holds
configuration-file kinds the API does not serve, so neither needs a permission. Discovery (/api,
/apis) and /version are readable by every authenticated user through the default
system:discovery / system:public-info-viewer roles.
"""

from __future__ import annotations

from kubehop.lifecycle import Lifecycle

_IRREGULAR = {"Endpoints": "endpoints"}
_NOT_SERVED_GROUPS = frozenset({"audit.k8s.io"})


def plural(kind: str) -> str:
    """The resource name the API serves a kind under (Kubernetes' own pluralisation)."""
    if kind in _IRREGULAR:
        return _IRREGULAR[kind]
    lower = kind.lower()
    if lower.endswith("parameters"):  # ResourceClaimParameters -> resourceclaimparameters
        return lower
    if lower.endswith("s"):
        return lower + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lower[:-1] + "ies"
    return lower + "s"


def scan_permissions(lifecycle: Lifecycle) -> dict[str, tuple[str, ...]]:
    """API group -> the resources a cluster scan may list there, for any target."""
    found: dict[str, set[str]] = {}
    for entry in lifecycle.entries:
        groups = {entry.group}
        replacement = entry.replacement_gvk
        if replacement is not None and replacement.kind == entry.kind:
            groups.add(replacement.group)
        groups.update(step.api_version.rpartition("/")[0] for step in entry.interim if step.kind == entry.kind)
        if entry.kind.endswith("Review"):
            continue
        for group in groups - _NOT_SERVED_GROUPS:
            found.setdefault(group, set()).add(plural(entry.kind))
    return {group: tuple(sorted(found[group])) for group in sorted(found)}
