from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kubehop.check.inputs import Revision, parse_manifest, rollback_revisions, upgrade_base
from kubehop.check.quantity import parse_quantity
from kubehop.check.served import served_map
from kubehop.errors import ManifestError, UsageError
from kubehop.lifecycle import Lifecycle
from kubehop.model import KubeVersion
from tests.fixtures.tools import Helm


def rev(version: int, status: str) -> Revision:
    return Revision(version, status, "x-1.0.0", "", 3)


def test_upgrade_diffs_against_the_deployed_revision_like_helm() -> None:
    assert upgrade_base([rev(1, "superseded"), rev(2, "deployed")]).version == 2
    assert upgrade_base([rev(1, "deployed"), rev(2, "failed")]).version == 1
    assert upgrade_base([rev(1, "superseded"), rev(2, "failed")]).version == 2
    with pytest.raises(UsageError, match="pending-upgrade"):
        upgrade_base([rev(1, "deployed"), rev(2, "pending-upgrade")])


def test_rollback_goes_from_the_last_revision_to_n_or_the_previous_one() -> None:
    history = [rev(1, "superseded"), rev(2, "superseded"), rev(3, "deployed")]
    assert [r.version for r in rollback_revisions(history, 1)] == [3, 1]
    assert [r.version for r in rollback_revisions(history, 0)] == [3, 2]
    with pytest.raises(UsageError, match=r"revision 7 not found \(stored revisions: 1, 2, 3\)"):
        rollback_revisions(history, 7)


def test_manifest_templates_and_parse_errors() -> None:
    manifest = parse_manifest("---\n# Source: x/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\n"
                              "metadata: {name: a}\n", "m.yaml")
    assert manifest.templates == {"ConfigMap/a": "x/templates/a.yaml"}
    with pytest.raises(ManifestError, match=r"m\.yaml"):
        parse_manifest("apiVersion: v1\nkind: [unclosed\n", "m.yaml")


def test_served_map_uses_the_lifecycle_data() -> None:
    objects = [{"apiVersion": "extensions/v1beta1", "kind": "DaemonSet"},
               {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress"}, {"apiVersion": "apps/v1", "kind": "DaemonSet"}]
    lifecycle = Lifecycle.default()
    assert served_map(lifecycle, KubeVersion(1, 19), objects) == {
        "extensions/v1beta1": False, "networking.k8s.io/v1": True, "apps/v1": True}
    assert served_map(lifecycle, KubeVersion(1, 16), objects)["extensions/v1beta1"] is False
    assert served_map(lifecycle, KubeVersion(1, 15), objects) == {
        "extensions/v1beta1": True, "networking.k8s.io/v1": False, "apps/v1": True}
    assert set(served_map(lifecycle, None, objects).values()) == {None}


def test_quantities() -> None:
    assert parse_quantity("1Gi") == parse_quantity("1024Mi")
    assert parse_quantity("1G") < parse_quantity("1Gi")  # type: ignore[operator]
    assert parse_quantity("100m") == parse_quantity("0.1")
    assert parse_quantity("lots") is None


def test_chart_render_leaves_out_hooks_and_crds(any_helm: Helm, monkeypatch: pytest.MonkeyPatch) -> None:
    from kubehop.check.inputs import render_chart_manifest

    monkeypatch.setenv("KUBEHOP_HELM", any_helm.path)
    from tests.check.helpers import DATA

    manifest = render_chart_manifest(str(DATA / "chart-x"), release="x", namespace="kube-system", values=(),
                                     set_values=())
    assert [(o["kind"], o["metadata"]["name"]) for o in manifest.objects] == [("DaemonSet", "x")]
    assert manifest.templates["DaemonSet/x"] == "x/templates/daemonset.yaml"
    with pytest.raises(UsageError, match="no such chart"):
        render_chart_manifest(str(DATA / "nope"), release="x", namespace="d", values=(), set_values=())


def test_helm_versions(any_helm: Helm, monkeypatch: pytest.MonkeyPatch) -> None:
    from kubehop.check.session import detect_helm_version, parse_helm_version

    monkeypatch.setenv("KUBEHOP_HELM", any_helm.path)
    assert parse_helm_version("v3.17.3+ge4da497") == (3, 17, 3)
    assert parse_helm_version("2.17") == (2, 17, 0)
    with pytest.raises(UsageError, match="not a Helm version"):
        parse_helm_version("three")
    assert parse_helm_version("v4.3.1+gc0d08d0") == (4, 3, 1)
    detected = detect_helm_version()  # each helm installed by the set-up script
    assert detected is not None and detected[0] == any_helm.major


def test_storage_failure_suggests_the_offline_options(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from kubehop.cli import main
    from tests.check.helpers import DATA

    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    code = main(["check", "upgrade", "x", "-n", "default", "--storage", "secret",
                 "--manifest", str(DATA / "seed" / "chart-1.3.0.yaml")])
    assert code == 1
    assert "pass --current-manifest FILE" in capsys.readouterr().err


def test_exported_lists_in_yaml_and_json_are_expanded() -> None:
    import json

    items: list[dict[str, Any]] = [
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "n"}},
             {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "b", "namespace": "n"}}]
    exported = {"apiVersion": "v1", "kind": "List", "items": items}
    for text in (json.dumps(exported), "apiVersion: v1\nkind: List\nitems:\n" + "".join(
            f"- apiVersion: {i['apiVersion']}\n  kind: {i['kind']}\n  metadata: {{name: {i['metadata']['name']}, "
            "namespace: n}\n" for i in items)):
        manifest = parse_manifest(text, "live")
        assert [(o["kind"], o["metadata"]["name"]) for o in manifest.objects] == [("Service", "a"), ("DaemonSet", "b")]


def test_typed_list_items_are_objects_and_the_wrapper_is_not() -> None:
    text = ("apiVersion: apps/v1\nkind: DeploymentList\nmetadata: {resourceVersion: '7'}\nitems:\n"
            "- metadata: {name: web, namespace: n}\n  spec: {selector: {matchLabels: {app: web}}}\n"
            "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: api, namespace: n}\n")
    manifest = parse_manifest(text, "exported")
    assert [(o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in manifest.objects] == [
        ("apps/v1", "Deployment", "web"), ("apps/v1", "Deployment", "api")]
