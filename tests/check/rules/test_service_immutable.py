from __future__ import annotations

from kubehop.model import KubeVersion, Severity
from tests.check.helpers import check, ctx, detail, rules_of

SVC = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
"""
LIVE = """
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  clusterIP: 10.96.0.15
  clusterIPs: [10.96.0.15]
  ipFamilies: [IPv4]
  ports: [{port: 80, protocol: TCP, targetPort: 80}]
"""
HEADLESS = SVC.replace("spec:\n", "spec:\n  clusterIP: None\n")


def test_switching_to_headless_is_rejected_with_the_exact_message() -> None:
    report = check(HEADLESS, SVC, LIVE, ctx())
    assert rules_of(report, "removed") == ["service-immutable"]
    assert detail(report, "service-immutable", "error") == (
        'Error: UPGRADE FAILED: cannot patch "web" with kind Service: Service "web" is invalid: '
        'spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set')


def test_old_servers_say_field_is_immutable_and_reject_a_put_without_cluster_ip() -> None:
    old = ctx(kube_version=KubeVersion(1, 19))
    assert detail(check(HEADLESS, SVC, LIVE, old), "service-immutable", "error").endswith(
        'spec.clusterIP: Invalid value: "None": field is immutable')
    forced = check(SVC, SVC, LIVE, ctx(kube_version=KubeVersion(1, 19), force=True))
    assert detail(forced, "service-immutable", "error").endswith('spec.clusterIP: Invalid value: "": field is immutable')


def test_omitting_cluster_ip_is_fine_on_current_servers() -> None:
    assert rules_of(check(SVC, SVC, LIVE, ctx(force=True)), "removed") == []


def test_ip_family_change_and_inferred_ip_uncertainty() -> None:
    v6 = SVC.replace("spec:\n", "spec:\n  ipFamilies: [IPv6]\n")
    assert detail(check(v6, SVC, LIVE, ctx()), "service-immutable", "error").endswith(
        'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set')
    explicit = SVC.replace("spec:\n", "spec:\n  clusterIP: 10.96.0.99\n")
    [finding] = check(explicit, SVC, None, ctx()).findings
    assert finding.severity is Severity.WARNING  # the allocated IP is not known without the live object
