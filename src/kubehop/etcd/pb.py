"""Minimal protobuf wire-format reader: enough for mvccpb.KeyValue and Kubernetes envelopes."""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.errors import SnapshotError

VARINT = 0
FIXED64 = 1
BYTES = 2
FIXED32 = 5


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    """Decode one varint at `pos`; returns (value, next position)."""
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise SnapshotError("protobuf: truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise SnapshotError("protobuf: varint too long")


def fields(buf: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value): ints for varint/fixed, bytes for length-delimited."""
    pos = 0
    end = len(buf)
    while pos < end:
        tag, pos = read_varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == VARINT:
            value, pos = read_varint(buf, pos)
            yield number, wire, value
        elif wire == BYTES:
            size, pos = read_varint(buf, pos)
            if pos + size > end:
                raise SnapshotError(f"protobuf: field {number} runs past the end ({size} bytes)")
            yield number, wire, buf[pos : pos + size]
            pos += size
        elif wire == FIXED64:
            yield number, wire, int.from_bytes(buf[pos : pos + 8], "little")
            pos += 8
        elif wire == FIXED32:
            yield number, wire, int.from_bytes(buf[pos : pos + 4], "little")
            pos += 4
        else:
            raise SnapshotError(f"protobuf: unsupported wire type {wire} for field {number}")
    if pos != end:
        raise SnapshotError("protobuf: message truncated")


def signed64(value: int) -> int:
    """int64 fields are varints of the two's complement."""
    return value - (1 << 64) if value >= 1 << 63 else value


def as_text(value: int | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
