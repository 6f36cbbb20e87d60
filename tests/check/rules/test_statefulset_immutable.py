from __future__ import annotations

from kubehop.model import KubeVersion
from tests.check.helpers import check, ctx, detail, rules_of

LIVE = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  replicas: 1
  podManagementPolicy: OrderedReady
  revisionHistoryLimit: 10
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}}
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
        volumeMode: Filesystem
      status: {phase: Pending}
"""
CHART = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db, tier: data}}}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"""


def test_replicas_and_template_may_change_and_defaults_do_not_count() -> None:
    for force in (False, True):
        assert rules_of(check(CHART, CHART, LIVE, ctx(force=force)), "removed") == []


def test_claim_size_and_service_name_are_forbidden_with_the_version_wording() -> None:
    changed = CHART.replace("storage: 1Gi", "storage: 2Gi").replace("serviceName: db", "serviceName: db-headless")
    report = check(changed, CHART, LIVE, ctx(kube_version=KubeVersion(1, 19)))
    fields = sorted(f.detail("field") for f in report.findings if f.rule_id == "statefulset-immutable")
    assert fields == ["spec.serviceName", "spec.volumeClaimTemplates"]
    claims = next(f for f in report.findings if f.detail("field") == "spec.volumeClaimTemplates")
    assert (claims.detail("old"), claims.detail("new")) == ("[name=data].spec.resources.requests.storage=1Gi",
                                                            "[name=data].spec.resources.requests.storage=2Gi")
    assert detail(report, "statefulset-immutable", "error").endswith(
        'StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than '
        "'replicas', 'template', and 'updateStrategy' are forbidden")
    newest = check(changed, CHART, LIVE, ctx())
    assert "'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', " \
           "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" in \
           detail(newest, "statefulset-immutable", "error")
