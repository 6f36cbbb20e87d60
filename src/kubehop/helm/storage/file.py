"""File storage: a `kubectl get secrets,configmaps -o yaml`-style List holding Helm 2 and/or Helm 3 records.

Writes rewrite the whole file atomically (temporary file, fsync, rename) with mode 0600, under an
exclusive lock, after checking that the record being replaced is still what the caller read.
"""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from kubehop.errors import ConflictError, HelmRecordError, RecordNotFoundError, StorageError
from kubehop.fsutil import write_atomically
from kubehop.helm.records import (
    helm_major_of,
    object_for,
    read_object,
    record_from_object,
    release_labels,
    update_labels,
)
from kubehop.helm.release import DEFAULT_TILLER_NAMESPACE, BadRecord, Release, StoredRecord
from kubehop.helm.storage.base import Query

# libyaml when PyYAML has it: every write reads and rewrites the whole file, so this sets its cost.
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_items(path: Path, *, missing_ok: bool = False) -> list[dict[str, Any]]:
    """The objects of a List (or a single object, or a multi-document YAML stream) in `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        if missing_ok:
            return []
        raise StorageError(f"{path}: no such file") from exc
    except OSError as exc:
        raise StorageError(f"{path}: cannot read ({exc})") from exc
    try:
        docs = [d for d in yaml.load_all(text, Loader=_LOADER) if d is not None]
    except yaml.YAMLError as exc:
        raise StorageError(f"{path}: not YAML ({exc})") from exc
    items: list[dict[str, Any]] = []
    for doc in docs:
        if not isinstance(doc, dict):
            raise StorageError(f"{path}: expected a List of Secrets/ConfigMaps, found {type(doc).__name__}")
        if isinstance(doc.get("items"), list):
            items.extend(i for i in doc["items"] if isinstance(i, dict))
        else:
            items.append(doc)
    return items


def dump_items(items: list[dict[str, Any]]) -> str:
    return yaml.dump({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {}}, Dumper=_DUMPER,
                     sort_keys=False, default_flow_style=False, width=1 << 20)


def _identity(obj: Mapping[str, Any]) -> tuple[str, str, str]:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind") or ""), str(meta.get("namespace") or ""), str(meta.get("name") or ""))


class FileStorage:
    def __init__(self, path: str | Path, *, tiller_namespace: str = DEFAULT_TILLER_NAMESPACE) -> None:
        self._path = Path(path)
        self._tiller_namespace = tiller_namespace

    @property
    def name(self) -> str:
        return f"file:{self._path}"

    @property
    def helm_major(self) -> None:
        return None

    @property
    def path(self) -> Path:
        return self._path

    def list(self, query: Query) -> Iterator[StoredRecord | BadRecord]:
        for item in load_items(self._path):
            record = read_object(item, self.name)
            if isinstance(record, BadRecord):
                yield record
                continue
            if query.name and record.name != query.name:
                continue
            if query.status and record.status != query.status:
                continue
            if query.namespace and record.helm_major == 3 and record.namespace != query.namespace:
                continue
            yield record

    def get(self, namespace: str, key: str) -> StoredRecord:
        for item in load_items(self._path):
            _, item_ns, item_name = _identity(item)
            if item_name == key and item_ns == namespace:
                return record_from_object(item, self.name)
        raise RecordNotFoundError(f"{self.name}: {namespace}/{key} not found")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[builtins.list[dict[str, Any]]]:
        lock_path = self._path.with_name(f".{self._path.name}.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield load_items(self._path, missing_ok=True)
        finally:
            os.close(fd)

    def _kind_for(self, items: builtins.list[dict[str, Any]], release: Release) -> str:
        for item in items:
            record_labels = (item.get("metadata") or {}).get("labels") or {}
            if helm_major_of(record_labels) == release.helm_major:
                return str(item.get("kind") or "Secret")
        return "ConfigMap" if release.helm_major == 2 else "Secret"

    def create(self, release: Release, *, labels: Mapping[str, str] = {}, namespace: str | None = None) -> StoredRecord:
        with self._locked() as items:
            if namespace is None:
                namespace = self._tiller_namespace if release.helm_major == 2 else (release.namespace or "default")
            obj = object_for(release, kind=self._kind_for(items, release), namespace=namespace,
                             labels=release_labels(release, now=int(time.time()), created=True, extra=labels))
            if any(_identity(i)[1:] == _identity(obj)[1:] for i in items):
                raise ConflictError(f"{self.name}: {namespace}/{release.key} already exists")
            items.append(obj)
            write_atomically(self._path, dump_items(items))
        return record_from_object(obj, self.name)

    def _replace(self, expected: StoredRecord, new: dict[str, Any] | None) -> None:
        with self._locked() as items:
            for index, item in enumerate(items):
                if _identity(item)[1:] != (expected.namespace, expected.key):
                    continue
                try:
                    current = record_from_object(item, self.name)
                except HelmRecordError:
                    current = None
                if current is None or (current.payload, dict(current.labels)) != (
                        expected.payload, dict(expected.labels)):
                    raise ConflictError(f"{self.name}: {expected.namespace}/{expected.key} changed since it was read")
                if new is None:
                    del items[index]
                else:
                    items[index] = new
                write_atomically(self._path, dump_items(items))
                return
        raise RecordNotFoundError(f"{self.name}: {expected.namespace}/{expected.key} not found")

    def update(self, release: Release, expected: StoredRecord) -> StoredRecord:
        obj = object_for(release, kind=expected.kind or "Secret", namespace=expected.namespace, key=expected.key,
                         secret_type=expected.raw.get("type"),
                         labels=update_labels(release, expected.labels, now=int(time.time())))
        self._replace(expected, obj)
        return record_from_object(obj, self.name)

    def delete(self, expected: StoredRecord) -> None:
        self._replace(expected, None)

    def put_raw(self, raw: Mapping[str, Any]) -> StoredRecord:
        """Write a stored object back exactly as a backup holds it (replacing or adding it); for restores."""
        obj = dict(raw)
        with self._locked() as items:
            index = next((i for i, item in enumerate(items) if _identity(item)[1:] == _identity(obj)[1:]), None)
            if index is None:
                items.append(obj)
            else:
                items[index] = obj
            write_atomically(self._path, dump_items(items))
        return record_from_object(obj, self.name)
