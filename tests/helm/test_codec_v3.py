from __future__ import annotations

import base64
import datetime
import gzip
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubehop.helm.codec import decode_body, encode_body, evolve
from kubehop.helm.codec_v3 import release_from_json
from tests.helm.factories import helm3_body


def helm_encode(body: dict[str, Any]) -> str:
    """What Helm's encodeRelease produces: base64(gzip(json))."""
    return base64.b64encode(gzip.compress(json.dumps(body).encode(), 9)).decode()


def test_decode_reads_every_field_helm_writes() -> None:
    hooks = [{"name": "db-init", "kind": "Job", "path": "demo/templates/job.yaml", "manifest": "kind: Job",
              "events": ["pre-install", "pre-upgrade"], "last_run": {"started_at": "", "completed_at": "",
              "phase": ""}, "weight": -5, "delete_policies": ["before-hook-creation"]}]
    release = decode_body(helm_encode(helm3_body(version=3, status="superseded", hooks=hooks)), 3, key="k")
    assert (release.name, release.namespace, release.version, release.status) == ("demo", "default", 3, "superseded")
    assert release.chart == "demo-0.1.0" and release.app_version == "1.0" and release.helm_major == 3
    assert release.description == "Upgrade complete"
    assert release.first_deployed == "2020-03-01T10:11:12.123456789+02:00"
    assert "kind: DaemonSet" in release.manifest
    assert release.hooks[0].name == "db-init" and release.hooks[0].events == ("pre-install", "pre-upgrade")


def test_unknown_fields_survive_reencoding() -> None:
    body = helm3_body(apply_method="ssa")
    body["hooks"] = [{"name": "h", "output_log_policies": ["hook-failed"]}]
    body["info"]["resources"] = {"v1/Pod": [{"x": 1}]}
    again = decode_body(encode_body(release_from_json(body)), 3)
    assert again.body == body


def test_reencoding_what_kubehop_wrote_gives_the_same_bytes() -> None:
    payload = encode_body(release_from_json(helm3_body()))
    assert encode_body(decode_body(payload, 3)) == payload


def test_evolve_changes_only_the_named_fields() -> None:
    original = release_from_json(helm3_body(version=3))
    moment = datetime.datetime(2024, 5, 1, 10, 11, 12, 123400, tzinfo=datetime.UTC)
    new = evolve(original, version=4, status="deployed", manifest="kind: X\n", description="fixed",
                 last_deployed=moment)
    assert (new.version, new.status, new.manifest, new.description) == (4, "deployed", "kind: X\n", "fixed")
    assert new.last_deployed == "2024-05-01T10:11:12.1234Z"
    assert isinstance(new.body, dict) and isinstance(original.body, dict)
    assert new.body["chart"] == original.body["chart"] and new.body["config"] == original.body["config"]
    assert new.body["info"]["first_deployed"] == original.body["info"]["first_deployed"]
    assert original.version == 3  # the input is untouched


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(
    name=st.from_regex(r"[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?", fullmatch=True),
    version=st.integers(1, 10_000),
    status=st.sampled_from(["deployed", "superseded", "failed", "pending-upgrade"]),
    manifest=st.text(),
    extra=st.dictionaries(st.text(min_size=1, max_size=10).filter(lambda k: k not in ("name", "version", "hooks")),
                          json_values, max_size=3),
)
def test_roundtrip_property(name: str, version: int, status: str, manifest: str, extra: dict[str, Any]) -> None:
    body = helm3_body(name=name, version=version, status=status, manifest=manifest)
    body.update(extra)
    release = release_from_json(body)
    payload = encode_body(release)
    again = decode_body(payload, 3)
    assert again == release and again.body == body
    assert encode_body(again) == payload


@pytest.mark.parametrize("text", ['{"name": "x", "version": 1, "big": 123456789012345678901234567890}',
                                  '{"name": "x", "version": 1, "odd": "\\ud800"}',
                                  '{"name": "x", "version": 1, "n": NaN}'])
def test_json_the_fast_parser_refuses_still_decodes_as_before(text: str) -> None:
    from kubehop.helm.codec_v3 import _loads

    assert repr(_loads(text.encode())) == repr(json.loads(text))


def test_big_integers_survive_a_round_trip() -> None:
    body = helm3_body()
    body["config"] = {"accountId": 123456789012345678901234567890, "nested": [{"n": -98765432109876543210987}]}
    release = decode_body(helm_encode(body), 3, key="k")
    assert release.body["config"] == body["config"]
