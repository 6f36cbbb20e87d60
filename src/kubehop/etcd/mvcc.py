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
    with bolt.guard():
        return _latest_state(bolt)


def _latest_state(bolt: BoltFile) -> dict[bytes, int]:
    live: dict[bytes, int] = {}
    mm = bolt.mm
    match = _REVISIONS_THEN_VALUE.match
    for page in bolt.leaf_pages(*(bolt.bucket(KEY_BUCKET) or (0, -1))):
        els = page.elements
        base = page.offset + 16
        for i in range(page.entries):
            j = 4 * i
            start = base + 16 * i + els[j + 1]
            ksize = els[j + 2]
            voff = start + ksize
            vlen = els[j + 3]
            if vlen == 0:
                continue  # `restore --bump-revision` marker entry (reference §1.5)
            head = mm[voff : voff + 128]
            # fast path, inlined: key < 128 bytes, then the revision varints and the value header
            klen = head[1] if head[0] == 0x0A else 0x80
            found = match(head, 2 + klen) if klen < 0x80 and 2 + klen < vlen else None
            size = -1
            if found is not None:
                varint = found.group(1)
                if len(varint) == 1:
                    size = varint[0]
                elif len(varint) == 2:
                    size = (varint[0] & 0x7F) | varint[1] << 7
                if found.end() + size > vlen:
                    size = -1
            if size >= 0 and found is not None:
                key = head[2 : 2 + klen]
                vstart, vsize = voff + found.end(), size
            else:
                try:
                    kstart, kend, vstart, vend = locate_key_value(mm, voff, voff + vlen)
                except (SnapshotError, IndexError) as exc:
                    raise SnapshotError(f"{bolt.path}: record {mm[start : start + ksize].hex()} in bucket 'key': "
                                        f"{exc}") from exc
                key, vsize = mm[kstart:kend], vend - vstart
            if ksize == 18:
                live.pop(key, None)
            else:
                live[key] = int.from_bytes(mm[start : start + 8], "big") << 96 | vstart << 32 | vsize
    return live


# After the key: create_revision, mod_revision, [version,] then the value's tag and length varint.
_REVISIONS_THEN_VALUE = re.compile(
    rb"\x10[\x80-\xff]{0,9}[\x00-\x7f]\x18[\x80-\xff]{0,9}[\x00-\x7f]"
    rb"(?:\x20[\x80-\xff]{0,9}[\x00-\x7f])?\x2a([\x80-\xff]{0,4}[\x00-\x7f])",
    re.DOTALL,
)


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
