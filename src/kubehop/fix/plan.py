"""Decide what to write for one release, from all of its stored revisions (sans-IO).

Write order (each step leaves a release Helm can use; a re-run finishes an interrupted fix):
1. create revision L+1 (L = the highest revision number any record carries, in its key, version label
   or body) as `deployed`, holding the converted manifest and hooks of revision D (the latest deployed
   one) and a description naming D, where Helm looks for the release: the namespace and name of D's
   record (records whose location disagrees with their body are only fixed with --force);
2. update D (and any other revision still deployed) to `superseded`;
3. with --revisions all, rewrite every other revision's manifest and hooks in place.
After step 1 the release has two deployed revisions; Helm uses the highest one (Storage.Deployed).
A re-run sees that the latest deployed revision was made by kubehop from D and supersedes D.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kubehop.convert.live import LiveIndex
from kubehop.convert.model import NO_DECISIONS, Decisions
from kubehop.fix.convert import RevisionConversion, convert_release, rewrite
from kubehop.helm.mismatch import key_revision, located, record_mismatches, stored_revision
from kubehop.helm.release import Release, StoredRecord, StoredRelease
from kubehop.model import KubeVersion

DESCRIPTION = "kubehop: converted APIs for Kubernetes {target} from revision {source}"
_DESCRIPTION_RE = re.compile(r"^kubehop: converted APIs for Kubernetes (\S+) from revision (\d+)$")
GONE_STATUSES = frozenset({"uninstalled", "uninstalling", "deleted", "deleting"})


def made_from(description: str) -> int | None:
    """The revision a kubehop-made revision was converted from (None when kubehop did not make it)."""
    match = _DESCRIPTION_RE.match(description)
    return int(match.group(2)) if match else None


class Outcome(enum.Enum):
    FIXED = "fixed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    NOT_FIXED = "not fixed"  # written (or, in a dry run, planned), but something the target removed remains


@dataclass(frozen=True)
class FixOptions:
    target: KubeVersion
    all_revisions: bool = False  # --revisions all
    force: bool = False  # fix even when an operation is in progress (pending-* latest revision)
    decisions: Decisions = NO_DECISIONS  # answers the converters must not guess (--signer-name, ...)
    live: LiveIndex | None = None  # --live: exported live objects, whose selectors the conversion keeps


@dataclass(frozen=True)
class Create:
    release: Release
    namespace: str  # where the record will live (the source record's namespace)
    labels: Mapping[str, str]  # custom labels carried over from the source revision

    @property
    def key(self) -> str:
        return self.release.key

    @property
    def what(self) -> str:
        return f"create revision {self.release.version} ({self.release.status})"


@dataclass(frozen=True)
class Update:
    release: Release
    expected: StoredRecord  # the record as read: the write fails if it changed since
    reason: str

    @property
    def key(self) -> str:
        return self.expected.key

    @property
    def what(self) -> str:
        return f"update revision {self.release.version} ({self.reason})"


Write = Create | Update


@dataclass(frozen=True)
class FixPlan:
    name: str
    namespace: str
    helm_major: int
    outcome: Outcome  # FIXED means "writes are planned"
    reason: str = ""
    source: int | None = None  # revision whose content the fix is based on
    new_revision: int | None = None
    writes: tuple[Write, ...] = ()
    conversions: tuple[RevisionConversion, ...] = ()  # the source revision's first
    notes: tuple[str, ...] = field(default=())


def _halt(first: StoredRelease, outcome: Outcome, reason: str, notes: Sequence[str] = ()) -> FixPlan:
    return FixPlan(*located(first), first.release.helm_major, outcome, reason, notes=tuple(notes))


def _mismatch_reason(mismatched: Sequence[tuple[StoredRelease, tuple[str, ...]]]) -> str:
    shown = "; ".join(f"revision record {r.record.key}: {', '.join(m)}" for r, m in mismatched[:3])
    more = f"; and {len(mismatched) - 3} more" if len(mismatched) > 3 else ""
    return f"stored records disagree with their release bodies ({shown}{more})"


def next_revision(revisions: Sequence[StoredRelease]) -> int:
    """One above every revision number the stored records carry (key, version label and body), so the
    new key is free and the new revision is the latest for Helm (which sorts by the body's version)."""
    return max(max(stored_revision(r.record), key_revision(r.record.key), r.release.version)
               for r in revisions) + 1


def plan_release(
    revisions: Sequence[StoredRelease], options: FixOptions, now: datetime.datetime
) -> FixPlan:
    """The writes that fix one release, given every stored revision of it (any order)."""
    if not revisions:
        raise ValueError("plan_release needs at least one revision")
    revs = sorted(revisions, key=lambda r: r.release.version)
    latest = revs[-1]
    status = latest.release.status
    notes: list[str] = []
    mismatched = [(r, m) for r in revs if (m := record_mismatches(r.record, r.release))]
    if mismatched:
        reason = _mismatch_reason(mismatched)
        if not options.force:
            return _halt(latest, Outcome.SKIPPED, f"{reason}; Helm goes by where a record is stored: check the "
                                                  "records, or use --force to write the fix there")
        notes.append(f"{reason}; fixed anyway because of --force: the new revision goes where Helm looks for "
                     "the release (the records' namespace, name and revision numbers)")
    if status.startswith("pending"):
        if not options.force:
            return _halt(latest, Outcome.SKIPPED,
                         f"an operation is in progress (revision {latest.release.version} is {status}); "
                         "let it finish, or use --force")
        notes.append(f"revision {latest.release.version} is {status} (an operation in progress); fixed anyway "
                     "because of --force")
    if status in GONE_STATUSES:
        return _halt(latest, Outcome.SKIPPED, f"release is {status} (revision {latest.release.version})")
    deployed = [r for r in revs if r.release.status == "deployed"]
    if not deployed:
        return _halt(latest, Outcome.SKIPPED,
                     f"no deployed revision (latest revision {latest.release.version} is {status})")
    current = deployed[-1]
    if status == "failed":
        notes.append(f"latest revision {latest.release.version} is failed; converted revision "
                     f"{current.release.version}, the deployed one Helm upgrades from")
    conversion = convert_release(current.release, options.target, options.decisions, options.live)
    notes += conversion.warnings
    if conversion.errors:
        return _halt(latest, Outcome.FAILED,
                     f"revision {current.release.version} cannot be converted: {'; '.join(conversion.errors)}", notes)

    writes: list[Write] = []
    conversions = [conversion]
    new_revision: int | None = None
    supersede: list[StoredRelease] = []
    name, namespace = located(current)
    if conversion.changed:
        new_revision = next_revision(revs)
        description = DESCRIPTION.format(target=options.target, source=current.release.version)
        new = rewrite(current.release, conversion, version=new_revision, status="deployed",
                      description=description, last_deployed=now,
                      name=name if name != current.release.name else None,
                      namespace=namespace if namespace != current.release.namespace else None)
        writes.append(Create(new, current.record.namespace, current.record.labels))
        supersede.append(current)
    origin = made_from(current.release.description)
    if conversion.changed or origin is not None:
        # One deployed revision afterwards, as after `helm rollback`: every other one is superseded.
        for rev in revs:
            if rev is current or not (rev.release.status == "deployed" or rev.record.status == "deployed"):
                continue
            if rev.release.version == origin:
                notes.append(f"finished an earlier fix: revision {origin} is still deployed next to revision "
                             f"{current.release.version} made from it")
            else:
                notes.append(f"revision {rev.release.version} was deployed too; superseded, so that one "
                             "revision is deployed")
            supersede.append(rev)

    handled = set()
    for old in supersede:
        old_conversion = (conversion if old is current
                          else convert_release(old.release, options.target, options.decisions, options.live))
        apply = old_conversion if options.all_revisions and not old_conversion.errors else None
        writes.append(Update(rewrite(old.release, apply, status="superseded"), old.record,
                             "superseded" + (", converted in place" if apply and apply.changed else "")))
        handled.add(old.release.version)
    if options.all_revisions:
        for rev in reversed(revs):
            if rev.release.version in handled or rev is current:
                continue
            rev_conversion = convert_release(rev.release, options.target, options.decisions, options.live)
            if rev_conversion.errors:
                notes.append(f"revision {rev.release.version} left as is: {'; '.join(rev_conversion.errors)}")
            elif rev_conversion.changed:
                conversions.append(rev_conversion)
                writes.append(Update(rewrite(rev.release, rev_conversion), rev.record, "converted in place"))
    if not writes:
        return FixPlan(name, namespace, current.release.helm_major,
                       Outcome.UNCHANGED, "nothing to convert", source=current.release.version,
                       conversions=tuple(conversions), notes=tuple(notes))
    return FixPlan(name, namespace, current.release.helm_major, Outcome.FIXED,
                   source=current.release.version, new_revision=new_revision, writes=tuple(writes),
                   conversions=tuple(conversions), notes=tuple(notes))
