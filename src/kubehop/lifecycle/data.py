"""Load the lifecycle data file (package data plus user files) into frozen entries and answer queries."""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kubehop.errors import DataFileError, UsageError
from kubehop.model import GroupVersionKind, KubeVersion

OLDEST_SUPPORTED = KubeVersion(1, 8)
DATA_FILE = "api_lifecycle.yaml"
_REQUIRED = ("apiVersion", "kind", "source")
_VERSION_KEYS = ("deprecatedIn", "removedIn", "replacementAvailableIn")
_KNOWN_KEYS = frozenset(
    (*_REQUIRED, *_VERSION_KEYS, "resource", "replacement", "replacementKind", "decision", "note", "interim")
)


class ApiStatus(enum.Enum):
    """What a Kubernetes version does with an apiVersion/kind."""

    SERVED = "served"
    DEPRECATED = "deprecated"
    REMOVED = "removed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Interim:
    """A version to move to while the final replacement is not yet served (served_to is the last minor)."""

    api_version: str
    kind: str
    served_from: KubeVersion
    served_to: KubeVersion | None

    def served_at(self, target: KubeVersion) -> bool:
        return self.served_from <= target and (self.served_to is None or target <= self.served_to)


@dataclass(frozen=True)
class AddonTimeline:
    """A pack row's own facts in the add-on's release numbers (`cert-manager 1.6`). The entry's Kubernetes
    version fields then only say whether the row applies at every target, as of the add-on release `at`."""

    project: str
    at: str  # "cert-manager 1.5", or "current cert-manager releases"
    deprecated_in: str
    removed_in: str
    replacement_since: str
    replacement_later: str = ""  # "cert-manager.io/v1 from cert-manager 1.0" when `at` serves no replacement yet


@dataclass(frozen=True)
class LifecycleEntry:
    """One row of lifecycle data: a group/version/kind and when it was deprecated and removed."""

    api_version: str
    kind: str
    resource: str
    deprecated_in: KubeVersion | None
    removed_in: KubeVersion | None
    replacement_api_version: str | None
    replacement_kind: str
    replacement_available_in: KubeVersion | None
    source: str
    note: str = ""
    decision: str = ""
    origin: str = DATA_FILE
    interim: tuple[Interim, ...] = ()
    # Filled in by Lifecycle from the replacement's own row: the release that stops serving it.
    replacement_removed_in: KubeVersion | None = None
    addon: AddonTimeline | None = None  # set on rows of an add-on pack (lifecycle/packs.py)

    @property
    def deprecated_label(self) -> str:
        """`1.8`, or `cert-manager 1.4` for a pack row; empty when never deprecated."""
        return self.addon.deprecated_in if self.addon else str(self.deprecated_in or "")

    @property
    def removed_label(self) -> str:
        return self.addon.removed_in if self.addon else str(self.removed_in or "")

    def where(self, target: KubeVersion) -> str:
        """What the status is about: the Kubernetes target, or the add-on release a pack row is read at."""
        return self.addon.at if self.addon else str(target)

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind.from_api_version(self.api_version, self.kind)

    @property
    def group(self) -> str:
        return self.gvk.group

    @property
    def version(self) -> str:
        return self.gvk.version

    @property
    def replacement_gvk(self) -> GroupVersionKind | None:
        if not self.replacement_api_version:
            return None
        return GroupVersionKind.from_api_version(self.replacement_api_version, self.replacement_kind)

    @property
    def replacement_label(self) -> str:
        """`apps/v1`, or `batch/v1 CronJob` when the kind changes; empty when there is none."""
        if not self.replacement_api_version:
            return ""
        if self.replacement_kind != self.kind:
            return f"{self.replacement_api_version} {self.replacement_kind}"
        return self.replacement_api_version

    def replacement_at(self, target: KubeVersion) -> tuple[str, str, KubeVersion | None] | None:
        """(apiVersion, kind, served since) to move to at `target`: the best replacement served there
        (see served_replacement); when none is served yet, the final replacement, whose `served since`
        is then later than the target; None when there is none, or the replacement is itself gone."""
        if not self.replacement_api_version:
            return None
        served = self.served_replacement(target)
        if served is not None:
            return served
        if self.replacement_removed_in is not None and target >= self.replacement_removed_in:
            return None
        return self.replacement_api_version, self.replacement_kind, self.replacement_available_in

    def served_replacement(self, target: KubeVersion) -> tuple[str, str, KubeVersion | None] | None:
        """The newest replacement `target` serves: the final replacement once it is served, else the
        newest interim version served at the target; None when the target serves none of them."""
        if not self.replacement_api_version:
            return None
        available = self.replacement_available_in
        gone = self.replacement_removed_in
        if (available is None or available <= target) and (gone is None or target < gone):
            return self.replacement_api_version, self.replacement_kind, available
        steps = [step for step in self.interim if step.served_at(target)]
        if not steps:
            return None
        best = max(steps, key=lambda step: step.served_from)
        return best.api_version, best.kind, best.served_from

    def status_at(self, target: KubeVersion) -> ApiStatus:
        if self.removed_in is not None and target >= self.removed_in:
            return ApiStatus.REMOVED
        if self.deprecated_in is not None and target >= self.deprecated_in:
            return ApiStatus.DEPRECATED
        return ApiStatus.SERVED


