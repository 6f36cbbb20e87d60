from __future__ import annotations

from kubehop.model import Severity
from tests.check.helpers import check, ctx, detail, rules_of

PVC = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources: {requests: {storage: 10Gi}}
"""
LIVE = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  volumeMode: Filesystem
  volumeName: pvc-1234
  resources: {requests: {storage: 10Gi}}
status: {phase: Bound}
"""


def test_storage_class_change_is_forbidden() -> None:
    report = check(PVC.replace("fast", "slow"), PVC, LIVE, ctx())
    assert rules_of(report, "removed") == ["pvc-immutable"]
    assert detail(report, "pvc-immutable", "error").endswith(
        'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except '
        "resources.requests and volumeAttributesClassName for bound claims")


def test_shrinking_is_forbidden_and_growth_depends_on_the_class() -> None:
    shrink = check(PVC.replace("10Gi", "5Gi"), PVC, LIVE, ctx())
    assert detail(shrink, "pvc-immutable", "error").endswith(
        "spec.resources.requests.storage: Forbidden: field can not be less than previous value")
    grow = PVC.replace("10Gi", "20Gi")
    assert "pvc-immutable" not in rules_of(check(grow, PVC, LIVE, ctx(storage_classes={"fast": True})))
    [unknown] = [f for f in check(grow, PVC, LIVE, ctx()).findings if f.rule_id == "pvc-immutable"]
    assert unknown.severity is Severity.WARNING
    refused = check(grow, PVC, LIVE, ctx(storage_classes={"fast": False}))
    assert detail(refused, "pvc-immutable", "error").endswith(
        'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the '
        "storageclass that provisions the pvc must support resize")


def test_force_put_drops_the_bound_volume_name() -> None:
    report = check(PVC, PVC, LIVE, ctx(force=True))
    assert rules_of(report, "removed") == ["pvc-immutable"]
    assert "volumeName=pvc-1234" in detail(report, "pvc-immutable", "old")
    assert rules_of(check(PVC, PVC, LIVE, ctx()), "removed") == []
