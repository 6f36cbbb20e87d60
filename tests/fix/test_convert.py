"""Converting one revision and putting the converted text back into Helm 3 JSON and Helm 2 protobuf bodies."""

from __future__ import annotations

import datetime
from typing import Any

from kubehop.fix.convert import change_lines, convert_release, rewrite
from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.codec_v3 import release_from_json
from kubehop.model import KubeVersion
from tests.fix.seed import NAME, OLD_APIS, helm3_hooks, seed_manifest
from tests.helm.factories import hapi, helm2_proto, helm3_body

TARGET = KubeVersion.parse("1.25")
PSP_HOOK = ("apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: hook-psp\n"
            "  annotations:\n    helm.sh/hook: pre-install\nspec:\n  privileged: false\n")
NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC)


def test_helm3_body_keeps_every_other_field_and_drops_hooks_left_empty() -> None:
    hooks = [*helm3_hooks("apps"), {"name": "psp", "kind": "PodSecurityPolicy", "path": "x/psp.yaml",
                                    "manifest": PSP_HOOK, "events": ["pre-install"], "weight": 5}]
    body = helm3_body(name=NAME, namespace="apps", manifest=seed_manifest("apps"), hooks=hooks,
                      future_field={"kept": True})
    release = release_from_json(body)
    conversion = convert_release(release, TARGET)
    assert conversion.changed and not conversion.errors
    assert [p.part for p in conversion.parts] == ["manifest", "hook image-manager-hook", "hook psp"]
    assert "NetworkPolicy apps/image-manager-hook: extensions/v1beta1 -> networking.k8s.io/v1" in \
        change_lines(conversion.changes)
    assert "PodSecurityPolicy hook-psp: policy/v1beta1 removed (no replacement at the target)" in \
        change_lines(conversion.changes)
    new = rewrite(release, conversion, version=3, status="deployed", description="d", last_deployed=NOW)
    assert isinstance(new.body, dict)
    assert new.body["future_field"] == {"kept": True}
    assert new.body["chart"] == body["chart"] and new.body["config"] == body["config"]
    assert [h["name"] for h in new.body["hooks"]] == ["image-manager-hook"]
    assert new.body["hooks"][0]["events"] == ["pre-upgrade"] and "networking.k8s.io/v1" in new.hooks[0].manifest
    assert not any(api in new.manifest for api in OLD_APIS)
    assert new.body["info"]["first_deployed"] == body["info"]["first_deployed"]
    assert new.body["info"]["last_deployed"] == "2026-11-26T12:00:00Z"


def test_helm2_body_is_rewritten_field_by_field_and_read_back_by_protoc() -> None:
    hooks: list[dict[str, Any]] = [{"name": "np", "kind": "NetworkPolicy", "path": "x/np.yaml", "events": [5], "weight": 3,
              "manifest": "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: np\n"
                          "spec:\n  podSelector: {}\n"},
             {"name": "psp", "kind": "PodSecurityPolicy", "path": "x/psp.yaml", "events": [1],
              "manifest": PSP_HOOK}]
    original = helm2_proto(name=NAME, version=2, status="DEPLOYED", namespace="apps",
                           manifest=seed_manifest("apps"), hooks=hooks)
    release = release_from_proto(original.SerializeToString())
    conversion = convert_release(release, TARGET)
    new = rewrite(release, conversion, version=3, status="deployed", description="kubehop", last_deployed=NOW)
    assert isinstance(new.body, bytes)
    parsed = hapi().Release()
    parsed.ParseFromString(new.body)
    assert (parsed.version, parsed.info.Description, parsed.info.status.code) == (3, "kubehop", 1)
    assert parsed.info.last_deployed.seconds == int(NOW.timestamp())
    assert parsed.info.first_deployed == original.info.first_deployed
    assert parsed.chart == original.chart and parsed.config == original.config
    assert [(h.name, h.weight, list(h.events)) for h in parsed.hooks] == [("np", 3, [5])]
    assert parsed.hooks[0].manifest.startswith("apiVersion: networking.k8s.io/v1\n")
    assert not any(api in parsed.manifest for api in OLD_APIS)


def test_unreadable_manifest_is_an_error_and_nothing_changes() -> None:
    release = release_from_json(helm3_body(manifest="---\napiVersion: apps/v1beta1\nkind: Deployment\n: [\n"))
    conversion = convert_release(release, TARGET)
    assert conversion.errors and not conversion.changed
    assert "manifest: cannot be read" in conversion.errors[0]
