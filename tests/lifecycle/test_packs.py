"""Add-on lifecycle packs: the shipped data files, `pack:NAME[@VERSION]` and how packs combine with user rows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubehop.errors import DataFileError, UsageError
from kubehop.lifecycle import ApiStatus, Lifecycle, LifecycleEntry
from kubehop.lifecycle.packs import load_pack, pack_entries, pack_names
from kubehop.model import KubeVersion

PACK_DIR = Path(__file__).resolve().parents[2] / "src" / "kubehop" / "data" / "packs"
PACKS = ("cert-manager", "external-snapshotter", "gateway-api", "istio")
# A source names a published document: a URL, release notes, a changelog or an upgrade guide.
CITATION_RE = re.compile(r"https://|release notes|CHANGELOG|upgrade notes|Upgrading from")
V = KubeVersion.parse


def raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PACK_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def test_the_four_packs_ship_as_package_data() -> None:
    assert pack_names() == PACKS


@pytest.mark.parametrize("name", PACKS)
def test_every_row_cites_its_source_and_is_consistent(name: str) -> None:
    data = raw(name)
    assert data["version"] == 1 and data["pack"]["project"] and data["pack"]["description"]
    pack = load_pack(name)
    assert len(pack.rows) == len(data["apis"]) > 0
    for row in pack.rows:
        assert CITATION_RE.search(row.source), f"{row.api_version} {row.kind}: source cites nothing"
        assert row.removed_in is not None or row.deprecated_in is not None
        if row.removed_in is not None and row.deprecated_in is not None:
            assert row.deprecated_in <= row.removed_in
        assert (row.replacement_api_version is None) == (row.replacement_available_in is None)
        assert row.origin == f"pack:{name}"


@pytest.mark.parametrize("name", PACKS)
def test_a_flagged_row_names_a_replacement_served_by_that_release(name: str) -> None:
    """At every release the pack mentions where a row is deprecated or removed, the replacement named is
    one that release serves; the only exception is a release that serves none yet (Istio 1.4's alpha
    authentication policy: PeerAuthentication arrived in 1.5)."""
    pack = load_pack(name)
    releases = sorted({v for r in pack.rows for v in (r.deprecated_in, r.removed_in, r.replacement_available_in)
                       if v is not None})
    unserved = set()
    for release in releases:
        for entry in pack.entries_at(release):
            if entry.replacement_api_version:
                continue
            row = next(r for r in pack.rows if (r.api_version, r.kind) == (entry.api_version, entry.kind))
            if row.replacement_api_version:
                unserved.add((entry.api_version, entry.kind, str(release)))
                assert entry.addon is not None and entry.addon.replacement_later
    expected = {("authentication.istio.io/v1alpha1", k, "1.4") for k in ("Policy", "MeshPolicy")}
    assert unserved == (expected if name == "istio" else set())


def entry(spec: str, api_version: str, kind: str) -> LifecycleEntry | None:
    return Lifecycle.load([spec]).lookup(api_version, kind)


@pytest.mark.parametrize(("spec", "status"), [
    ("pack:cert-manager", ApiStatus.REMOVED),
    ("pack:cert-manager@1.6", ApiStatus.REMOVED),
    ("pack:cert-manager@v1.5.3", ApiStatus.DEPRECATED),
    ("pack:cert-manager@1.4", ApiStatus.DEPRECATED),
    ("pack:cert-manager@1.3", ApiStatus.UNKNOWN),
])
def test_the_add_on_release_decides_the_status_at_every_kubernetes_target(spec: str, status: ApiStatus) -> None:
    lc = Lifecycle.load([spec])
    for target in (KubeVersion(1, 8), KubeVersion(1, 22), lc.newest_known):
        assert lc.status("cert-manager.io/v1alpha2", "Certificate", target) is status


def test_pack_rows_read_in_the_add_on_release_numbers() -> None:
    row = entry("pack:cert-manager@1.5", "cert-manager.io/v1alpha2", "Certificate")
    assert row is not None and row.addon is not None
    assert (row.deprecated_label, row.removed_label) == ("cert-manager 1.4", "cert-manager 1.6")
    assert row.where(KubeVersion(1, 22)) == "cert-manager 1.5"
    assert (row.replacement_label, row.addon.replacement_since) == ("cert-manager.io/v1", "cert-manager 1.0")
    current = entry("pack:cert-manager", "cert-manager.io/v1alpha2", "Certificate")
    assert current is not None and current.where(KubeVersion(1, 22)) == "current cert-manager releases"


@pytest.mark.parametrize(("spec", "api_version", "kind", "replacement", "since"), [
    # cert-manager 0.12 serves cert-manager.io/v1alpha2 but not yet v1 (1.0).
    ("pack:cert-manager@0.12", "certmanager.k8s.io/v1alpha1", "Certificate", "cert-manager.io/v1alpha2",
     "cert-manager 0.11"),
    ("pack:cert-manager", "certmanager.k8s.io/v1alpha1", "Certificate", "cert-manager.io/v1", "cert-manager 1.0"),
    ("pack:gateway-api@0.8", "gateway.networking.k8s.io/v1alpha2", "HTTPRoute", "gateway.networking.k8s.io/v1beta1",
     "gateway-api 0.5"),
    ("pack:gateway-api", "gateway.networking.k8s.io/v1alpha2", "HTTPRoute", "gateway.networking.k8s.io/v1",
     "gateway-api 1.0"),
    ("pack:external-snapshotter@3.0", "snapshot.storage.k8s.io/v1alpha1", "VolumeSnapshot",
     "snapshot.storage.k8s.io/v1beta1", "external-snapshotter 2.0"),
    ("pack:external-snapshotter", "snapshot.storage.k8s.io/v1beta1", "VolumeSnapshotContent",
     "snapshot.storage.k8s.io/v1", "external-snapshotter 4.0"),
    ("pack:istio", "rbac.istio.io/v1alpha1", "ServiceRole", "security.istio.io/v1beta1 AuthorizationPolicy",
     "istio 1.4"),
])
def test_the_replacement_named_is_served_by_the_add_on_release(spec: str, api_version: str, kind: str,
                                                               replacement: str, since: str) -> None:
    row = entry(spec, api_version, kind)
    assert row is not None and row.addon is not None
    assert (row.replacement_label, row.addon.replacement_since) == (replacement, since)


def test_a_release_without_a_served_replacement_says_so() -> None:
    row = entry("pack:istio@1.4", "authentication.istio.io/v1alpha1", "Policy")
    assert row is not None and row.addon is not None and row.status_at(KubeVersion(1, 16)) is ApiStatus.DEPRECATED
    assert row.replacement_api_version is None
    assert row.addon.replacement_later == "security.istio.io/v1beta1 PeerAuthentication from istio 1.5"


def test_packs_do_not_move_the_newest_kubernetes_version_known() -> None:
    assert Lifecycle.load([f"pack:{name}" for name in PACKS]).newest_known == Lifecycle.default().newest_known


def test_packs_combine_with_each_other_and_with_user_files(tmp_path: Path) -> None:
    user = tmp_path / "rows.yaml"
    user.write_text('apis:\n  - {apiVersion: example.io/v1alpha1, kind: Widget, removedIn: "1.20", '
                    'source: "test row"}\n')
    lc = Lifecycle.load(["pack:istio", str(user), "pack:gateway-api"])
    assert lc.lookup("example.io/v1alpha1", "Widget") is not None
    assert lc.lookup("rbac.istio.io/v1alpha1", "ServiceRole") is not None
    assert lc.lookup("gateway.networking.k8s.io/v1alpha2", "Gateway") is not None
    assert lc.lookup("apps/v1beta1", "Deployment") is not None


def test_a_user_row_that_repeats_a_pack_row_is_an_error(tmp_path: Path) -> None:
    user = tmp_path / "rows.yaml"
    user.write_text('apis:\n  - {apiVersion: rbac.istio.io/v1alpha1, kind: ServiceRole, removedIn: "1.20", '
                    'source: "test row"}\n')
    with pytest.raises(DataFileError, match=r"rbac.istio.io/v1alpha1 ServiceRole \(in pack:istio and .*rows.yaml\)"):
        Lifecycle.load(["pack:istio", str(user)])


@pytest.mark.parametrize(("spec", "message"), [
    ("pack:nope", "unknown lifecycle pack 'nope' (known: cert-manager, external-snapshotter, gateway-api, istio)"),
    ("pack:", "unknown lifecycle pack ''"),
    ("pack:istio@next", "pack:istio@next: 'next' is not a release number of istio (e.g. 1.8)"),
])
def test_bad_pack_specs_are_one_line_usage_errors(spec: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        pack_entries(spec)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_broken_pack_header_is_a_data_file_error() -> None:
    from kubehop.lifecycle.packs import _pack

    with pytest.raises(DataFileError, match="pack:broken: a pack needs a `pack` mapping"):
        _pack("broken", "version: 1\napis: []\n")
