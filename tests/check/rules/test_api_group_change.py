from __future__ import annotations

from kubehop.check import Operation
from kubehop.model import Severity
from tests.check.helpers import check, ctx, detail, rules_of

OLD = """
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: 80}
"""
NEW = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
"""
LIVE = NEW.replace("metadata: {name: web}", "metadata: {name: web, namespace: default}")


def test_helm_3_17_1_deletes_the_object_while_the_old_group_is_served() -> None:
    report = check(NEW, OLD, LIVE, ctx(helm_version=(3, 17, 3), served={"extensions/v1beta1": True}))
    [finding] = [f for f in report.findings if f.rule_id == "api-group-change"]
    assert finding.severity is Severity.REMOVED and "helm#30631" in finding.message
    unknown = check(NEW, OLD, LIVE, ctx(helm_version=(3, 17, 3)))
    assert [f.severity for f in unknown.findings if f.rule_id == "api-group-change"] == [Severity.WARNING]


def test_helm_3_17_0_and_same_group_moves_are_safe() -> None:
    assert rules_of(check(NEW, OLD, LIVE, ctx(helm_version=(3, 17, 0), served={"extensions/v1beta1": True}))) == []
    beta = OLD.replace("extensions/v1beta1", "networking.k8s.io/v1beta1")
    assert rules_of(check(NEW, beta, LIVE, ctx(helm_version=(3, 17, 3)))) == []
    # Helm 4.0.0-4.1.0 matched by the full apiVersion, so even that move counted.
    assert "api-group-change" in rules_of(check(NEW, beta, LIVE, ctx(helm_version=(4, 0, 0))))


def test_rollback_across_the_group_move_stops_with_helms_error() -> None:
    report = check(OLD, NEW, LIVE, ctx(Operation.ROLLBACK, helm_version=(3, 17, 3), target_revision=1))
    assert detail(report, "api-group-change", "error") == 'Error: no Ingress with the name "web" found'


def test_adopted_object_is_patched_with_the_render_as_original() -> None:
    # The Ingress is adopted: the patch sets what the render says and deletes nothing else that is live.
    live = LIVE.replace("spec:\n", "spec:\n  ingressClassName: nginx\n")
    report = check(NEW, OLD, live, ctx(helm_version=(3, 17, 3), served={"extensions/v1beta1": True}))
    [change] = [c for c in report.changes if c.key.kind == "Ingress"]
    assert change.original == change.target
    assert change.result["spec"]["ingressClassName"] == "nginx"
