"""Core value types shared by every part of kubehop (all immutable)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubehop.errors import UsageError

_VERSION_RE = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.\-+]*)?\s*$")


@dataclass(frozen=True, order=True)
class KubeVersion:
    """A Kubernetes minor (and optional patch) version such as 1.22 or 1.22.3."""

    major: int
    minor: int
    patch: int | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, text: str) -> KubeVersion:
        """Accept `1.22`, `v1.22.3`, `1.22.0-eks-abc`, `v1.22.3+k3s1`."""
        match = _VERSION_RE.match(text)
        if not match:
            raise UsageError(f"not a Kubernetes version: {text!r} (expected e.g. 1.22 or v1.22.3)")
        major, minor, patch = match.groups()
        return cls(int(major), int(minor), int(patch) if patch is not None else None)

    @property
    def minor_str(self) -> str:
        return f"{self.major}.{self.minor}"

    def next_minor(self) -> KubeVersion:
        return KubeVersion(self.major, self.minor + 1)

    def __str__(self) -> str:
        if self.patch is None:
            return self.minor_str
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True, order=True)
class GroupVersionKind:
    """An API group, version and kind; the core group is the empty string."""

    group: str
    version: str
    kind: str

    @classmethod
    def from_api_version(cls, api_version: str, kind: str) -> GroupVersionKind:
        group, _, version = api_version.rpartition("/")
        return cls(group, version, kind)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def __str__(self) -> str:
        return f"{self.api_version}/{self.kind}"


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that max() picks the worst."""

    INFO = 0
    WARNING = 1
    DEPRECATED = 2
    REMOVED = 3
    ERROR = 4

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """Where a document came from: a file (and line), a chart template, or a Helm release revision."""

    path: str
    line: int | None = None
    template: str | None = None
    release: str | None = None
    namespace: str | None = None
    revision: int | None = None
    status: str | None = None
    storage_key: str | None = None
    item: str | None = None  # which object of a List document: `items[3]` (nested: `items[1].items[0]`)

    def __str__(self) -> str:
        where = self.path
        if self.release is not None:
            where = f"{self.namespace or '-'}/{self.release}#{self.revision}"
            if self.status:
                where += f" ({self.status})"
        if self.template:
            where += f" [{self.template}]"
        if self.line is not None:
            where += f":{self.line}"
        if self.item is not None:
            where += f" {self.item}"
        return where


@dataclass(frozen=True)
class Document:
    """One Kubernetes object read from some source, as a plain mapping."""

    obj: Mapping[str, Any]
    location: Location

    @property
    def api_version(self) -> str:
        value = self.obj.get("apiVersion")
        return value.strip() if isinstance(value, str) else ""

    @property
    def kind(self) -> str:
        value = self.obj.get("kind")
        return value.strip() if isinstance(value, str) else ""

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind.from_api_version(self.api_version, self.kind)

    @property
    def name(self) -> str:
        meta = self.obj.get("metadata")
        if isinstance(meta, Mapping):
            value = meta.get("name") or meta.get("generateName") or ""
            return str(value)
        return ""

    @property
    def namespace(self) -> str:
        meta = self.obj.get("metadata")
        if isinstance(meta, Mapping):
            return str(meta.get("namespace") or "")
        return ""


@dataclass(frozen=True, order=True)
class Finding:
    """One problem a rule found. Renderers and fixers read fields, never parse `message`."""

    location: Location
    rule_id: str
    severity: Severity
    message: str
    sub_id: str = ""
    api_version: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""
    replacement: str = ""
    deprecated_in: str = ""
    removed_in: str = ""
    replacement_available_in: str = ""
    details: tuple[tuple[str, str], ...] = ()

    @property
    def tag(self) -> str:
        return f"{self.rule_id}[{self.sub_id}]" if self.sub_id else self.rule_id

    def detail(self, key: str, default: str = "") -> str:
        for k, v in self.details:
            if k == key:
                return v
        return default


class ExitCode(enum.IntEnum):
    """Documented process exit codes (the worst finding wins)."""

    OK = 0
    ERROR = 1
    DEPRECATED = 2
    REMOVED = 3
