from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubehop.helm import wire
from tests.helm.factories import helm2_proto


@given(st.integers(0, 2**64 - 1))
def test_varint_roundtrip(value: int) -> None:
    encoded = wire.write_varint(value)
    assert wire.read_varint(encoded, 0) == (value, len(encoded))


def test_negative_int32_is_ten_bytes_and_reads_back() -> None:
    field = wire.make_varint(7, -5)
    assert len(field.raw) == 11
    assert wire.integer(wire.parse(field.raw), 7) == -5


def test_parse_serialize_is_byte_exact_on_protoc_output() -> None:
    data = helm2_proto(hooks=[{"name": "h", "events": [1, 2, 11], "weight": -3, "delete_timeout": 2**40}])
    raw = data.SerializeToString()
    assert wire.serialize(wire.parse(raw)) == raw


def test_replace_keeps_field_order() -> None:
    fields = [wire.make_varint(1, 1), wire.make_varint(3, 3)]
    assert [f.number for f in wire.replace(fields, wire.make_varint(2, 2), 2)] == [1, 2, 3]
    assert [f.number for f in wire.replace(fields, None, 1)] == [3]


def test_packed_and_unpacked_repeated_enums() -> None:
    packed = wire.make_bytes(5, bytes([1, 5]))
    unpacked = [wire.make_varint(5, 1), wire.make_varint(5, 5)]
    assert wire.repeated_varints([packed], 5) == wire.repeated_varints(unpacked, 5) == [1, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x08", "truncated varint"), (b"\x12\x05ab", "runs past the end"), (b"\x0b", "unsupported wire type"),
     (b"\x00\x01", "field number 0"), (b"\x08" + b"\xff" * 11, "longer than 10 bytes")],
)
def test_malformed_messages(data: bytes, message: str) -> None:
    with pytest.raises(wire.WireError, match=message):
        wire.parse(data)
