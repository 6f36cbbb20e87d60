"""Backup files of release records: JSON Lines, mode 0600, fsynced before the records they hold are written.

Line 1 is a header naming the storage. Every other line is either a `record` (the stored object or
row exactly as read, so a restore writes it back byte for byte) or an `absent` key (a revision that
did not exist and that the fix creates, so a restore removes it again). An `absent` line also holds
`written`, the SHA-256 of the payload the fix is about to store there, so a restore knows that the
record it finds is the one the fix created. When a key appears twice, the first line wins: it is the
state from before kubehop touched it.

For a `file:` store the second line holds the whole file as it was (`type: file`): the file is rewritten
as a whole on every write, so a restore that leaves the same records puts these exact bytes back.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kubehop.errors import UsageError
from kubehop.fix.plan import Create, FixPlan, Update
from kubehop.helm.codec import encode_body
from kubehop.helm.release import StoredRecord
from kubehop.readfile import check_regular

FORMAT = "kubehop-release-backup"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class BackupEntry:
    release: str
    helm_major: int
    namespace: str  # where the record lives (Tiller namespace for Helm 2 Kubernetes storage)
    key: str
    raw: dict[str, Any] | None  # None = the key did not exist before
    written: str = ""  # for an absent key: SHA-256 of the payload the fix stored there ("" in older backups)

    @property
    def absent(self) -> bool:
        return self.raw is None


@dataclass(frozen=True)
class Backup:
    path: Path
    storage: str
    created: str
    entries: tuple[BackupEntry, ...]
    file_text: str | None = None  # a file: store's whole text before the fix wrote to it


def payload_digest(payload: str) -> str:
    """SHA-256 of a stored payload (Helm's base64 string), naming exactly what a fix wrote."""
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def default_backup_path(now: datetime.datetime) -> Path:
    return Path(f"kubehop-releases-backup-{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}.jsonl")


class BackupWriter:
    """Appends records to a new backup file (never overwrites one); each save is fsynced before it returns."""

    def __init__(self, path: Path, storage: str, *, file_text: str | None = None) -> None:
        self.path = path
        self._storage = storage
        self._file_text = file_text
        self._handle: IO[str] | None = None
        self._keys: set[tuple[str, str]] = set()
        self.records = 0  # saved records
        self.created = 0  # keys the fix creates (removed again by a restore)

    def _open(self) -> IO[str]:
        if self._handle is None:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError as exc:
                raise UsageError(f"{self.path}: backup file exists already; choose another --backup path") from exc
            except OSError as exc:
                raise UsageError(f"{self.path}: cannot create the backup file ({exc})") from exc
            os.fchmod(fd, 0o600)
            self._handle = os.fdopen(fd, "w", encoding="utf-8")
            now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self._write_line({"format": FORMAT, "version": FORMAT_VERSION, "storage": self._storage,
                              "created": now})
            if self._file_text is not None:
                self._write_line({"type": "file", "text": self._file_text})
        return self._handle

    def _write_line(self, obj: dict[str, Any]) -> None:
        assert self._handle is not None
        self._handle.write(json.dumps(obj, sort_keys=False, default=str) + "\n")

    def _entry(self, release: str, helm_major: int, namespace: str, key: str, raw: Any, written: str = "") -> None:
        if (namespace, key) in self._keys:
            return
        self._keys.add((namespace, key))
        self._open()
        line: dict[str, Any] = {"type": "record" if raw is not None else "absent", "release": release,
                                "helm_major": helm_major, "namespace": namespace, "key": key}
        if raw is not None:
            line["raw"] = raw
        else:
            line["written"] = written
        self._write_line(line)
        if raw is None:
            self.created += 1
        else:
            self.records += 1

    def _sync(self) -> None:
        handle = self._open()
        handle.flush()
        os.fsync(handle.fileno())

    def save_plan(self, plan: FixPlan) -> None:
        """Save every record the plan writes (and the keys it creates) before any of them is written."""
        for write in plan.writes:
            if isinstance(write, Update):
                self._entry(plan.name, plan.helm_major, write.expected.namespace, write.key, dict(write.expected.raw))
            elif isinstance(write, Create):
                self._entry(plan.name, plan.helm_major, write.namespace, write.key, None,
                            payload_digest(encode_body(write.release)))
        self._sync()

    def save_records(self, release: str, records: Iterable[StoredRecord]) -> None:
        for record in records:
            self._entry(release, record.helm_major, record.namespace, record.key, dict(record.raw))
        self._sync()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        check_regular(path)  # a FIFO would block
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the backup ({exc.strerror})") from exc
    with handle:
        for number, text in _numbered(handle, path):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                raise UsageError(f"{path}:{number}: not a kubehop backup line ({exc})") from exc
            if not isinstance(obj, dict):
                raise UsageError(f"{path}:{number}: not a kubehop backup line")
            yield number, obj


def _numbered(handle: IO[str], path: Path) -> Iterator[tuple[int, str]]:
    try:
        yield from enumerate(handle, 1)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not a kubehop backup (not UTF-8 text)") from exc


def read_backup(path: Path) -> Backup:
    header: dict[str, Any] | None = None
    file_text: str | None = None
    entries: list[BackupEntry] = []
    seen: set[tuple[str, str]] = set()
    for number, obj in _lines(path):
        if header is None:
            if obj.get("format") != FORMAT:
                raise UsageError(f"{path}: not a kubehop release backup (line 1 has no format {FORMAT!r})")
            if obj.get("version") != FORMAT_VERSION:
                raise UsageError(f"{path}: backup format version {obj.get('version')!r} is not supported")
            header = obj
            continue
        if obj.get("type") == "file":
            if not isinstance(obj.get("text"), str):
                raise UsageError(f"{path}:{number}: incomplete backup entry (file without text)")
            file_text = obj["text"]
            continue
        try:
            entry = BackupEntry(release=str(obj["release"]), helm_major=int(obj["helm_major"]),
                                namespace=str(obj["namespace"]), key=str(obj["key"]),
                                raw=obj["raw"] if obj.get("type") == "record" else None,
                                written=str(obj.get("written") or ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"{path}:{number}: incomplete backup entry ({exc})") from exc
        if entry.absent and obj.get("type") != "absent":
            raise UsageError(f"{path}:{number}: unknown entry type {obj.get('type')!r}")
        if (entry.namespace, entry.key) not in seen:
            seen.add((entry.namespace, entry.key))
            entries.append(entry)
    if header is None:
        raise UsageError(f"{path}: empty backup file")
    return Backup(path, str(header.get("storage") or ""), str(header.get("created") or ""), tuple(entries),
                  file_text)
