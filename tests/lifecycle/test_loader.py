"""Loading lifecycle data: the shipped file, user rows, and every way a data file can be wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kubehop.errors import DataFileError, UsageError
from kubehop.lifecycle import ApiStatus, Lifecycle
from kubehop.model import KubeVersion

ROOT = Path(__file__).resolve().parents[2]
CERT_MANAGER_ROW = """version: 1
apis:
  - apiVersion: certmanager.k8s.io/v1alpha1
    kind: Certificate
    resource: certificates
    deprecatedIn: "1.16"
    removedIn: "1.20"
    replacement: cert-manager.io/v1
    replacementAvailableIn: "1.16"
    source: "cert-manager upgrade notes (test row)"
"""


def test_shipped_data_answers_the_seed_story() -> None:
    lc = Lifecycle.default()
    assert lc.status("extensions/v1beta1", "DaemonSet", KubeVersion(1, 19)) is ApiStatus.REMOVED
    assert lc.status("apps/v1beta1", "StatefulSet", KubeVersion(1, 15)) is ApiStatus.DEPRECATED
    assert lc.status("apps/v1", "DaemonSet", KubeVersion(1, 19)) is ApiStatus.UNKNOWN
    entry = lc.lookup("extensions/v1beta1", "Ingress")
    assert entry is not None and entry.removed_in == KubeVersion(1, 22)
    assert lc.newest_known >= KubeVersion(1, 32)


def test_user_rows_are_added(tmp_path: Path) -> None:
    extra = tmp_path / "cm.yaml"
    extra.write_text(CERT_MANAGER_ROW)
    lc = Lifecycle.load([extra])
    assert lc.status("certmanager.k8s.io/v1alpha1", "Certificate", KubeVersion(1, 20)) is ApiStatus.REMOVED
    assert lc.lookup("certmanager.k8s.io/v1alpha1", "Certificate").origin == str(extra)  # type: ignore[union-attr]


def test_shipped_example_user_file_loads() -> None:
    examples = sorted((ROOT / "examples" / "lifecycle").glob("*.yaml"))
    assert examples
    Lifecycle.load(examples)


def test_duplicate_rows_are_an_error(tmp_path: Path) -> None:
    extra = tmp_path / "dup.yaml"
    extra.write_text(CERT_MANAGER_ROW.replace("certmanager.k8s.io/v1alpha1", "extensions/v1beta1").replace(
        "kind: Certificate", "kind: Ingress"))
    with pytest.raises(DataFileError, match="duplicate lifecycle row extensions/v1beta1 Ingress"):
        Lifecycle.load([extra])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("apis: [", "not valid YAML"),
        ("apis: {}", "`apis` list"),
        ("apis:\n  - kind: X\n    source: s\n    removedIn: '1.9'\n", "apiVersion"),
        ("apis:\n  - apiVersion: a/v1\n    kind: X\n    removedIn: '1.9'\n", "source"),
        ("apis:\n  - apiVersion: a/v1\n    kind: X\n    source: s\n", "deprecatedIn or removedIn"),
        ("apis:\n  - apiVersion: a/v1\n    kind: X\n    source: s\n    removedIn: soon\n", "removedIn"),
        ("apis:\n  - apiVersion: a/v1\n    kind: X\n    source: s\n    removedIn: '1.9'\n    typo: 1\n", "unknown keys typo"),
    ],
)
def test_bad_files_name_the_file_and_row(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(DataFileError, match=message) as info:
        Lifecycle.load([bad])
    assert str(bad) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read"):
        Lifecycle.load([tmp_path / "none.yaml"])


def test_target_bounds() -> None:
    lc = Lifecycle.default()
    with pytest.raises(UsageError, match=r"older than 1\.8"):
        lc.parse_target("1.7")
    with pytest.raises(UsageError, match="newer than"):
        lc.parse_target(f"1.{lc.newest_known.minor + 1}")
    assert lc.parse_target(f"v{lc.newest_known}.4") == lc.newest_known


def test_unquoted_versions_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "float.yaml"
    bad.write_text("apis:\n  - apiVersion: a/v1\n    kind: X\n    source: s\n    removedIn: 1.20\n")
    with pytest.raises(DataFileError, match="quoted strings"):
        Lifecycle.load([bad])


def test_user_rows_do_not_extend_the_known_versions(tmp_path: Path) -> None:
    extra = tmp_path / "future.yaml"
    extra.write_text(CERT_MANAGER_ROW.replace('removedIn: "1.20"', 'removedIn: "1.60"'))
    assert Lifecycle.load([extra]).newest_known == Lifecycle.default().newest_known


TARGETS = [KubeVersion(1, minor) for minor in range(8, 38)]


@pytest.mark.parametrize("entry", Lifecycle.default().entries, ids=lambda e: f"{e.api_version}/{e.kind}")
def test_every_kind_has_its_list_kind_with_the_same_lifecycle(entry: Any) -> None:
    lifecycle = Lifecycle.default()
    derived = lifecycle.lookup(entry.api_version, entry.kind + "List")
    assert derived is not None
    assert derived.kind == entry.kind + "List" and derived.api_version == entry.api_version
    assert [derived.status_at(t) for t in TARGETS] == [entry.status_at(t) for t in TARGETS]
    assert (derived.deprecated_in, derived.removed_in) == (entry.deprecated_in, entry.removed_in)
    assert derived.replacement_api_version == entry.replacement_api_version
    assert derived.replacement_kind == entry.replacement_kind + "List"
    for target in TARGETS:
        step, list_step = entry.replacement_at(target), derived.replacement_at(target)
        assert (step is None) == (list_step is None)
        if step is not None and list_step is not None:
            assert list_step == (step[0], step[1] + "List", step[2])
    assert derived.source.startswith(f"derived from the {entry.kind} row (")
    assert lifecycle.lookup(entry.api_version, entry.kind + "List") is derived  # derived once


def test_list_kinds_of_the_issue_and_non_lists() -> None:
    lifecycle = Lifecycle.default()
    at_1_22 = KubeVersion(1, 22)
    for api_version, kind in (("rbac.authorization.k8s.io/v1beta1", "RoleList"),
                              ("apiregistration.k8s.io/v1beta1", "APIServiceList"),
                              ("extensions/v1beta1", "IngressList")):
        assert lifecycle.status(api_version, kind, at_1_22) is ApiStatus.REMOVED
    assert lifecycle.status("rbac.authorization.k8s.io/v1", "RoleList", at_1_22) is ApiStatus.UNKNOWN
    assert lifecycle.lookup("v1", "List") is None
    assert lifecycle.lookup("apps/v1", "List") is None  # no rows: a group/version kubehop knows nothing removed of
    assert lifecycle.lookup("example.com/v1", "WidgetList") is None
    batch = lifecycle.lookup("batch/v2alpha1", "ScheduledJobList")
    assert batch is not None and batch.replacement_label == "batch/v1 CronJobList"


def test_user_rows_give_list_kinds_too(tmp_path: Path) -> None:
    extra = tmp_path / "crd.yaml"
    extra.write_text('apis:\n- {apiVersion: example.com/v1alpha1, kind: Widget, removedIn: "1.20", '
                     'source: "example"}\n')
    derived = Lifecycle.load([extra]).lookup("example.com/v1alpha1", "WidgetList")
    assert derived is not None and derived.origin == str(extra)
    assert derived.status_at(KubeVersion(1, 20)) is ApiStatus.REMOVED


def test_the_generic_list_of_a_group_version_goes_with_its_last_kind() -> None:
    lifecycle = Lifecycle.default()
    entry = lifecycle.lookup("extensions/v1beta1", "List")
    assert entry is not None and entry.removed_in == KubeVersion(1, 22)  # Ingress, the last one, went in 1.22
    assert entry.replacement_label == "v1"
    assert "Ingress" in entry.source and "DaemonSet" in entry.source
    assert lifecycle.status("extensions/v1beta1", "List", KubeVersion(1, 21)) is ApiStatus.DEPRECATED
    assert lifecycle.status("extensions/v1beta1", "List", KubeVersion(1, 22)) is ApiStatus.REMOVED
    assert lifecycle.status("rbac.authorization.k8s.io/v1beta1", "List", KubeVersion(1, 22)) is ApiStatus.REMOVED
    assert lifecycle.lookup("rbac.authorization.k8s.io/v1", "List") is None
