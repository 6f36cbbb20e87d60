from __future__ import annotations

import base64
import datetime
import gzip
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubehop.helm.codec import decode_body, encode_body, evolve
from kubehop.helm.codec_v2 import release_from_proto
from tests.helm.factories import hapi, helm2_proto


def tiller_encode(message: Any) -> str:
    """What Tiller's encodeRelease produces: base64(gzip(proto.Marshal(rls)))."""
    return base64.b64encode(gzip.compress(message.SerializeToString(), 9)).decode()


HOOK = {"name": "db-init", "kind": "Job", "path": "demo/templates/job.yaml", "manifest": "kind: Job\n",
        "events": [1, 5], "weight": -5, "delete_policies": [2], "delete_timeout": 30}


def test_decode_reads_tiller_records() -> None:
    release = decode_body(tiller_encode(helm2_proto(version=2, status="SUPERSEDED", hooks=[HOOK])), 2, key="k")
    assert (release.name, release.version, release.status, release.helm_major) == ("demo", 2, "superseded", 2)
    assert release.chart == "demo-0.1.0" and release.app_version == "1.0"
    assert release.key == "demo.v2" and release.description == "Install complete"
    assert release.first_deployed == "2020-03-01T08:11:12Z" and release.last_deployed == "2020-03-02T08:11:12.5Z"
    assert release.hooks[0].events == ("PRE_INSTALL", "PRE_UPGRADE") and release.hooks[0].manifest == "kind: Job\n"
    assert "extensions/v1beta1" in release.manifest


def test_reencode_keeps_every_field_byte_for_byte() -> None:
    message = helm2_proto(hooks=[HOOK])
    release = decode_body(tiller_encode(message), 2)
    assert release.body == message.SerializeToString()
    payload = encode_body(release)
    assert encode_body(decode_body(payload, 2)) == payload


def test_evolve_rewrites_only_named_fields_and_protoc_agrees() -> None:
    message = helm2_proto(version=3, hooks=[HOOK])
    release = release_from_proto(message.SerializeToString())
    moment = datetime.datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=datetime.UTC)
    new = evolve(release, version=4, status="pending-upgrade", manifest="kind: Y\n", description="mapped",
                 last_deployed=moment)
    parsed = hapi().Release.FromString(new.body)
    assert parsed.version == 4 and parsed.manifest == "kind: Y\n" and parsed.info.Description == "mapped"
    assert parsed.info.status.code == hapi().Status.Code.Value("PENDING_UPGRADE")
    assert (parsed.info.last_deployed.seconds, parsed.info.last_deployed.nanos) == (int(moment.timestamp()), 250_000_000)
    # Everything else is exactly what Tiller wrote.
    for name in ("chart", "config", "hooks", "namespace", "name"):
        assert getattr(parsed, name) == getattr(message, name)
    assert parsed.info.status.notes == message.info.status.notes
    assert parsed.info.first_deployed == message.info.first_deployed
    assert new.status == "pending-upgrade"


def test_unknown_fields_are_kept() -> None:
    data = helm2_proto().SerializeToString() + b"\xa2\x06\x03abc"  # field 100, length-delimited
    release = release_from_proto(data)
    assert release_from_proto(evolve(release, status="superseded").body).body[-6:] == b"\xa2\x06\x03abc"  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(
    name=st.from_regex(r"[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?", fullmatch=True),
    version=st.integers(1, 2**31 - 1),
    status=st.sampled_from(["DEPLOYED", "SUPERSEDED", "FAILED", "DELETED", "PENDING_ROLLBACK"]),
    manifest=st.text(),
    events=st.lists(st.integers(0, 11), max_size=5),
    weight=st.integers(-(2**31), 2**31 - 1),
    new_version=st.integers(1, 2**31 - 1),
)
def test_roundtrip_property(name: str, version: int, status: str, manifest: str, events: list[int],
                            weight: int, new_version: int) -> None:
    message = helm2_proto(name=name, version=version, status=status, manifest=manifest,
                          hooks=[{"name": "h", "events": events, "weight": weight}])
    release = decode_body(tiller_encode(message), 2)
    assert (release.name, release.version, release.manifest) == (name, version, manifest)
    assert release.status == status.lower().replace("_", "-")
    payload = encode_body(release)
    assert decode_body(payload, 2) == release and encode_body(decode_body(payload, 2)) == payload
    changed = evolve(release, version=new_version)
    reparsed = hapi().Release.FromString(changed.body)
    message.version = new_version
    assert reparsed == message
