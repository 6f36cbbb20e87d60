from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubehop.errors import HelmRecordError
from kubehop.helm.codec import decode_body
from kubehop.helm.payload import b64decode_go, gunzip_bounded, unwrap, wrap
from tests.helm.factories import helm2_proto, helm3_body


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


# Go's base64.StdEncoding, which Helm's decodeRelease uses, ignores CR and LF anywhere: records written
# by other tools (a body wrapped at 64 or 76 columns, CRLF line ends, a final newline, no gzip) are read.
def go_style(data: bytes, *, gz: bool, width: int | None, eol: str, trailing: bool) -> str:
    """A payload as other tools write it: optionally not gzipped, wrapped, with CRLF or a final newline."""
    text = base64.b64encode(gzip.compress(data, compresslevel=9) if gz else data).decode("ascii")
    if width:
        text = eol.join(text[i:i + width] for i in range(0, len(text), width))
    return text + (eol if trailing else "")


VARIANTS = st.fixed_dictionaries({
    "gz": st.booleans(), "width": st.sampled_from([None, 64, 76]), "eol": st.sampled_from(["\n", "\r\n"]),
    "trailing": st.booleans(),
})


@settings(max_examples=60, deadline=None)
@given(variant=VARIANTS, name=st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
       version=st.integers(1, 10_000), manifest=st.text(max_size=300))
def test_every_payload_variant_helm_reads_is_read(variant: dict[str, Any], name: str, version: int,
                                                   manifest: str) -> None:
    body = helm3_body(name=name, version=version, manifest=manifest)
    release = decode_body(go_style(json.dumps(body).encode(), **variant), 3, key="k")
    assert (release.name, release.version, release.manifest) == (name, version, manifest)
    proto = helm2_proto(name=name, version=version, manifest=manifest).SerializeToString()
    old = decode_body(go_style(proto, **variant), 2, key="k")
    assert (old.name, old.version, old.manifest) == (name, version, manifest)


@pytest.mark.parametrize("text", ["", "YWJj", "YW\r\nJj", "\nYWJj\n", "YQ==\n", "Y\nQ\r\n=\n=\r\n", "YR=="])
def test_go_base64_accepts(text: str) -> None:
    # "YR==": non-zero padding bits are accepted (StdEncoding is not Strict()).
    assert b64decode_go(text) == base64.b64decode(text.replace("\r", "").replace("\n", ""))


@pytest.mark.parametrize("text", ["YW Jj", "YWJj\t", "YW-j", "YW_j", "YWJj\x0b", "YWJ\u00e9", "YWJ", "YQ=",
                                  "YQ===", "=YWJ", "YW=j", "YQ==YQ==", "YQ==\nYQ==", "YWJjZA"],
                         ids=["space", "tab", "url-minus", "url-underscore", "vertical-tab", "non-ascii",
                              "short", "one-pad-short", "excess-padding", "leading-padding", "inner-padding",
                              "data-after-padding", "data-after-padding-newline", "no-padding"])
def test_go_base64_refuses_what_go_refuses(text: str) -> None:
    with pytest.raises(HelmRecordError, match="payload is not base64"):
        decode_body(text, 3, key="k")
