"""Add-on lifecycle packs: rows for the custom APIs of projects that version apart from Kubernetes.

A pack is a data file in kubehop/data/packs/ in the format of the shipped lifecycle file, whose
version fields are the add-on's own releases (cert-manager 1.6), not Kubernetes versions. Selected
with `pack:NAME`, a pack is read as of the add-on's current releases (every removal it records has
happened); `pack:NAME@VERSION` reads it as of the add-on release you will run. Either way a row's
status is the same at every Kubernetes target: the add-on, not the cluster, serves these APIs.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kubehop.errors import DataFileError, UsageError
from kubehop.lifecycle.data import OLDEST_SUPPORTED, AddonTimeline, LifecycleEntry, _parse
from kubehop.model import KubeVersion

PREFIX = "pack:"
PACK_DIR = "packs"


@dataclass(frozen=True)
class Pack:
    """One add-on pack: its metadata and its rows, whose version fields are add-on releases."""

    name: str
    project: str
    description: str
    rows: tuple[LifecycleEntry, ...]

    @property
    def newest(self) -> KubeVersion:
        """The newest add-on release the rows mention."""
        versions = [v for row in self.rows
                    for v in (row.deprecated_in, row.removed_in, row.replacement_available_in) if v is not None]
        return max(versions)

    def entries_at(self, version: KubeVersion | None) -> tuple[LifecycleEntry, ...]:
        """The rows as lifecycle entries for an add-on at `version` (None: its current releases)."""
        at = version if version is not None else self.newest
        label = f"{self.project} {version}" if version is not None else f"current {self.project} releases"
        found = (_resolve(row, self.project, at, label, self.name) for row in self.rows)
        return tuple(entry for entry in found if entry is not None)


def is_pack_spec(text: str) -> bool:
    return text.startswith(PREFIX)


@functools.cache
def pack_names() -> tuple[str, ...]:
    folder = resources.files("kubehop.data").joinpath(PACK_DIR)
    return tuple(sorted(item.name[: -len(".yaml")] for item in folder.iterdir() if item.name.endswith(".yaml")))


@functools.cache
def load_pack(name: str) -> Pack:
    if name not in pack_names():
        raise UsageError(f"unknown lifecycle pack {name!r} (known: {', '.join(pack_names())})")
    text = resources.files("kubehop.data").joinpath(PACK_DIR, f"{name}.yaml").read_text(encoding="utf-8")
    return _pack(name, text)


def parse_spec(spec: str) -> tuple[Pack, KubeVersion | None]:
    """`pack:cert-manager` or `pack:cert-manager@1.5` -> the pack and the add-on release asked for."""
    name, _, version = spec[len(PREFIX):].partition("@")
    pack = load_pack(name.strip())
    if not version.strip():
        return pack, None
    try:
        return pack, KubeVersion.parse(version)
    except UsageError:
        hint = f"e.g. {pack.newest}"
        raise UsageError(f"{spec}: {version!r} is not a release number of {pack.project} ({hint})") from None


def pack_entries(spec: str) -> tuple[LifecycleEntry, ...]:
    pack, version = parse_spec(spec)
    return pack.entries_at(version)


def _pack(name: str, text: str) -> Pack:
    import yaml

    origin = f"{PREFIX}{name}"
    data: Any = yaml.safe_load(text)
    meta = data.get("pack") if isinstance(data, dict) else None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("project", "description")):
        raise DataFileError(f"{origin}: a pack needs a `pack` mapping with `project` and `description`")
    return Pack(name, meta["project"], meta["description"], tuple(_parse(text, origin)))


def _resolve(row: LifecycleEntry, project: str, at: KubeVersion, label: str, name: str) -> LifecycleEntry | None:
    """The row as of add-on release `at`: deprecated or removed at every Kubernetes target, or None when
    that release still serves it undeprecated. The replacement named is the newest one `at` serves."""
    deprecated = row.deprecated_in is not None and row.deprecated_in <= at
    removed = row.removed_in is not None and row.removed_in <= at
    if not deprecated and not removed:
        return None
    served = row.served_replacement(at)
    later = ""
    if served is None and row.replacement_api_version:
        later = f"{row.replacement_label} from {project} {row.replacement_available_in}"

    def named(version: KubeVersion | None) -> str:
        return f"{project} {version}" if version is not None else ""

    timeline = AddonTimeline(project=project, at=label, deprecated_in=named(row.deprecated_in),
                             removed_in=named(row.removed_in),
                             replacement_since=named(served[2]) if served else "", replacement_later=later)
    return dataclasses.replace(
        row,
        deprecated_in=OLDEST_SUPPORTED if deprecated else None,
        removed_in=OLDEST_SUPPORTED if removed else None,
        replacement_api_version=served[0] if served else None,
        replacement_kind=served[1] if served else row.kind,
        replacement_available_in=None,
        interim=(),
        origin=f"{PREFIX}{name}",
        addon=timeline,
    )
