"""`etcdutl snapshot status` computed by kubehop's own reader, printed exactly as etcdutl prints it.

hash: CRC-32C over every top-level bucket's name, then each entry's key and value, in bbolt order;
revision: main revision of the last key in bucket `key`; total keys: all entries of all buckets
(etcd <= 3.5); total size: pgid * pageSize (reference §1.4).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import crc32c

from kubehop.errors import SnapshotError, UsageError
from kubehop.etcd.bbolt import ELEMENT_SIZE, PAGE_HEADER, BoltFile, LeafPage

STATUS_FORMATS = ("simple", "table", "json", "fields")
_REV_MAIN = struct.Struct(">Q")


@dataclass(frozen=True)
class SnapshotStatus:
    hash: int
    revision: int
    total_keys: int
    total_size: int


def _page_crc(bolt: BoltFile, page: LeafPage, crc: int) -> int:
    """Feed a leaf page's keys and values into `crc`.

    bbolt packs k0 v0 k1 v1 ... contiguously after the element array, so one call over the span
    suffices when the sizes add up; otherwise fall back to one call per key and value.
    """
    els = page.elements
    count = page.entries
    if count == 0:
        return crc
    base = page.offset + PAGE_HEADER
    first = base + els[1]
    last = 4 * (count - 1)
    end = base + ELEMENT_SIZE * (count - 1) + els[last + 1] + els[last + 2] + els[last + 3]
    if end - first == sum(els[2::4]) + sum(els[3::4]):
        return crc32c.crc32c(bolt.mm[first:end], crc)
    mm = bolt.mm
    for i in range(count):
        j = 4 * i
        start = base + ELEMENT_SIZE * i + els[j + 1]
        crc = crc32c.crc32c(mm[start : start + els[j + 2] + els[j + 3]], crc)
    return crc


def snapshot_status(bolt: BoltFile) -> SnapshotStatus:
    with bolt.guard():
        return _status(bolt)


def _status(bolt: BoltFile) -> SnapshotStatus:
    crc = 0
    total = 0
    revision = 0
    for name, root, inline in bolt.buckets():
        crc = crc32c.crc32c(name, crc)
        last_page: LeafPage | None = None
        for page in bolt.leaf_pages(root, inline):
            crc = _page_crc(bolt, page, crc)
            total += page.entries
            if page.entries:
                last_page = page
        if name == b"key" and last_page is not None:
            key, _flags, _voff, _vlen = list(bolt.page_items(last_page))[-1]
            if len(key) < 8:
                raise SnapshotError(f"{bolt.path}: malformed revision key {key.hex()} in bucket 'key'")
            revision = _REV_MAIN.unpack_from(key)[0]
    return SnapshotStatus(hash=crc, revision=revision, total_keys=total, total_size=bolt.size)


def humanize_bytes(size: int) -> str:
    """go-humanize Bytes(): SI units, one decimal below 10 ("20 kB", "1.1 GB")."""
    if size < 10:
        return f"{size} B"
    units = ("B", "kB", "MB", "GB", "TB", "PB", "EB")
    exp = 0
    scaled = float(size)
    while scaled >= 1000 and exp < len(units) - 1:
        scaled /= 1000
        exp += 1
    value = int(size / 1000**exp * 10 + 0.5) / 10
    return f"{value:.1f} {units[exp]}" if value < 10 else f"{value:.0f} {units[exp]}"


def _table(headers: list[str], row: list[str]) -> str:
    """Go tablewriter with etcdctl's settings: centred headers, right-aligned cells."""
    widths = [max(len(h), len(c)) + 2 for h, c in zip(headers, row, strict=True)]
    sep = "+" + "+".join("-" * w for w in widths) + "+"

    def centre(text: str, width: int) -> str:
        pad = width - len(text)
        left = pad // 2
        return " " * left + text + " " * (pad - left)

    head = "|" + "|".join(centre(h, w) for h, w in zip(headers, widths, strict=True)) + "|"
    body = "|" + "|".join(" " + c.rjust(w - 2) + " " for c, w in zip(row, widths, strict=True)) + "|"
    return "\n".join([sep, head, sep, body, sep]) + "\n"


def render_status(status: SnapshotStatus, fmt: str) -> str:
    if fmt == "simple":
        return f"{status.hash:x}, {status.revision}, {status.total_keys}, {humanize_bytes(status.total_size)}\n"
    if fmt == "table":
        return _table(
            ["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"],
            [f"{status.hash:x}", str(status.revision), str(status.total_keys), humanize_bytes(status.total_size)],
        )
    if fmt == "json":
        return json.dumps(
            {"hash": status.hash, "revision": status.revision, "totalKey": status.total_keys,
             "totalSize": status.total_size},
            separators=(",", ":"),
        ) + "\n"
    if fmt == "fields":
        return (
            f'"Hash" : {status.hash}\n"Revision" : {status.revision}\n'
            f'"Keys" : {status.total_keys}\n"Size" : {status.total_size}\n'
        )
    raise UsageError(f"unknown status format {fmt!r} (choose from {', '.join(STATUS_FORMATS)})")
