"""Where the check's manifests come from (I/O edge): files, rendered charts and Helm release storage.

Helm's choice of revisions is modelled here: `helm upgrade` diffs against the last revision when it
is deployed, else the deployed one, else a failed/superseded last one; `helm rollback` diffs against
the last revision and goes to revision N (0 or none: the one before the last) (helm v3.17
pkg/action/upgrade.go and rollback.go).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubehop.errors import ManifestError, UsageError
from kubehop.model import Document


@dataclass(frozen=True)
class Manifest:
    """The objects of one manifest, where it came from, and each object's chart template."""

    source: str
    objects: tuple[Mapping[str, Any], ...]
    templates: Mapping[str, str] = field(default_factory=dict)  # "Kind/name" -> template path


def parse_manifest(text: str | bytes, source: str) -> Manifest:
    """Every object in a YAML/JSON stream (Lists expanded); a document that does not parse is an error."""
    from kubehop.manifests import ParseProblem, read_documents

    objects: list[Mapping[str, Any]] = []
    templates: dict[str, str] = {}
    for item in read_documents(text, source):
        if isinstance(item, ParseProblem):
            raise ManifestError(f"{source}: {item.message}")
        if not isinstance(item, Document) or not item.kind or item.kind.endswith("List"):
            continue  # a List's wrapper: its items follow it as objects of their own
        objects.append(item.obj)
        if item.location.template:
            templates[f"{item.kind}/{item.name}"] = item.location.template
    return Manifest(source=source, objects=tuple(objects), templates=templates)


def read_manifest_file(path: str) -> Manifest:
    from kubehop.readfile import read_bytes

    file = Path(path)
    if not file.exists():
        raise UsageError(f"{path}: no such file")
    try:
        data = read_bytes(file)  # a FIFO or device is refused, never read
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_manifest(data, path)


def render_chart_manifest(
    chart: str, *, release: str, namespace: str, values: Sequence[str], set_values: Sequence[str],
    kube_version: Any = None,
) -> Manifest:
    """The chart rendered by the real helm (`helm template`), without hooks and `crds/` (Helm keeps both
    out of the release manifest and never patches them on upgrade)."""
    from kubehop.manifests.charts import ChartOptions, render_chart

    if not Path(chart).exists():
        raise UsageError(f"{chart}: no such chart")
    text = render_chart(chart, ChartOptions(values=tuple(values), set_values=tuple(set_values),
                                            namespace=namespace, kube_version=kube_version, release_name=release))
    manifest = parse_manifest(text, f"chart {chart}")
    crds = {key for key, template in manifest.templates.items() if "/crds/" in f"/{template}"}
    kept = tuple(o for o in manifest.objects if not _is_hook(o)
                 and f"{o.get('kind')}/{(o.get('metadata') or {}).get('name')}" not in crds)
    return Manifest(source=manifest.source, objects=kept, templates=manifest.templates)


def _is_hook(obj: Mapping[str, Any]) -> bool:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return isinstance(annotations, Mapping) and "helm.sh/hook" in annotations


@dataclass(frozen=True)
class Revision:
    version: int
    status: str
    chart: str
    manifest: str
    helm_major: int


def release_history(storage: Any, release: str, namespace: str | None) -> list[Revision]:
    """Every stored revision of `release`, oldest first; unreadable records are an error naming the key."""
    from kubehop.errors import HelmRecordError
    from kubehop.helm.inventory import iter_releases
    from kubehop.helm.release import BadRecord
    from kubehop.helm.storage.base import Query

    query = Query(name=release, namespace=None if storage.helm_major == 2 else namespace)
    revisions: list[Revision] = []
    for item in iter_releases(storage, query, release_namespace=namespace):
        if isinstance(item, BadRecord):
            raise HelmRecordError(f"unreadable release record: {item.error}", key=item.key)
        rel = item.release
        if rel.name != release:
            continue
        revisions.append(Revision(rel.version, rel.status, rel.chart, rel.manifest, rel.helm_major))
    if not revisions:
        where = f" in namespace {namespace}" if namespace else ""
        raise UsageError(f"release {release!r} not found{where} in {storage.name}")
    return sorted(revisions, key=lambda r: r.version)


def upgrade_base(history: Sequence[Revision]) -> Revision:
    """The revision `helm upgrade` diffs against."""
    last = history[-1]
    if last.status.startswith("pending"):
        raise UsageError(f"revision {last.version} is {last.status}: another operation is in progress "
                         "(helm upgrade refuses too)")
    if last.status == "deployed":
        return last
    deployed = [r for r in history if r.status == "deployed"]
    return deployed[-1] if deployed else last


def rollback_revisions(history: Sequence[Revision], to_revision: int) -> tuple[Revision, Revision]:
    """(current, target) for `helm rollback RELEASE N`; N=0 means the revision before the last."""
    current = history[-1]
    wanted = to_revision or current.version - 1
    for revision in history:
        if revision.version == wanted:
            return current, revision
    known = ", ".join(str(r.version) for r in history)
    raise UsageError(f"revision {wanted} not found (stored revisions: {known})")


def history_before(history: Iterable[Revision], version: int) -> tuple[tuple[str, tuple[Mapping[str, Any], ...]], ...]:
    """Older revisions as (label, objects), for inferring what the apiserver defaulted at creation."""
    out = []
    for revision in history:
        if revision.version < version:
            manifest = parse_manifest(revision.manifest, f"revision {revision.version}")
            out.append((f"revision {revision.version}", manifest.objects))
    return tuple(out)
