"""What to list in a live cluster: discovery documents in, the resources to list out (sans-IO).

Only kinds the lifecycle data deprecates or removes at the target are listed, in every API group that
a lifecycle row (or its replacement) puts them in: Ingress lives in `extensions` and
`networking.k8s.io`, Deployment in `extensions` and `apps`. Each group is listed at its preferred
version when that serves the kind (else the first version that does). The same stored object listed
through two groups is recognised by its uid later. Create-only resources (reviews) hold no objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubehop.lifecycle import ApiStatus, Lifecycle
from kubehop.model import KubeVersion


@dataclass(frozen=True, order=True)
class ServedResource:
    group: str
    version: str
    resource: str
    kind: str
    namespaced: bool
    verbs: frozenset[str]

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def label(self) -> str:
        return f"{self.resource}.{self.group}" if self.group else self.resource

    def collection_path(self, namespace: str | None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        scope = f"/namespaces/{namespace}" if namespace and self.namespaced else ""
        return f"{base}{scope}/{self.resource}"


@dataclass(frozen=True)
class GroupVersions:
    """A group's versions in the server's order of preference (the preferred one first)."""

    group: str
    versions: tuple[str, ...]


def parse_groups(core: Mapping[str, Any], groups: Mapping[str, Any]) -> list[GroupVersions]:
    """From GET /api (APIVersions) and GET /apis (APIGroupList)."""
    found = [GroupVersions("", tuple(str(v) for v in core.get("versions") or ()))]
    for group in groups.get("groups") or ():
        versions = [str(v.get("version")) for v in group.get("versions") or () if v.get("version")]
        preferred = str((group.get("preferredVersion") or {}).get("version") or "")
        if preferred in versions:
            versions.remove(preferred)
            versions.insert(0, preferred)
        found.append(GroupVersions(str(group.get("name") or ""), tuple(versions)))
    return found


def parse_resources(doc: Mapping[str, Any], group: str, version: str) -> list[ServedResource]:
    """From GET /apis/<group>/<version> (APIResourceList); subresources are left out."""
    return [
        ServedResource(group, version, str(r["name"]), str(r.get("kind") or ""), bool(r.get("namespaced")),
                       frozenset(str(v) for v in r.get("verbs") or ()))
        for r in doc.get("resources") or ()
        if isinstance(r, Mapping) and r.get("name") and "/" not in str(r["name"])
    ]


def wanted_kinds(lifecycle: Lifecycle, target: KubeVersion) -> dict[str, set[str]]:
    """kind -> the API groups where its objects can live, for kinds the target deprecates or removes."""
    wanted: dict[str, set[str]] = {}
    for entry in lifecycle.entries:
        if entry.status_at(target) is ApiStatus.SERVED:
            continue
        groups = wanted.setdefault(entry.kind, set())
        groups.add(entry.group)
        replacement = entry.replacement_gvk
        if replacement is not None and replacement.kind == entry.kind:
            groups.add(replacement.group)
        groups.update(step.api_version.rpartition("/")[0] for step in entry.interim if step.kind == entry.kind)
    return wanted


def groups_to_discover(groups: Sequence[GroupVersions], wanted: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """(group, version) pairs whose resource lists are needed."""
    needed = set().union(*wanted.values()) if wanted else set()
    return [(g.group, v) for g in groups if g.group in needed for v in g.versions]


def plan_lists(
    groups: Sequence[GroupVersions], served: Iterable[ServedResource], wanted: Mapping[str, set[str]],
    lifecycle: Lifecycle,
) -> list[ServedResource]:
    """One listable version per (group, kind) the lifecycle cares about.

    Per kind, versions without a lifecycle row (the current ones) come first, so an object served
    through both `networking.k8s.io/v1` and `extensions/v1beta1` is reported under the current one.
    """
    order = {(g.group, v): i for g in groups for i, v in enumerate(g.versions)}
    best: dict[tuple[str, str], ServedResource] = {}
    for res in served:
        if res.group not in wanted.get(res.kind, ()) or "list" not in res.verbs:
            continue
        key = (res.group, res.kind)
        current = best.get(key)
        if current is None or order.get((res.group, res.version), 99) < order.get((current.group, current.version), 99):
            best[key] = res
    return sorted(best.values(), key=lambda r: (r.kind, lifecycle.lookup(r.api_version, r.kind) is not None, r.group))
