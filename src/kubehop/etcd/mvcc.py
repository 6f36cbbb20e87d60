"""etcd's mvcc layer on top of bbolt: revision keys, mvccpb.KeyValue, latest state, HashKV.

Bucket `key` maps 17-byte revisions (8-byte BE main, '_', 8-byte BE sub; an 18th byte 't' marks a
tombstone) to KeyValue{key=1, create_revision=2, mod_revision=3, version=4, value=5, lease=6}
(reference §3.2).
"""

from __future__ import annotations

import mmap
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

import crc32c

from kubehop.errors import SnapshotError
from kubehop.etcd import pb
from kubehop.etcd.bbolt import BoltFile

KEY_BUCKET = b"key"
VALUE_HEAD = 64  # bytes of each value that `live_records` hands out with it
META_BUCKET = b"meta"
_REVISION = struct.Struct(">Q")


@dataclass(frozen=True)
class Revision:
    main: int
    sub: int
    tombstone: bool


def parse_revision(raw: bytes) -> Revision:
    if len(raw) not in (17, 18) or raw[8] != 0x5F or (len(raw) == 18 and raw[17] != 0x74):
        raise SnapshotError(f"malformed revision key {raw.hex()}")
    return Revision(_REVISION.unpack_from(raw, 0)[0], _REVISION.unpack_from(raw, 9)[0], len(raw) == 18)


@dataclass(frozen=True)
class KeyValue:
    key: bytes
    create_revision: int = 0
    mod_revision: int = 0
    version: int = 0
    value: bytes = b""
    lease: int = 0


def decode_key_value(buf: bytes) -> KeyValue:
    key = b""
    value = b""
    ints = {2: 0, 3: 0, 4: 0, 6: 0}
    for number, _wire, field in pb.fields(buf):
        if number == 1 and isinstance(field, bytes):
            key = field
        elif number == 5 and isinstance(field, bytes):
            value = field
        elif number in ints and isinstance(field, int):
            ints[number] = pb.signed64(field)
    return KeyValue(key, ints[2], ints[3], ints[4], value, ints[6])


def user_key(buf: bytes) -> bytes:
    """The KeyValue's key without decoding the rest (it is always field 1, written first)."""
    if not buf or buf[0] != 0x0A:
        return decode_key_value(buf).key if buf else b""
    size, pos = pb.read_varint(buf, 1)
    return bytes(buf[pos : pos + size])


def revisions(bolt: BoltFile) -> Iterator[tuple[bytes, int, int]]:
    """(revision key, value offset, value length) of bucket `key`, in revision order."""
    return bolt.items(KEY_BUCKET)


def _skip_varint(buf: bytes | mmap.mmap, pos: int) -> int:
    while buf[pos] & 0x80:
        pos += 1
    return pos + 1


def locate_key_value(buf: mmap.mmap, pos: int, end: int) -> tuple[int, int, int, int]:
    """(key start, key end, value start, value end) of a KeyValue record at buf[pos:end].

    A hand-rolled loop over the wire format: this runs once per record of the `key` bucket.
    """
    kstart = kend = vstart = vend = pos
    while pos < end:
        tag = buf[pos]
        pos += 1
        if tag == 0x0A or tag == 0x2A:  # key (1) / value (5): length-delimited
            size = buf[pos]
            pos += 1
            if size & 0x80:
                size, pos = pb.read_varint(buf, pos - 1)  # type: ignore[arg-type]
            if tag == 0x0A:
                kstart, kend = pos, pos + size
            else:
                vstart, vend = pos, pos + size
            pos += size
        elif tag in (0x10, 0x18, 0x20, 0x30):  # create_revision, mod_revision, version, lease
            pos = _skip_varint(buf, pos)
        else:
            kv = decode_key_value(buf[pos - 1 : end])
            raise SnapshotError(f"unexpected field in KeyValue for key {kv.key!r} (tag {tag:#x})")
    if pos != end:
        raise SnapshotError("KeyValue record runs past its end")
    return kstart, kend, vstart, vend


