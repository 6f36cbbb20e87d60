"""The post-condition of a fix: nothing the target no longer serves is left in what Helm will read.

A release is `fixed` only when the revisions kubehop wrote, read back from the storage, scan clean at
the target with every rule (List wrappers and items, the manifest and every hook): no removed
apiVersion/kind and no unreadable document. A dry run checks the planned revisions the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kubehop.errors import KubehopError
from kubehop.fix.plan import Create, FixPlan, Update
from kubehop.helm.codec import decode_body
from kubehop.helm.release import Release
from kubehop.helm.storage.base import ReleaseStorage
from kubehop.model import Finding, KubeVersion, Location, Severity

_SHOWN = 5  # leftovers named in a result's detail; the rest are counted


def parts_of(release: Release) -> list[tuple[str, str]]:
    """(part, text) of the manifest and of every hook of a release."""
    hooks = [(f"hook {hook.name or hook.path or index}", hook.manifest) for index, hook in enumerate(release.hooks)]
    return [("manifest", release.manifest), *hooks]


def leftovers(release: Release, target: KubeVersion) -> list[str]:
    """What in the manifest and hooks of `release` is not served at `target`, or cannot be read: one line each."""
    return scan_parts(release.name, release.namespace, release.version, parts_of(release), target)


def scan_parts(name: str, namespace: str, revision: int, parts: Iterable[tuple[str, str]],
               target: KubeVersion) -> list[str]:
    from kubehop.lifecycle import Lifecycle
    from kubehop.scan import Scanner, ScanOptions

    scanner = Scanner(ScanOptions(target=target, lifecycle=Lifecycle.default()))
    found = []
    for part, text in parts:
        base = Location(path=part, release=name, namespace=namespace, revision=revision)
        found += [_line(revision, part, f) for f in scanner.scan_text(text, base, chart_lines=True)
                  if f.severity >= Severity.REMOVED]
    return found


def _line(revision: int, part: str, finding: Finding) -> str:
    loc = finding.location
    where = " ".join(w for w in (f"revision {revision} {part}", f"[{loc.template}]" if loc.template else "",
                                 loc.item or "") if w)
    if finding.rule_id == "parse-error":
        return f"{where}: unreadable document ({finding.message})"
    name = f" {finding.name}" if finding.name else ""
    return f"{where}: {finding.api_version} {finding.kind}{name}"


def _converting(plan: FixPlan) -> Iterator[Create | Update]:
    """The writes that carry converted content: the new deployed revision, revisions converted in place."""
    for write in plan.writes:
        if isinstance(write, Create) or (isinstance(write, Update) and "converted" in write.reason):
            yield write


def planned(plan: FixPlan) -> Iterator[Release]:
    """The revisions the plan writes with converted content (the new deployed one first)."""
    return (write.release for write in _converting(plan))


def stored(plan: FixPlan, storage: ReleaseStorage) -> Iterator[Release]:
    """The same revisions, read back from the storage (where the plan wrote them) as Helm will read them."""
    for write in _converting(plan):
        namespace = write.namespace if isinstance(write, Create) else write.expected.namespace
        record = storage.get(namespace, write.key)
        yield decode_body(record.payload, record.helm_major, key=record.key)


def check(releases: Iterable[Release], target: KubeVersion) -> str:
    """'' when every release is clean at the target, else the reason the release is not fixed."""
    try:
        found = [line for release in releases for line in leftovers(release, target)]
    except KubehopError as exc:
        return f"cannot read back what was written: {exc}"
    return reason(found, target)


def reason(found: list[str], target: KubeVersion) -> str:
    if not found:
        return ""
    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    return f"still not served at {target} (Helm would fail): " + "; ".join(found[:_SHOWN]) + more
