"""The interface every release storage backend implements."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from kubehop.helm.release import BadRecord, Release, StoredRecord


@dataclass(frozen=True)
class Query:
    """Which records to list. `namespace` is the namespace the records live in (None = all namespaces);
    Tiller stores keep every release in the Tiller namespace, so for them it is ignored."""

    name: str | None = None
    namespace: str | None = None
    status: str | None = None


class ReleaseStorage(Protocol):
    """Read and write Helm release records.

    `list` streams records a page at a time (memory bounded by one page), undecoded, so a record
    that cannot be decoded can be reported by key and skipped. Writes never overwrite a record that
    changed since it was read: `update` and `delete` take the record as read and raise ConflictError.
    """

    @property
    def name(self) -> str:
        """How the backend is named on the command line (secret, sql, tiller-configmap, file:PATH, ...)."""
        ...

    @property
    def helm_major(self) -> int | None:
        """2 or 3 when the backend holds one Helm generation only; None for a file that may mix them."""
        ...

    def list(self, query: Query) -> Iterator[StoredRecord | BadRecord]: ...

    def get(self, namespace: str, key: str) -> StoredRecord: ...

    def create(self, release: Release, *, labels: Mapping[str, str] = {}, namespace: str | None = None) -> StoredRecord:
        """Store a new revision; ConflictError if the key exists. `labels` adds custom labels; `namespace`
        is where the record goes (default: where Helm puts it, the release's or the Tiller namespace)."""
        ...

    def update(self, release: Release, expected: StoredRecord) -> StoredRecord:
        """Replace the revision `expected` was read from; ConflictError if it changed meanwhile."""
        ...

    def delete(self, expected: StoredRecord) -> None: ...


def sort_key(record: StoredRecord) -> tuple[str, str, int]:
    return (record.namespace, record.name, record.version)