def latest_state(bolt: BoltFile) -> dict[bytes, int]:
    """Live user keys -> `revision << 96 | value offset << 32 | value length` of their newest value.

    Keys whose newest record is a tombstone are dropped. One int per key keeps memory proportional to
    the number of keys, never to the size of the values.
    """
    mm = bolt.mm
    live: dict[bytes, int] = {}
    for key, _head, offset, size, record in live_records(bolt):
        live.setdefault(key, int.from_bytes(mm[record : record + 8], "big") << 96 | offset << 32 | size)
    return live


def live_records(bolt: BoltFile) -> Iterator[tuple[bytes, bytes, int, int, int]]:
    """(user key, value head, value offset, value length, record offset) of the newest live record of every
    key, newest key first; keys whose newest record is a tombstone are skipped. The head is at most
    VALUE_HEAD bytes from the value's start (past a shorter value it can hold the record's next field);
    `record_revision` reads the record's revision.

    Walking the revisions newest first, a key's first record is its newest. Memory stays small: only keys
    that can have older records still ahead are remembered. A live record created at its own revision
    (version 1) is the first of its generation, and any older generation that survived compaction ends
    with a tombstone, which is met first; a record at or below the finished compaction revision is the
    only record of its key there (etcd keeps one revision per key at or below it). These are etcd's own
    invariants; only a damaged file that breaks them can make a key repeat.
    """
    with bolt.guard():
        yield from _live_records(bolt)


def _live_records(bolt: BoltFile) -> Iterator[tuple[bytes, bytes, int, int, int]]:
    mm = bolt.mm
    compacted = compact_revision(bolt)
    compacted_key = compacted.to_bytes(8, "big") if compacted >= 0 else b""
    below = False  # every record from here on is at or below the compaction revision
    remembered: set[bytes] = set()
    patterns, sizes = _RECORD_PATTERNS, _VARINTS
    for page in bolt.leaf_pages(*(bolt.bucket(KEY_BUCKET) or (0, -1)), descending=True):
        els = page.elements
        base = page.offset + 16
        last = 4 * page.entries - 4
        if compacted_key and not below and last >= 0:
            newest = base + 4 * last + els[last + 1]
            below = mm[newest : newest + 8] <= compacted_key
        for j in range(last, -4, -4):
            start = base + 4 * j + els[j + 1]
            ksize = els[j + 2]
            voff = start + ksize
            end = voff + els[j + 3]
            # fast path: a 17-byte (live) revision key, a key shorter than 128 bytes, a value under 16 kB
            found = patterns[mm[voff + 1]].match(mm, voff, end) if ksize == 17 else None
            if found is not None:
                key, version, varint, head = found.groups()
                vstart = found.end()
                size = sizes[varint]
            if found is None or vstart + size > end:
                record = _slow_record(bolt, start, voff, end)
                if record is None:
                    continue  # `restore --bump-revision` marker entry (reference §1.5)
                key, vstart, size = record
                head, version = mm[vstart : vstart + min(size, VALUE_HEAD)], None
                if ksize == 18:  # tombstone: the key is deleted, its older records are history
                    remembered.add(key)
                    continue
            if key in remembered:
                continue
            if not below and version != b"\x01":
                remembered.add(key)
            yield key, head, vstart, size, start


def _slow_record(bolt: BoltFile, start: int, voff: int, end: int) -> tuple[bytes, int, int] | None:
    """(key, value offset, value length) of any KeyValue record; None for an empty marker entry."""
    if end == voff:
        return None
    try:
        kstart, kend, vstart, vend = locate_key_value(bolt.mm, voff, end)
    except (SnapshotError, IndexError) as exc:
        raise SnapshotError(f"{bolt.path}: record {bolt.mm[start : voff].hex()} in bucket 'key': {exc}") from exc
    return bolt.mm[kstart:kend], vstart, vend - vstart