class Lifecycle:
    """The lifecycle table: the shipped rows plus any user rows, indexed for fast lookups."""

    def __init__(self, entries: Sequence[LifecycleEntry]) -> None:
        self.entries: tuple[LifecycleEntry, ...] = _with_replacement_removal(entries)
        self._by_key: dict[tuple[str, str], LifecycleEntry] = {}
        self._by_resource: dict[tuple[str, str, str], LifecycleEntry] = {}
        self._derived: dict[tuple[str, str], LifecycleEntry | None] = {}
        for entry in self.entries:
            key = (entry.api_version, entry.kind)
            if key in self._by_key:
                first = self._by_key[key]
                raise DataFileError(
                    f"duplicate lifecycle row {entry.api_version} {entry.kind} "
                    f"(in {first.origin} and {entry.origin})"
                )
            self._by_key[key] = entry
            if entry.resource:
                self._by_resource.setdefault((entry.group, entry.version, entry.resource), entry)
        self.api_versions: frozenset[str] = frozenset(e.api_version for e in self.entries)
        # Indexed once: RBAC checks ask for a group's rows for every rule of every Role.
        self._by_group: dict[str, list[LifecycleEntry]] = {}
        for entry in self.entries:
            self._by_group.setdefault(entry.group, []).append(entry)
        # User rows (CRD versions) say nothing about which Kubernetes versions kubehop knows.
        shipped = [e for e in self.entries if e.origin == DATA_FILE] or list(self.entries)
        known = [v for e in shipped for v in (e.deprecated_in, e.removed_in, e.replacement_available_in)]
        self.newest_known: KubeVersion = max((v for v in known if v is not None), default=OLDEST_SUPPORTED)

    @classmethod
    def load(cls, extra_files: Iterable[str | Path] = ()) -> Lifecycle:
        """The shipped rows plus each extra source: a user file, or `pack:NAME[@VERSION]` (an add-on pack)."""
        from kubehop.lifecycle.packs import is_pack_spec, pack_entries

        entries = list(_default_entries())
        for source in extra_files:
            if isinstance(source, str) and is_pack_spec(source):
                entries.extend(pack_entries(source))
            else:
                entries.extend(_load_file(Path(source)))
        return cls(entries)

    @classmethod
    def default(cls) -> Lifecycle:
        return _default_lifecycle()

    def lookup(self, api_version: str, kind: str) -> LifecycleEntry | None:
        entry = self._by_key.get((api_version, kind))
        if entry is None and kind.endswith("List"):
            return self._list_entry(api_version, kind)
        return entry

    def _list_entry(self, api_version: str, kind: str) -> LifecycleEntry | None:
        """The derived row of a `<Kind>List` or of the generic `List` (see lifecycle/lists.py)."""
        from kubehop.lifecycle.lists import generic_list_entry, typed_list_entry

        key = (api_version, kind)
        if key not in self._derived:
            if kind == "List":
                group = GroupVersionKind.from_api_version(api_version, kind).group
                rows = [e for e in self._by_group.get(group, ()) if e.api_version == api_version]
                self._derived[key] = generic_list_entry(api_version, rows)
            else:
                base = self._by_key.get((api_version, kind.removesuffix("List")))
                self._derived[key] = typed_list_entry(base) if base is not None else None
        return self._derived[key]

    def lookup_resource(self, group: str, version: str, resource: str) -> LifecycleEntry | None:
        return self._by_resource.get((group, version, resource))

    def resources_in_group(self, group: str) -> Iterable[LifecycleEntry]:
        return self._by_group.get(group, ())

    def status(self, api_version: str, kind: str, target: KubeVersion) -> ApiStatus:
        entry = self.lookup(api_version, kind)
        if entry is None:
            return ApiStatus.UNKNOWN
        return entry.status_at(target)

    def check_target(self, target: KubeVersion) -> None:
        if target.major != 1 or target < OLDEST_SUPPORTED:
            raise UsageError(f"target {target} is older than {OLDEST_SUPPORTED}, the oldest version kubehop knows")
        if target > self.newest_known:
            raise UsageError(
                f"target {target} is newer than {self.newest_known}, the newest version the lifecycle data "
                "knows: kubehop cannot tell what it removes (update kubehop or add rows with --lifecycle)"
            )

    def parse_target(self, text: str) -> KubeVersion:
        target = KubeVersion.parse(text)
        self.check_target(target)
        return target


