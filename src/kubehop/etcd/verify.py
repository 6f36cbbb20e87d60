"""Integrity of a snapshot file: the SHA-256 trailer and a full walk of the bbolt tree.

`etcdctl snapshot save` files end with SHA-256(body) and have `size % 512 == 32`; a raw
`member/snap/db` copy has no trailer (reference §3.3). `snapshot status` checks neither; restore
checks the trailer. kubehop checks both, plus page ids, bounds, key order and revision keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from kubehop.errors import SnapshotError
from kubehop.etcd.bbolt import ELEMENT_SIZE, PAGE_HEADER, TRAILER_SIZE, BoltFile

_CHUNK = 8 << 20


@dataclass(frozen=True)
class VerifyResult:
    path: str
    file_size: int
    has_trailer: bool
    sha256: str  # of the bbolt body; equals the trailer when there is one
    pages: int  # pages reached from the root
    buckets: int
    entries: int
    revision: int
    sidecar_matches: bool = False  # a backup record beside the file names this SHA-256


def body_sha256(bolt: BoltFile) -> bytes:
    digest = hashlib.sha256()
    view = memoryview(bolt.mm)
    try:
        for start in range(0, bolt.body_size, _CHUNK):
            digest.update(view[start : min(start + _CHUNK, bolt.body_size)])
    finally:
        view.release()
    return digest.digest()


def check_trailer(bolt: BoltFile, require: bool = True) -> str:
    """Hex SHA-256 of the body; raises when the trailer is missing (if required) or differs."""
    digest = body_sha256(bolt)
    if not bolt.has_trailer:
        if require:
            raise SnapshotError(
                f"{bolt.path}: no SHA-256 trailer ({bolt.file_size} bytes, size % 512 != 32): not a complete "
                "`etcdctl snapshot save` file (truncated, a .part leftover, or a raw member/snap/db copy)"
            )
        return digest.hex()
    trailer = bolt.mm[bolt.file_size - TRAILER_SIZE : bolt.file_size]
    if trailer != digest:
        raise SnapshotError(
            f"{bolt.path}: SHA-256 mismatch: the trailer says {trailer.hex()} but the contents hash to "
            f"{digest.hex()} (the file is corrupt or was modified after it was saved)"
        )
    if bolt.size != bolt.body_size:
        raise SnapshotError(
            f"{bolt.path}: the database is {bolt.size} bytes but the body before the trailer is {bolt.body_size}"
        )
    return digest.hex()


def walk(bolt: BoltFile) -> tuple[int, int, int, int]:
    """Visit every reachable page with strict checks; returns (pages, buckets, entries, revision)."""
    seen: set[int] = set()
    entries = revision = 0
    buckets = bolt.buckets()
    previous_bucket = b""
    for name, root, inline in buckets:
        if name <= previous_bucket and previous_bucket:
            raise SnapshotError(f"{bolt.path}: buckets out of order at {name!r}")
        previous_bucket = name
        last_key = b""
        for page in bolt.leaf_pages(root, inline, seen):
            base = page.offset + PAGE_HEADER
            span_end = page.offset + bolt.page_size if root == 0 else None
            if span_end is None:
                overflow = int.from_bytes(bolt.mm[page.offset + 12 : page.offset + 16], "little")
                span_end = page.offset + (overflow + 1) * bolt.page_size
            els = page.elements
            for i in range(page.entries):
                j = 4 * i
                start = base + ELEMENT_SIZE * i + els[j + 1]
                end = start + els[j + 2] + els[j + 3]
                if start < base + ELEMENT_SIZE * page.entries or end > span_end:
                    raise SnapshotError(f"{bolt.path}: bucket {name.decode()!r}: element {i} of the page at "
                                        f"byte {page.offset} lies outside its page")
                key = bolt.mm[start : start + els[j + 2]]
                if last_key and key <= last_key:
                    raise SnapshotError(f"{bolt.path}: bucket {name.decode()!r}: keys out of order at {key!r}")
                last_key = key
                if els[j] & 1:
                    raise SnapshotError(f"{bolt.path}: bucket {name.decode()!r} has a nested bucket {key!r}")
                if name == b"key":
                    if len(key) not in (17, 18) or key[8] != 0x5F:
                        raise SnapshotError(f"{bolt.path}: malformed revision key {key.hex()} in bucket 'key'")
                    revision = int.from_bytes(key[:8], "big")
            entries += page.entries
    return len(seen), len(buckets), entries, revision


def check_sidecar(path: Path, digest: str) -> bool:
    """Compare with the SHA-256 `kubehop etcd backup` recorded in PATH.meta.json, when there is one."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.is_file():
        return False
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8")).get("sha256")
    except (OSError, ValueError, AttributeError) as exc:
        raise SnapshotError(f"{sidecar}: unreadable backup record: {exc}") from exc
    if recorded != digest:
        raise SnapshotError(f"{path}: SHA-256 {digest} differs from {recorded} recorded in {sidecar} at backup "
                            "time: this is not the file that was backed up")
    return True


def verify_snapshot(path: str | os.PathLike[str], require_trailer: bool = True) -> VerifyResult:
    with BoltFile(path) as bolt, bolt.guard():
        digest = check_trailer(bolt, require_trailer)
        sidecar = check_sidecar(bolt.path, digest)
        pages, buckets, entries, revision = walk(bolt)
        if not any(name == b"key" for name, _r, _i in bolt.buckets()):
            raise SnapshotError(f"{bolt.path}: no 'key' bucket: this bbolt file is not an etcd v3 database")
        return VerifyResult(str(bolt.path), bolt.file_size, bolt.has_trailer, digest, pages, buckets,
                            entries, revision, sidecar)