class _RecordPatterns(dict[int, re.Pattern[bytes]]):
    """Key length byte -> a pattern for a KeyValue with a key that long, up to the start of its value.

    Groups: key, version varint (absent for version 0), value length varint (one or two bytes), and the
    first VALUE_HEAD bytes after it. A length byte of 128 or more (a longer key) never matches.
    """

    def __missing__(self, key_length: int) -> re.Pattern[bytes]:
        if key_length >= 0x80:
            pattern = re.compile(rb"(?!)()()()()")
        else:
            pattern = re.compile(
                rb"\x0a" + re.escape(bytes([key_length])) + b"(.{%d})" % key_length
                + rb"\x10[\x80-\xff]{0,9}[\x00-\x7f]\x18[\x80-\xff]{0,9}[\x00-\x7f]"
                + rb"(?:\x20([\x80-\xff]{0,9}[\x00-\x7f]))?\x2a([\x80-\xff]?[\x00-\x7f])"
                + b"(?=(.{0,%d}))" % VALUE_HEAD, re.DOTALL)
        self[key_length] = pattern
        return pattern


class _Varints(dict[bytes, int]):
    """One- and two-byte varints -> their values, filled as they are met."""

    def __missing__(self, varint: bytes) -> int:
        value = self[varint] = varint[0] & 0x7F | (varint[1] << 7 if len(varint) > 1 else 0)
        return value


_RECORD_PATTERNS = _RecordPatterns()
_VARINTS = _Varints()


def record_revision(bolt: BoltFile, record_offset: int) -> int:
    """The main revision of the `key` bucket record at `record_offset` (from `live_records`)."""
    return int.from_bytes(bolt.mm[record_offset : record_offset + 8], "big")


def revision_of(packed: int) -> int:
    return packed >> 96


def value_of(bolt: BoltFile, packed: int) -> bytes:
    offset = (packed >> 32) & 0xFFFFFFFFFFFFFFFF
    return bolt.mm[offset : offset + (packed & 0xFFFFFFFF)]


def compact_revision(bolt: BoltFile) -> int:
    """meta/finishedCompactRev, or -1 when the store was never compacted (as etcd reports it)."""
    for key, voff, vlen in bolt.items(META_BUCKET):
        if key == b"finishedCompactRev" and vlen >= 8:
            return int(_REVISION.unpack_from(bolt.mm, voff)[0])
    return -1


def cluster_version(bolt: BoltFile) -> str:
    """cluster/clusterVersion as the snapshot recorded it (e.g. "3.5.0"); empty when absent."""
    for key, voff, vlen in bolt.items(b"cluster"):
        if key == b"clusterVersion":
            return bolt.value(voff, vlen).decode("ascii", "replace")
    return ""


@dataclass(frozen=True)
class KeyspaceHash:
    """etcd's HashKV over the mvcc keyspace; equal to `etcdctl endpoint hashkv` at `revision`."""

    hash: int
    revision: int
    compact_revision: int


def hash_kv(bolt: BoltFile, revision: int = 0) -> KeyspaceHash:
    with bolt.guard():
        return _hash_kv(bolt, revision)


def _hash_kv(bolt: BoltFile, revision: int) -> KeyspaceHash:
    compact = compact_revision(bolt)
    crc = crc32c.crc32c(KEY_BUCKET)
    newest = 0
    mm = bolt.mm
    for rev, voff, vlen in revisions(bolt):
        main = _REVISION.unpack_from(rev, 0)[0]
        if revision and main > revision:
            break
        if main == compact and len(rev) == 18:
            continue  # compaction does not keep a tombstone at the compact revision
        crc = crc32c.crc32c(rev, crc)
        crc = crc32c.crc32c(mm[voff : voff + vlen], crc)
        newest = main
    return KeyspaceHash(crc, revision or newest, compact)
