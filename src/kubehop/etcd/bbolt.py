"""Read-only bbolt reader over an mmap: meta pages, bucket trees, leaf pages.

Layout facts (all integers little-endian): 16-byte page header, 64-byte meta at offset 16 of pages
0 and 1, 16-byte branch/leaf elements whose `pos` counts from the element itself, inline buckets
with root 0 (shared/reference/etcd-backup-restore-and-snapshots.md §3.1). The file is never opened
for writing: old etcdctl 3.2 broke snapshot hashes by doing so.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from kubehop.errors import SnapshotError
from kubehop.readfile import check_regular

MAGIC = 0xED0CDAED
VERSION = 2
PAGE_HEADER = 16
ELEMENT_SIZE = 16
BUCKET_HEADER = 16
BRANCH_PAGE = 0x01
LEAF_PAGE = 0x02
META_PAGE = 0x04
FREELIST_PAGE = 0x10
BUCKET_LEAF_FLAG = 0x01
TRAILER_SIZE = 32  # SHA-256 appended by the etcd server to `snapshot save` streams

_HEADER = struct.Struct("<QHHI")
_META = struct.Struct("<IIIIQQQQQQ")
_BUCKET = struct.Struct("<QQ")
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3


@lru_cache(maxsize=4096)
def _elements(count: int) -> struct.Struct:
    """One struct that unpacks all `count` 16-byte elements of a page as u32 quadruples."""
    return struct.Struct(f"<{4 * count}I")


def fnv1a64(data: bytes) -> int:
    value = _FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return value


@dataclass(frozen=True)
class Meta:
    page_size: int
    root: int
    freelist: int
    pgid: int
    txid: int


class LeafPage(NamedTuple):
    """A leaf page (or an inline bucket's fake page) at `offset`, with its elements unpacked.

    `elements` is the flat tuple (flags, pos, ksize, vsize) * count; key i starts at
    offset + 16 + 16*i + pos_i and its value follows the key. A NamedTuple: one is made per page.
    """

    offset: int
    entries: int
    elements: tuple[int, ...]


class BoltFile:
    """A bbolt database (optionally with etcd's SHA-256 trailer) mapped read-only."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            check_regular(self.path)  # a FIFO or device would block or never end
            self._fh = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise SnapshotError(f"{self.path}: cannot open: {exc.strerror}") from exc
        try:
            self.file_size = os.fstat(self._fh.fileno()).st_size
            if self.file_size < 2 * 1024:
                raise SnapshotError(f"{self.path}: {self.file_size} bytes is too small to be an etcd snapshot")
            self.mm = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ)
        except BaseException:
            self._fh.close()
            raise
        self.has_trailer = self.file_size % 512 == TRAILER_SIZE
        self.body_size = self.file_size - TRAILER_SIZE if self.has_trailer else self.file_size
        try:
            self.meta = self._choose_meta()
        except BaseException:
            self.close()
            raise
        self.page_size = self.meta.page_size
        self.size = self.meta.pgid * self.page_size  # bbolt tx.Size()
        if self.size > self.body_size:
            self.close()
            raise SnapshotError(
                f"{self.path}: truncated: the database needs {self.size} bytes "
                f"({self.meta.pgid} pages of {self.page_size}) but the file holds {self.body_size}"
            )

    def close(self) -> None:
        if getattr(self, "mm", None) is not None and not self.mm.closed:
            self.mm.close()
        self._fh.close()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn the low-level errors a damaged page can still provoke into a SnapshotError naming the file."""
        try:
            yield
        except (struct.error, IndexError, OverflowError, ValueError) as exc:
            raise SnapshotError(f"{self.path}: corrupt database: {exc}") from exc

    def __enter__(self) -> BoltFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- meta -----------------------------------------------------------------------------------

    def _read_meta(self, offset: int) -> Meta | str:
        if offset + PAGE_HEADER + _META.size > self.file_size:
            return "beyond end of file"
        _pgid, flags, _count, _overflow = _HEADER.unpack_from(self.mm, offset)
        magic, version, page_size, _flags, root, _seq, freelist, pgid, txid, checksum = _META.unpack_from(
            self.mm, offset + PAGE_HEADER
        )
        if magic != MAGIC:
            return "not a bbolt file (bad magic)"
        if version != VERSION:
            return f"unsupported bbolt version {version}"
        if fnv1a64(self.mm[offset + 16 : offset + 72]) != checksum:
            return "meta page checksum mismatch"
        if not flags & META_PAGE:
            return "meta page has no meta flag"
        if page_size < 512 or page_size & (page_size - 1):
            return f"invalid page size {page_size}"
        return Meta(page_size=page_size, root=root, freelist=freelist, pgid=pgid, txid=txid)

    def _choose_meta(self) -> Meta:
        first = self._read_meta(0)
        if isinstance(first, str):
            # bbolt looks for meta 1 at power-of-two offsets when meta 0 is unreadable
            second: Meta | str = first
            for shift in range(15):
                second = self._read_meta(1024 << shift)
                if isinstance(second, Meta):
                    break
            if isinstance(second, Meta):
                return second
            raise SnapshotError(f"{self.path}: {first}")
        second = self._read_meta(first.page_size)
        if isinstance(second, Meta) and second.txid > first.txid:
            return second
        return first

    # -- pages ----------------------------------------------------------------------------------

    def leaf_pages(self, root: int, inline_offset: int = -1, seen: set[int] | None = None,
                   descending: bool = False) -> Iterator[LeafPage]:
        """Leaf pages of one B+tree in key order (last key first if `descending`); `inline_offset` is used
        when `root` is 0."""
        if root == 0:
            if inline_offset < 0:
                return
            _id, flags, count, _ovf = _HEADER.unpack_from(self.mm, inline_offset)
            if count and not flags & LEAF_PAGE:
                raise SnapshotError(f"{self.path}: inline bucket at byte {inline_offset} is not a leaf")
            yield self._leaf(inline_offset, count, inline_offset + self.page_size)
            return
        stack = [root]
        mm = self.mm
        page_size = self.page_size
        high_water = self.meta.pgid
        header = _HEADER.unpack_from
        elements_of = _elements
        new_tuple = tuple.__new__
        size = self.size
        while stack:
            pgid = stack.pop()
            if seen is not None:
                if pgid in seen:
                    raise SnapshotError(f"{self.path}: page {pgid} is referenced twice")
                seen.add(pgid)
            if pgid < 2 or pgid >= high_water:
                raise SnapshotError(f"{self.path}: page {pgid} is outside the database (0..{high_water - 1})")
            offset = pgid * page_size
            page_id, flags, count, overflow = header(mm, offset)
            if page_id != pgid:
                raise SnapshotError(f"{self.path}: page {pgid} has id {page_id} (corrupt page)")
            if pgid + overflow >= high_water:
                raise SnapshotError(f"{self.path}: page {pgid} overflows past the end of the database")
            end = offset + (overflow + 1) * page_size
            if flags & LEAF_PAGE:
                if count == 0:
                    yield new_tuple(LeafPage, (offset, 0, ()))
                    continue
                # _leaf inlined: this runs once per page of the largest bucket
                end = min(end, size)
                if offset + PAGE_HEADER + count * ELEMENT_SIZE > end:
                    raise SnapshotError(f"{self.path}: leaf page at byte {offset} has more elements than fit")
                elements = elements_of(count).unpack_from(mm, offset + PAGE_HEADER)
                if offset + ELEMENT_SIZE * count + elements[-3] + elements[-2] + elements[-1] > end:
                    raise SnapshotError(f"{self.path}: leaf page at byte {offset} points past its end")
                yield new_tuple(LeafPage, (offset, count, elements))
                continue
            if not flags & BRANCH_PAGE:
                raise SnapshotError(f"{self.path}: page {pgid} has unexpected type flags {flags:#x}")
            if offset + PAGE_HEADER + count * ELEMENT_SIZE > end:
                raise SnapshotError(f"{self.path}: branch page {pgid} has more elements than fit")
            fields = _elements(count).unpack_from(mm, offset + PAGE_HEADER)
            # branch element: pos u32, ksize u32, pgid u64 (as two u32 halves); the stack pops the last pushed
            children = range(2, 4 * count, 4) if descending else range(4 * count - 2, 0, -4)
            stack.extend([fields[i] | (fields[i + 1] << 32) for i in children])

    def _leaf(self, offset: int, count: int, end: int) -> LeafPage:
        if count == 0:
            return LeafPage(offset, 0, ())
        end = min(end, self.size)
        if offset + PAGE_HEADER + count * ELEMENT_SIZE > end:
            raise SnapshotError(f"{self.path}: leaf page at byte {offset} has more elements than fit")
        elements = _elements(count).unpack_from(self.mm, offset + PAGE_HEADER)
        # data is packed in element order, so the last element's value ends the page's data
        if offset + ELEMENT_SIZE * count + elements[-3] + elements[-2] + elements[-1] > end:
            raise SnapshotError(f"{self.path}: leaf page at byte {offset} points past its end")
        return LeafPage(offset, count, elements)

    # -- buckets --------------------------------------------------------------------------------

    def buckets(self) -> list[tuple[bytes, int, int]]:
        """Top-level buckets in key order: (name, root pgid, inline page offset or -1)."""
        found: list[tuple[bytes, int, int]] = []
        for page in self.leaf_pages(self.meta.root):
            for name, flags, voff, vlen in self.page_items(page):
                if not flags & BUCKET_LEAF_FLAG or vlen < BUCKET_HEADER:
                    raise SnapshotError(f"{self.path}: root entry {name!r} is not a bucket")
                root, _seq = _BUCKET.unpack_from(self.mm, voff)
                inline = voff + BUCKET_HEADER if root == 0 and vlen > BUCKET_HEADER else -1
                found.append((name, root, inline))
        return found

    def bucket(self, name: bytes) -> tuple[int, int] | None:
        for bname, root, inline in self.buckets():
            if bname == name:
                return root, inline
        return None

    def page_items(self, page: LeafPage) -> Iterator[tuple[bytes, int, int, int]]:
        """(key, flags, value offset, value length) for each element of a leaf page."""
        mm = self.mm
        els = page.elements
        base = page.offset + PAGE_HEADER
        for i in range(page.entries):
            j = 4 * i
            start = base + ELEMENT_SIZE * i + els[j + 1]
            ksize = els[j + 2]
            yield mm[start : start + ksize], els[j], start + ksize, els[j + 3]

    def items(self, name: bytes) -> Iterator[tuple[bytes, int, int]]:
        """(key, value offset, value length) of every entry of top-level bucket `name`, in order."""
        where = self.bucket(name)
        if where is None:
            return
        for page in self.leaf_pages(*where):
            for key, _flags, voff, vlen in self.page_items(page):
                yield key, voff, vlen

    def value(self, offset: int, length: int) -> bytes:
        return self.mm[offset : offset + length]
