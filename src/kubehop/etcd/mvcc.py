"""etcd's mvcc layer on top of bbolt: revision keys, mvccpb.KeyValue, latest state, HashKV.

Bucket `key` maps 17-byte revisions (8-byte BE main, '_', 8-byte BE sub; an 18th byte 't' marks a
tombstone) to KeyValue{key=1, create_revision=2, mod_revision=3, version=4, value=5, lease=6}
(reference §3.2).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

import crc32c

from kubehop.errors import SnapshotError
from kubehop.etcd import pb
from kubehop.etcd.bbolt import BoltFile

KEY_BUCKET = b"key"
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


def pack(offset: int, length: int) -> int:
    """One int per live key keeps the index small: value offset << 32 | value length."""
    return offset << 32 | length


def unpack(packed: int) -> tuple[int, int]:
    return packed >> 32, packed & 0xFFFFFFFF


def latest_state(bolt: BoltFile) -> dict[bytes, int]:
    """Live user keys -> packed location of their newest KeyValue; deleted keys are dropped.

    Only offsets are kept, so memory grows with the number of keys, not with the values' size.
    """
    live: dict[bytes, int] = {}
    mm = bolt.mm
    for rev, voff, vlen in revisions(bolt):
        if len(rev) == 17 and vlen == 0:
            continue  # `restore --bump-revision` marker entry (reference §1.5)
        key = user_key(mm[voff : voff + vlen])
        if len(rev) == 18:
            live.pop(key, None)
        else:
            live[key] = voff << 32 | vlen
    return live


def read_key_value(bolt: BoltFile, packed: int) -> KeyValue:
    offset, length = packed >> 32, packed & 0xFFFFFFFF
    return decode_key_value(bolt.mm[offset : offset + length])


def compact_revision(bolt: BoltFile) -> int:
    """meta/finishedCompactRev, or -1 when the store was never compacted (as etcd reports it)."""
    for key, voff, vlen in bolt.items(META_BUCKET):
        if key == b"finishedCompactRev" and vlen >= 8:
            return int(_REVISION.unpack_from(bolt.mm, voff)[0])
    return -1


@dataclass(frozen=True)
class KeyspaceHash:
    """etcd's HashKV over the mvcc keyspace; equal to `etcdctl endpoint hashkv` at `revision`."""

    hash: int
    revision: int
    compact_revision: int


def hash_kv(bolt: BoltFile, revision: int = 0) -> KeyspaceHash:
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
