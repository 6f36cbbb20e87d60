"""Helm's payload envelope, base64(gzip(bytes)), with bounded decompression."""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib

from kubehop.errors import HelmRecordError

GZIP_MAGIC = b"\x1f\x8b\x08"
# A Helm record is at most a few MiB once inflated; this bound stops a gzip bomb long before memory runs out.
DEFAULT_MAX_INFLATED = 256 * 1024 * 1024
# Deflate cannot expand data more than 1032-fold (a 258-byte match coded in 2 bits; zlib's technical notes).
MAX_DEFLATE_RATIO = 1032


def b64decode_go(text: str | bytes) -> bytes:
    """Decode as Go's base64.StdEncoding (hence Helm's decodeRelease) does: the padded standard alphabet,
    with CR and LF ignored anywhere ("New line characters (\\r and \\n) are ignored"), so a body wrapped
    at 64 or 76 columns, with CRLF or a final newline, is read. Anything else (spaces, other junk,
    missing or misplaced padding, data after it) is refused: binascii.Error, ValueError or
    UnicodeEncodeError."""
    data = text.encode("ascii") if isinstance(text, str) else text
    if b"\n" in data or b"\r" in data:
        data = data.translate(None, b"\r\n")
    return binascii.a2b_base64(data, strict_mode=True)


def b64decode_strict(text: str | bytes, *, key: str, what: str = "payload") -> bytes:
    """`b64decode_go`, with a decoding error reported as a HelmRecordError naming the record."""
    try:
        return b64decode_go(text)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise HelmRecordError(f"{what} is not base64 ({exc})", key=key) from exc


def gunzip_bounded(data: bytes, *, key: str, limit: int = DEFAULT_MAX_INFLATED) -> bytes:
    """Inflate every gzip member of `data`, refusing to produce more than `limit` bytes."""
    members: list[bytes] = []
    size = 0
    rest = data
    while rest:
        member, rest = _inflate_member(rest, limit - size, key=key, limit=limit)
        size += len(member)
        members.append(member)
    # One member is the rule (Helm writes one): hand its bytes on without copying them.
    return members[0] if len(members) == 1 else b"".join(members)


def _inflate_member(data: bytes, room: int, *, key: str, limit: int) -> tuple[bytes, bytes]:
    """The first gzip member of `data` inflated (at most `room` bytes), and the bytes after it."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        if len(data) * MAX_DEFLATE_RATIO <= room:
            # It cannot outgrow `room`: inflate it in one zlib call. flush() finishes the stream at once,
            # sparing zlib the window copies that a length-capped decompress makes block by block.
            head = inflater.decompress(data, 1)
            member, cut_short = head + inflater.flush(), False
        else:
            member = inflater.decompress(data, room + 1)
            cut_short = bool(inflater.unconsumed_tail)
    except zlib.error as exc:
        raise HelmRecordError(f"payload is not valid gzip ({exc})", key=key) from exc
    if len(member) > room or cut_short:
        raise HelmRecordError(f"payload inflates to more than {limit} bytes (refused)", key=key)
    if not inflater.eof:
        raise HelmRecordError("payload is truncated (gzip stream ends early)", key=key)
    return member, inflater.unused_data


def unwrap(payload: str, *, key: str, limit: int = DEFAULT_MAX_INFLATED) -> bytes:
    """base64-decode, then gunzip when the gzip magic is there (Helm reads un-gzipped bodies too)."""
    raw = b64decode_strict(payload, key=key)
    if len(raw) > 3 and raw[:3] == GZIP_MAGIC:
        return gunzip_bounded(raw, key=key, limit=limit)
    if raw[:2] == GZIP_MAGIC[:2]:
        raise HelmRecordError("payload is not valid gzip (unsupported compression method)", key=key)
    return raw


def wrap(data: bytes) -> str:
    """gzip at best compression as Helm does, with a zero mtime so equal input gives equal output."""
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")