def _with_replacement_removal(entries: Sequence[LifecycleEntry]) -> tuple[LifecycleEntry, ...]:
    """Each entry told when its replacement is itself removed (policy/v1beta1 PodSecurityPolicy in 1.25)."""
    removed = {(e.api_version, e.kind): e.removed_in for e in entries}
    return tuple(
        dataclasses.replace(e, replacement_removed_in=removed.get((e.replacement_api_version, e.replacement_kind)))
        if e.replacement_api_version and removed.get((e.replacement_api_version, e.replacement_kind)) else e
        for e in entries
    )


@functools.cache
def _default_entries() -> tuple[LifecycleEntry, ...]:
    text = resources.files("kubehop.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return tuple(_parse(text, DATA_FILE))


@functools.cache
def _default_lifecycle() -> Lifecycle:
    return Lifecycle(_default_entries())


def _load_file(path: Path) -> list[LifecycleEntry]:
    from kubehop.readfile import read_text

    try:
        text = read_text(path)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read lifecycle file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: lifecycle file is not UTF-8 text (byte {exc.start})") from exc
    return _parse(text, str(path))


def _parse(text: str, origin: str) -> list[LifecycleEntry]:
    import yaml

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise DataFileError(f"{origin}: not valid YAML: {exc}") from exc
    rows = data.get("apis") if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        raise DataFileError(f"{origin}: expected a mapping with an `apis` list of rows")
    return [_entry(row, origin, index) for index, row in enumerate(rows, start=1)]


def _entry(row: Any, origin: str, index: int) -> LifecycleEntry:
    where = f"{origin}: row {index}"
    if not isinstance(row, Mapping):
        raise DataFileError(f"{where}: expected a mapping")
    unknown = set(row) - _KNOWN_KEYS
    if unknown:
        raise DataFileError(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    for key in _REQUIRED:
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise DataFileError(f"{where}: `{key}` is required and must be a non-empty string")
    versions = {key: _version(row.get(key), f"{where}: `{key}`") for key in _VERSION_KEYS}
    if versions["deprecatedIn"] is None and versions["removedIn"] is None:
        raise DataFileError(f"{where}: a row needs deprecatedIn or removedIn")
    kind = row["kind"].strip()
    replacement = row.get("replacement") or None
    return LifecycleEntry(
        api_version=row["apiVersion"].strip(),
        kind=kind,
        resource=str(row.get("resource") or ""),
        deprecated_in=versions["deprecatedIn"],
        removed_in=versions["removedIn"],
        replacement_api_version=str(replacement).strip() if replacement else None,
        replacement_kind=str(row.get("replacementKind") or kind),
        replacement_available_in=versions["replacementAvailableIn"],
        source=row["source"].strip(),
        note=str(row.get("note") or ""),
        decision=str(row.get("decision") or ""),
        origin=origin,
        interim=_interim(row.get("interim"), kind, where),
    )


def _version(value: Any, where: str) -> KubeVersion | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        # An unquoted 1.20 is the float 1.2 to YAML: refuse it rather than misread it.
        raise DataFileError(f"{where}: write versions as quoted strings (\"1.20\"), not {value!r}")
    try:
        return KubeVersion.parse(value)
    except UsageError as exc:
        raise DataFileError(f"{where}: {exc}") from exc


def _interim(value: Any, kind: str, where: str) -> tuple[Interim, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DataFileError(f"{where}: `interim` must be a list")
    steps = []
    for step in value:
        if not isinstance(step, Mapping) or not isinstance(step.get("apiVersion"), str):
            raise DataFileError(f"{where}: each `interim` step needs an apiVersion")
        served_from = _version(step.get("from"), f"{where}: interim `from`")
        if served_from is None:
            raise DataFileError(f"{where}: each `interim` step needs `from`")
        steps.append(Interim(step["apiVersion"], str(step.get("kind") or kind), served_from,
                             _version(step.get("to"), f"{where}: interim `to`")))
    return tuple(steps)
