"""Protocol-buffers wire format, by hand: parse a message into fields that re-serialise byte for byte.

Each parsed field keeps its original bytes, so a message rewritten with a few fields replaced keeps
every other field (unknown ones included) exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


@dataclass(frozen=True)
class Field:
    number: int
    wire_type: int
    value: int | bytes
    raw: bytes

    @property
    def data(self) -> bytes:
        if not isinstance(self.value, bytes):
            raise WireError(f"field {self.number} is not length-delimited")
        return self.value

    @property
    def number_value(self) -> int:
        if isinstance(self.value, bytes):
            raise WireError(f"field {self.number} is length-delimited, not a number")
        return self.value


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise WireError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise WireError("varint longer than 10 bytes")


def write_varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # negative int32/int64 are sent as 10-byte two's complement
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def parse(buf: bytes) -> list[Field]:
    fields: list[Field] = []
    pos = 0
    while pos < len(buf):
        start = pos
        tag, pos = read_varint(buf, pos)
        number, wire_type = tag >> 3, tag & 7
        if number == 0:
            raise WireError("field number 0")
        value: int | bytes
        if wire_type == VARINT:
            value, pos = read_varint(buf, pos)
        elif wire_type == LENGTH:
            size, pos = read_varint(buf, pos)
            if pos + size > len(buf):
                raise WireError(f"field {number} runs past the end of the message")
            value, pos = buf[pos:pos + size], pos + size
        elif wire_type in (FIXED64, FIXED32):
            width = 8 if wire_type == FIXED64 else 4
            if pos + width > len(buf):
                raise WireError(f"field {number} runs past the end of the message")
            value, pos = int.from_bytes(buf[pos:pos + width], "little"), pos + width
        else:
            raise WireError(f"unsupported wire type {wire_type} for field {number}")
        fields.append(Field(number, wire_type, value, buf[start:pos]))
    return fields


def serialize(fields: Iterable[Field]) -> bytes:
    return b"".join(f.raw for f in fields)


def make_varint(number: int, value: int) -> Field:
    return Field(number, VARINT, value, write_varint(number << 3 | VARINT) + write_varint(value))


def make_bytes(number: int, value: bytes) -> Field:
    return Field(number, LENGTH, value, write_varint(number << 3 | LENGTH) + write_varint(len(value)) + value)


def last(fields: Sequence[Field], number: int) -> Field | None:
    """proto3: the last occurrence of a singular field wins."""
    for f in reversed(fields):
        if f.number == number:
            return f
    return None


def text(fields: Sequence[Field], number: int) -> str:
    f = last(fields, number)
    if f is None:
        return ""
    try:
        return f.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WireError(f"field {number} is not UTF-8 text") from exc


def integer(fields: Sequence[Field], number: int, bits: int = 32) -> int:
    f = last(fields, number)
    if f is None:
        return 0
    value = f.number_value & ((1 << bits) - 1)
    return value - (1 << bits) if value >> (bits - 1) else value


def message(fields: Sequence[Field], number: int) -> list[Field]:
    f = last(fields, number)
    return parse(f.data) if f is not None else []


def repeated_messages(fields: Sequence[Field], number: int) -> Iterator[list[Field]]:
    for f in fields:
        if f.number == number:
            yield parse(f.data)


def repeated_varints(fields: Sequence[Field], number: int) -> list[int]:
    """Packed (proto3 default) or unpacked repeated enums."""
    values: list[int] = []
    for f in fields:
        if f.number != number:
            continue
        if f.wire_type == VARINT:
            values.append(f.number_value)
            continue
        pos, data = 0, f.data
        while pos < len(data):
            value, pos = read_varint(data, pos)
            values.append(value)
    return values


def replace(fields: Sequence[Field], new: Field | None, number: int) -> list[Field]:
    """Drop every occurrence of `number` and put `new` (None = leave it absent) in field-number order."""
    kept = [f for f in fields if f.number != number]
    if new is None:
        return kept
    for index, f in enumerate(kept):
        if f.number > number:
            return [*kept[:index], new, *kept[index:]]
    return [*kept, new]
