"""Value types of the pre-flight check (all frozen)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubehop.model import KubeVersion, Severity

HelmVersion = tuple[int, int, int]
# The Helm whose behaviour is modelled when none is named or found (the one kubehop is tested with).
DEFAULT_HELM_VERSION: HelmVersion = (3, 17, 3)


class Operation(enum.Enum):
    UPGRADE = "upgrade"
    ROLLBACK = "rollback"


class Mode(enum.Enum):
    """How Helm sends the object to the apiserver."""

    CREATE = "create"  # not live: POST of the render
    PATCH = "patch"  # three-way strategic merge patch (plain upgrade/rollback)
    PUT = "put"  # --force in Helm 3: replace with the render
    DELETE = "delete"  # only in the revision Helm diffs against: Helm deletes it after the update


class LiveSource(enum.Enum):
    SUPPLIED = "supplied"  # exported live object or read from the cluster
    INFERRED = "inferred"  # rebuilt from the release manifests plus the defaults the API applied
    ABSENT = "absent"  # known not to exist


@dataclass(frozen=True, order=True)
class ObjectKey:
    group: str
    kind: str
    namespace: str
    name: str

    @property
    def qualified_kind(self) -> str:
        """`DaemonSet.apps`, `Service` (core): the apiserver's spelling in `... is invalid`."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(frozen=True)
class CheckContext:
    operation: Operation
    release: str
    namespace: str
    force: bool = False
    kube_version: KubeVersion | None = None  # the server's version; None = a current server
    helm_version: HelmVersion = DEFAULT_HELM_VERSION
    live_supplied: bool = False
    current_revision: int | None = None
    target_revision: int | None = None
    # StorageClass name -> allowVolumeExpansion, when StorageClasses were supplied with the live objects.
    storage_classes: Mapping[str, bool] = field(default_factory=dict)
    # Older revisions (label, objects), oldest first: what the apiserver defaulted at creation time.
    history: Sequence[tuple[str, Sequence[Mapping[str, Any]]]] = ()
    # Whether a group/version is still served; None when nobody knows (no server version given).
    served: Mapping[str, bool | None] = field(default_factory=dict)
    # Where the manifest to apply came from (a file, a chart, a release revision), for the report.
    target_source: str = ""
    # "Kind/name" -> chart template path (from `# Source:` headers), so a fix names the file to edit.
    templates: Mapping[str, str] = field(default_factory=dict)

    def kube_at_least(self, minor: int) -> bool:
        """True on servers >= 1.<minor>; an unknown server counts as current."""
        return self.kube_version is None or self.kube_version.minor >= minor


@dataclass(frozen=True)
class ObjectChange:
    """One object of the manifest to apply, with what Helm diffs it against and what is live."""

    key: ObjectKey
    api_version: str
    target: Mapping[str, Any]
    original: Mapping[str, Any] | None
    live: Mapping[str, Any] | None
    live_source: LiveSource
    mode: Mode
    result: Mapping[str, Any]  # what the apiserver validates
    original_api_version: str = ""
    note: str = ""  # how the live object was inferred, for the report

    @property
    def is_update(self) -> bool:
        return self.mode in (Mode.PATCH, Mode.PUT) and self.live is not None


@dataclass(frozen=True, order=True)
class FieldError:
    """One apiserver field error; `order` puts it where the apiserver lists it."""

    order: int
    text: str


@dataclass(frozen=True)
class Violation:
    """What a rule found on one object; the engine turns it into a Finding."""

    rule_id: str
    field: str
    old: str
    new: str
    message: str
    errors: tuple[FieldError, ...] = ()
    severity: Severity = Severity.REMOVED
    # A complete apiserver error that is not a validation list (an admission refusal).
    object_error: str = ""
    # A Helm-side failure (not an apiserver error), printed instead of `cannot patch ...`.
    helm_error: str = ""
    # "current" / "new" when Helm cannot even build that manifest (it stops before any diff).
    build_stage: str = ""
    extra: tuple[tuple[str, str], ...] = ()
