"""The Release model shared by Helm 2 and Helm 3 records, and the stored record that carries it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

HELM3_KEY_PREFIX = "sh.helm.release.v1"
HELM3_SECRET_TYPE = "helm.sh/release.v1"
DEFAULT_TILLER_NAMESPACE = "kube-system"

# Helm 3 statuses (pkg/release/status.go).
HELM3_STATUSES = (
    "unknown", "deployed", "uninstalled", "superseded", "failed",
    "uninstalling", "pending-install", "pending-upgrade", "pending-rollback",
)
# Helm 2 Status.Code enum (hapi/release/status.proto), index = wire value.
HELM2_STATUS_CODES = (
    "UNKNOWN", "DEPLOYED", "DELETED", "SUPERSEDED", "FAILED",
    "DELETING", "PENDING_INSTALL", "PENDING_UPGRADE", "PENDING_ROLLBACK",
)


def storage_key(name: str, version: int, helm_major: int) -> str:
    """Object name / SQL key of one revision: Helm 3 `sh.helm.release.v1.<name>.v<rev>`, Helm 2 `<name>.v<rev>`."""
    if helm_major == 2:
        return f"{name}.v{version}"
    return f"{HELM3_KEY_PREFIX}.{name}.v{version}"


def helm2_status_label(status: str) -> str:
    """Helm 2 label/enum spelling of a status ("pending-upgrade" -> "PENDING_UPGRADE")."""
    return status.upper().replace("-", "_")


def helm2_status_display(code: str) -> str:
    """Lower-case spelling used when listing Helm 2 records next to Helm 3 ones."""
    return code.lower().replace("_", "-")


@dataclass(frozen=True)
class Hook:
    """One release hook: its rendered manifest is scanned like the release manifest."""

    name: str
    kind: str
    path: str
    manifest: str
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Release:
    """One revision of one Helm release.

    `body` keeps the whole decoded payload so nothing is lost on re-encode: for Helm 3 it is the
    JSON object as decoded (unknown keys included); for Helm 2 it is the uncompressed protobuf bytes.
    """

    name: str
    namespace: str
    version: int
    status: str
    helm_major: int
    chart_name: str = ""
    chart_version: str = ""
    app_version: str = ""
    description: str = ""
    manifest: str = ""
    hooks: tuple[Hook, ...] = ()
    first_deployed: str = ""
    last_deployed: str = ""
    body: Mapping[str, Any] | bytes = field(default_factory=dict, repr=False, compare=False)

    @property
    def chart(self) -> str:
        if not self.chart_name:
            return ""
        return f"{self.chart_name}-{self.chart_version}" if self.chart_version else self.chart_name

    @property
    def key(self) -> str:
        return storage_key(self.name, self.version, self.helm_major)


@dataclass(frozen=True)
class StoredRecord:
    """One release revision exactly as a storage backend holds it.

    `payload` is Helm's own string (base64 of gzip of JSON/protobuf), after undoing any transport
    encoding such as a Secret's data base64. `raw` is the stored object or row as read, untouched,
    so that a backup can write it back byte for byte.
    """

    storage: str
    key: str
    namespace: str
    helm_major: int
    labels: Mapping[str, str]
    payload: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    resource_version: str | None = None
    kind: str = ""

    @property
    def name(self) -> str:
        return self.labels.get("NAME" if self.helm_major == 2 else "name", "")

    @property
    def version(self) -> int:
        text = self.labels.get("VERSION" if self.helm_major == 2 else "version", "")
        return int(text) if text.isdigit() else 0

    @property
    def status(self) -> str:
        if self.helm_major == 2:
            return helm2_status_display(self.labels.get("STATUS", ""))
        return self.labels.get("status", "")


@dataclass(frozen=True)
class StoredRelease:
    """A stored record together with the release decoded from it."""

    record: StoredRecord
    release: Release


@dataclass(frozen=True)
class BadRecord:
    """A stored object that cannot be read as a release record: reported by key, then skipped."""

    storage: str
    key: str
    namespace: str
    error: str
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
