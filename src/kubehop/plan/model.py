"""The plan's value types: what the inventory holds, and the steps, phases and tasks of a runbook."""

from __future__ import annotations

from dataclasses import dataclass

from kubehop.model import KubeVersion, Location

ORIGIN_FILE = "file"
ORIGIN_CHART = "chart"
ORIGIN_RELEASE = "release"
ORIGIN_CLUSTER = "cluster"  # a live object, as `kubehop scan --cluster` reported it


@dataclass(frozen=True)
class Subject:
    """One object with a lifecycle row, as a manifest file, a chart or a Helm release holds it.

    Release objects seen in several revisions are one subject listing every (revision, status)."""

    api_version: str
    kind: str
    name: str
    namespace: str
    location: Location
    origin: str
    source: str = ""  # the file or chart path, or the release storage (`file:PATH`, `secret`, ...)
    chart: str = ""  # chart name (first part of the template path), "" when unknown
    revisions: tuple[tuple[int, str], ...] = ()

    @property
    def release(self) -> str:
        return self.location.release or ""

    @property
    def release_namespace(self) -> str:
        return self.location.namespace or ""

    @property
    def helm_major(self) -> int:
        key = self.location.storage_key or ""
        return 3 if key.startswith("sh.helm.release.v1.") or not key else 2

    @property
    def label(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name or '(unnamed)'}"

    @property
    def where(self) -> str:
        if self.origin == ORIGIN_RELEASE:
            revs = ", ".join(f"#{rev} {status}".rstrip() for rev, status in self.revisions)
            template = f" [{self.location.template}]" if self.location.template else ""
            return f"release {self.release_namespace or '-'}/{self.release} ({revs}){template}"
        return str(self.location)


@dataclass(frozen=True)
class Note:
    """A finding from an inventory that is not about an apiVersion (e.g. missing-selector)."""

    rule: str
    tag: str
    message: str
    api_version: str
    kind: str
    name: str
    namespace: str
    location: Location
    origin: str
    source: str = ""
    chart: str = ""
    removed_in: str = ""
    details: tuple[tuple[str, str], ...] = ()

    def detail(self, key: str) -> str:
        return next((v for k, v in self.details if k == key), "")


Item = Subject | Note


@dataclass(frozen=True)
class Inventory:
    subjects: tuple[Subject, ...]
    notes: tuple[Note, ...] = ()
    inputs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    """What one subject needs at one step."""

    subject: Subject
    api_version: str  # the subject's apiVersion when the step starts (after earlier moves)
    kind: str
    status: str  # STATUS_* below
    deprecated_in: str
    removed_in: str
    move_to: str  # `apps/v1`, or `batch/v1 CronJob`: served at the step's source and target; "" if none
    final: str  # the final replacement, which may differ from move_to (an interim version)
    final_since: str = ""  # the version that first serves `final`
    blocked: str = ""  # why the step cannot be taken safely; "" when it can


STATUS_ALREADY_REMOVED = "already-removed"
STATUS_REMOVED = "removed"
STATUS_DEPRECATED = "deprecated"


@dataclass(frozen=True)
class Command:
    """A command line; `manual` ones (helm, kubectl, the installer) the operator runs by hand."""

    line: str
    manual: bool = False


@dataclass(frozen=True)
class Task:
    text: str
    commands: tuple[Command, ...] = ()


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Variable:
    """A value the operator supplies (a shell variable in the commands)."""

    name: str
    help: str


@dataclass(frozen=True)
class Step:
    number: int
    source: KubeVersion
    target: KubeVersion
    must_fix: tuple[Move, ...]
    deprecated: tuple[Move, ...]
    notes: tuple[Note, ...]
    etcd_before: str
    etcd_after: str
    kubelet_oldest: str  # the oldest kubelet minor the target apiserver accepts
    phases: tuple[Phase, ...]
    rollback: tuple[Phase, ...]
    warnings: tuple[str, ...] = ()

    @property
    def blocked(self) -> tuple[Move, ...]:
        return tuple(m for m in self.must_fix if m.blocked)

    @property
    def snapshot(self) -> str:
        return f"${{BACKUP_DIR}}/etcd-before-{self.target.minor_str}.db"


@dataclass(frozen=True)
class Plan:
    source: KubeVersion
    target: KubeVersion
    steps: tuple[Step, ...]
    variables: tuple[Variable, ...]
    inputs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return any(step.blocked for step in self.steps)

    @property
    def incomplete(self) -> bool:
        """An input could not be read (its warnings say which): the plan cannot vouch for what it did not see."""
        return bool(self.warnings)
