from __future__ import annotations

from kubehop.check import Operation
from tests.check.helpers import check, ctx, detail, rules_of

DS_OLD = """
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: agent}
spec:
  template: {metadata: {labels: {app: agent}}}
"""
DS_NEW = DS_OLD.replace("extensions/v1beta1", "apps/v1").replace(
    "spec:\n", "spec:\n  selector: {matchLabels: {app: agent}}\n")


def test_rollback_to_a_revision_with_a_removed_api_cannot_be_built() -> None:
    report = check(DS_OLD, DS_NEW, None, ctx(Operation.ROLLBACK, target_revision=1,
                                             served={"extensions/v1beta1": False, "apps/v1": True}))
    assert detail(report, "removed-api-in-release", "error") == (
        "Error: unable to build kubernetes objects from new release manifest: resource mapping not found for name: "
        '"agent" namespace: "default" from "": no matches for kind "DaemonSet" in version "extensions/v1beta1"\n'
        "ensure CRDs are installed first")


def test_upgrade_from_a_current_revision_with_a_removed_api_cannot_be_built() -> None:
    report = check(DS_NEW, DS_OLD, None, ctx(served={"extensions/v1beta1": False, "apps/v1": True}))
    assert "unable to build kubernetes objects from current release manifest" in detail(
        report, "removed-api-in-release", "error")
    assert "removed-api-in-release" not in rules_of(check(DS_NEW, DS_OLD, None, ctx()))  # version unknown


def test_every_unserved_object_of_the_current_revision_is_listed_in_its_order() -> None:
    current = DS_OLD + "---\n" + """
apiVersion: apps/v1beta1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  template: {metadata: {labels: {app: db}}}
"""
    # The new manifest renames the DaemonSet (Helm would delete the old one) and drops nothing else.
    new = DS_NEW.replace("name: agent", "name: agent-v2") + "---\n" + DS_NEW.replace("DaemonSet", "StatefulSet") \
        .replace("name: agent", "name: db")
    report = check(new, current, None, ctx(served={"extensions/v1beta1": False, "apps/v1beta1": False,
                                                   "apps/v1": True}))
    assert report.helm_error == (
        "Error: UPGRADE FAILED: unable to build kubernetes objects from current release manifest: ["
        'resource mapping not found for name: "agent" namespace: "default" from "": no matches for kind "DaemonSet" '
        'in version "extensions/v1beta1"\nensure CRDs are installed first, resource mapping not found for name: '
        '"db" namespace: "default" from "": no matches for kind "StatefulSet" in version "apps/v1beta1"\n'
        "ensure CRDs are installed first]")
    helm2 = check(new, current, None, ctx(helm_version=(2, 17, 0), served={"extensions/v1beta1": False,
                                                                          "apps/v1beta1": False}))
    # The seed's own wording (helm 2 with Kubernetes 1.19).
    assert helm2.helm_error == (
        'Error: UPGRADE FAILED: [unable to recognize "": no matches for kind "DaemonSet" in version '
        '"extensions/v1beta1", unable to recognize "": no matches for kind "StatefulSet" in version "apps/v1beta1"]')
