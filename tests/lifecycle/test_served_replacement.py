"""The replacement the lifecycle query names is one the target serves (apps/v1beta2 at 1.8, not apps/v1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubehop.cli import main
from kubehop.convert.serving import Action, plan_for, served_row
from kubehop.lifecycle import ApiStatus, Lifecycle, LifecycleEntry
from kubehop.model import KubeVersion

LC = Lifecycle.default()


def entry(api_version: str, kind: str) -> LifecycleEntry:
    found = LC.lookup(api_version, kind)
    assert found is not None
    return found


def targets() -> list[KubeVersion]:
    return [KubeVersion(1, minor) for minor in range(8, LC.newest_known.minor + 1)]


@pytest.mark.parametrize(("api_version", "kind", "target", "expected"), [
    ("extensions/v1beta1", "Deployment", "1.8", "apps/v1beta2 Deployment"),
    ("extensions/v1beta1", "Deployment", "1.9", "apps/v1 Deployment"),
    ("extensions/v1beta1", "DaemonSet", "1.8", "apps/v1beta2 DaemonSet"),
    ("extensions/v1beta1", "ReplicaSet", "1.8", "apps/v1beta2 ReplicaSet"),
    ("apps/v1beta1", "StatefulSet", "1.8", "apps/v1beta2 StatefulSet"),
    ("apps/v1beta1", "Deployment", "1.15", "apps/v1 Deployment"),
    ("extensions/v1beta1", "Ingress", "1.14", "networking.k8s.io/v1beta1 Ingress"),
    ("extensions/v1beta1", "Ingress", "1.19", "networking.k8s.io/v1 Ingress"),
    ("autoscaling/v2alpha1", "HorizontalPodAutoscaler", "1.8", "autoscaling/v2beta1 HorizontalPodAutoscaler"),
    ("autoscaling/v2alpha1", "HorizontalPodAutoscaler", "1.12", "autoscaling/v2beta2 HorizontalPodAutoscaler"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22", "autoscaling/v2beta2 HorizontalPodAutoscaler"),
    ("batch/v2alpha1", "ScheduledJob", "1.8", "batch/v1beta1 CronJob"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "1.26", "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"),
    ("resource.k8s.io/v1alpha1", "ResourceClass", "1.32", "resource.k8s.io/v1beta1 DeviceClass"),
    # Nothing the target serves replaces it.
    ("extensions/v1beta1", "PodSecurityPolicy", "1.25", None),
    ("networking.k8s.io/v1alpha1", "ServiceCIDR", "1.30", None),
    ("storagemigration.k8s.io/v1alpha1", "StorageVersionMigration", "1.34", None),
])
def test_best_replacement_served_at_old_targets(api_version: str, kind: str, target: str,
                                                expected: str | None) -> None:
    served = entry(api_version, kind).served_replacement(KubeVersion.parse(target))
    assert (f"{served[0]} {served[1]}" if served else None) == expected


def test_replacement_at_keeps_an_unserved_final_replacement_with_its_later_version() -> None:
    # The planner needs the final replacement and the release that first serves it.
    row = entry("networking.k8s.io/v1alpha1", "ServiceCIDR")
    assert row.replacement_at(KubeVersion(1, 30)) == ("networking.k8s.io/v1", "ServiceCIDR", KubeVersion(1, 33))
    # policy/v1beta1 PodSecurityPolicy is removed in 1.25 too: nothing to move to from then on.
    psp = entry("extensions/v1beta1", "PodSecurityPolicy")
    assert psp.replacement_removed_in == KubeVersion(1, 25)
    assert psp.replacement_at(KubeVersion(1, 24)) == ("policy/v1beta1", "PodSecurityPolicy", KubeVersion(1, 10))
    assert psp.replacement_at(KubeVersion(1, 25)) is None


@pytest.mark.parametrize("row", [e for e in LC.entries if served_row(e.api_version, e.kind) is not None],
                         ids=lambda e: f"{e.api_version}/{e.kind}")
def test_agrees_with_the_conversion_series_at_every_target(row: LifecycleEntry) -> None:
    """Two independent tables: the lifecycle rows (with interim steps) and convert/series.py, which lists
    every version of each family with the releases that introduced and removed it."""
    for target in targets():
        if row.status_at(target) is ApiStatus.SERVED:
            continue
        plan = plan_for(row.api_version, row.kind, target)
        want = (plan.to.api_version, plan.to.kind) if plan.action is Action.CONVERT and plan.to else None
        served = row.served_replacement(target)
        assert (served[:2] if served else None) == want, f"at {target}"


@pytest.mark.parametrize("row", LC.entries, ids=lambda e: f"{e.api_version}/{e.kind}")
def test_a_served_replacement_is_never_removed_or_unborn_at_the_target(row: LifecycleEntry) -> None:
    for target in targets():
        served = row.served_replacement(target)
        if served is None:
            continue
        api_version, kind, since = served
        assert since is None or since <= target
        assert LC.status(api_version, kind, target) is not ApiStatus.REMOVED, f"at {target}"
        known = served_row(api_version, kind)
        assert known is None or known.served_at(target), f"{api_version} {kind} not served at {target}"


def test_user_rows_pick_the_newest_interim_served(tmp_path: Path) -> None:
    path = tmp_path / "rows.yaml"
    path.write_text("""apis:
  - apiVersion: example.io/v1alpha1
    kind: Widget
    removedIn: "1.20"
    replacement: example.io/v1
    replacementAvailableIn: "1.30"
    source: "test row"
    interim:
      - {apiVersion: example.io/v1beta1, from: "1.18", to: "1.27"}
      - {apiVersion: example.io/v1beta2, from: "1.24"}
""")
    row = Lifecycle.load([path]).lookup("example.io/v1alpha1", "Widget")
    assert row is not None
    assert row.served_replacement(KubeVersion(1, 20)) == ("example.io/v1beta1", "Widget", KubeVersion(1, 18))
    assert row.served_replacement(KubeVersion(1, 25)) == ("example.io/v1beta2", "Widget", KubeVersion(1, 24))
    assert row.served_replacement(KubeVersion(1, 30)) == ("example.io/v1", "Widget", KubeVersion(1, 30))


@pytest.mark.parametrize(("target", "replacement", "since"), [
    ("1.8", "apps/v1beta2", "1.8"), ("1.9", "apps/v1", "1.9"), ("1.16", "apps/v1", "1.9"),
])
def test_scan_names_the_replacement_served_at_the_target(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         target: str, replacement: str, since: str) -> None:
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\n"
                        "spec:\n  selector: {matchLabels: {app: web}}\n  template:\n"
                        "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n")
    main(["scan", str(manifest), "--target", target, "-o", "json"])
    finding = next(f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"].endswith("api"))
    assert (finding["replacement"], finding["replacementAvailableIn"]) == (replacement, since)
    assert f"use {replacement} (served since {since})" in finding["message"]


def test_scan_says_when_no_replacement_is_served_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "cidr.yaml"
    manifest.write_text("apiVersion: networking.k8s.io/v1alpha1\nkind: ServiceCIDR\nmetadata: {name: x}\n")
    main(["scan", str(manifest), "--target", "1.30", "-o", "json"])
    finding = json.loads(capsys.readouterr().out)["findings"][0]
    assert "no replacement is served at 1.30 yet: networking.k8s.io/v1 is served from 1.33" in finding["message"]
