from __future__ import annotations

import base64
import gzip

import pytest

from kubehop.errors import HelmRecordError
from kubehop.helm.codec import decode_body
from kubehop.helm.payload import gunzip_bounded, unwrap, wrap


def test_wrap_is_deterministic_gzip_level_9() -> None:
    assert wrap(b"{}") == wrap(b"{}")
    raw = base64.b64decode(wrap(b"{}"))
    assert raw[:3] == b"\x1f\x8b\x08" and raw[8] == 2  # XFL=2: best compression, as Helm writes


def test_unwrap_accepts_uncompressed_payload_like_helm() -> None:
    assert unwrap(base64.b64encode(b'{"a":1}').decode(), key="k") == b'{"a":1}'


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not base64 !!", "is not base64"),
        (base64.b64encode(b"\x1f\x8b\x08garbage-garbage").decode(), "is not valid gzip"),
        (base64.b64encode(gzip.compress(b'{"name":"x","version":1}', mtime=0)[:-12]).decode(), "truncated"),
        (wrap(b"\xff\xfe not json"), "is not JSON"),
        (wrap(b"[1, 2]"), "unknown release format"),
        (wrap(b'{"kind": "Secret"}'), "unknown release format"),
    ],
    ids=["not-base64", "not-gzip", "truncated", "not-json", "json-array", "not-a-release"],
)
def test_bad_helm3_payload_names_the_key(payload: str, message: str) -> None:
    with pytest.raises(HelmRecordError, match=message) as caught:
        decode_body(payload, 3, key="default/sh.helm.release.v1.demo.v1")
    assert caught.value.key == "default/sh.helm.release.v1.demo.v1"
    assert str(caught.value).startswith("default/sh.helm.release.v1.demo.v1: ")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (wrap(b'{"name": "demo"}'), "payload is JSON"),
        (wrap(b"\x0a\xff"), "not a protobuf"),
        (wrap(b"\x38\x01"), "no release name"),
    ],
    ids=["json-not-protobuf", "bad-wire-format", "no-name"],
)
def test_bad_helm2_payload_names_the_key(payload: str, message: str) -> None:
    with pytest.raises(HelmRecordError, match=message):
        decode_body(payload, 2, key="kube-system/demo.v1")


def test_unknown_format_version() -> None:
    with pytest.raises(HelmRecordError, match="unknown Helm record format version 4"):
        decode_body(wrap(b"{}"), 4, key="k")


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(HelmRecordError, match="inflates to more than 1048576 bytes"):
        gunzip_bounded(bomb, key="k", limit=1024 * 1024)


def test_multi_member_gzip_is_read_whole() -> None:
    data = gzip.compress(b'{"name":"a",') + gzip.compress(b'"version":1}')
    assert gunzip_bounded(data, key="k") == b'{"name":"a","version":1}'


@pytest.mark.parametrize("limit", [10_000_000, 1000, 999])
def test_the_limit_holds_whether_a_member_is_inflated_at_once_or_capped(limit: int) -> None:
    # 1,000 bytes gzip to a few dozen: within a 10 MB limit the member is inflated in one call (it cannot
    # outgrow the room), with a 1,000-byte limit it goes through the capped path; both stop at the limit.
    data = gzip.compress(b"a" * 1000)
    if limit >= 1000:
        assert gunzip_bounded(data, key="k", limit=limit) == b"a" * 1000
    else:
        with pytest.raises(HelmRecordError, match=f"inflates to more than {limit} bytes"):
            gunzip_bounded(data, key="k", limit=limit)


def test_the_limit_counts_every_member() -> None:
    data = gzip.compress(b"a" * 600) + gzip.compress(b"b" * 600)
    assert gunzip_bounded(data, key="k", limit=1200) == b"a" * 600 + b"b" * 600
    with pytest.raises(HelmRecordError, match="inflates to more than 1199 bytes"):
        gunzip_bounded(data, key="k", limit=1199)


@pytest.mark.parametrize("limit", [10_000_000, 100])
def test_garbage_after_a_member_is_not_gzip(limit: int) -> None:
    with pytest.raises(HelmRecordError, match="is not valid gzip"):
        gunzip_bounded(gzip.compress(b"{}") + b"trailing", key="k", limit=limit)


@pytest.mark.parametrize("limit", [10_000_000, 200_000])  # inflated at once, then capped
def test_truncated_member_is_reported_on_both_paths(limit: int) -> None:
    data = gzip.compress(b"x" * 50_000 + bytes(range(256)) * 200)[:-20]
    with pytest.raises(HelmRecordError, match="truncated"):
        gunzip_bounded(data, key="k", limit=limit)
