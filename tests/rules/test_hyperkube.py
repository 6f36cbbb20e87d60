"""hyperkube: static pods, DaemonSets and Deployments that run the hyperkube image or binary."""

from __future__ import annotations

import json

import pytest

from kubehop.model import Severity
from kubehop.rules.hyperkube import hyperkube_words, image_parts
from tests.fixtures.kube_cluster import KubeCluster
from tests.helpers import scan, tags

STATIC_POD = """apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-master-1, namespace: kube-system}
spec:
  containers:
    - name: kube-apiserver
      image: k8s.gcr.io/hyperkube:v1.18.6
      command: [/hyperkube, kube-apiserver, --secure-port=6443]
"""


def test_static_pod_running_hyperkube_is_removed_at_1_19() -> None:
    (finding,) = scan(STATIC_POD, "1.19", only=["hyperkube"])
    assert finding.tag == "hyperkube[Pod/kube-apiserver-master-1/kube-apiserver]"
    assert finding.severity is Severity.REMOVED
    assert (finding.deprecated_in, finding.removed_in) == ("1.17", "1.19")
    assert finding.replacement == "registry.k8s.io/kube-apiserver:v1.18.6"
    assert finding.detail("component") == "kube-apiserver"
    assert "#88676" in finding.detail("source")
    assert "with command `kube-apiserver`" in finding.message


def test_deprecated_at_1_17_and_1_18_and_nothing_before() -> None:
    for target in ("1.17", "1.18"):
        assert [f.severity for f in scan(STATIC_POD, target, only=["hyperkube"])] == [Severity.DEPRECATED]
    assert scan(STATIC_POD, "1.16", only=["hyperkube"]) == []


def test_per_component_image_passes() -> None:
    fixed = STATIC_POD.replace("k8s.gcr.io/hyperkube:v1.18.6", "registry.k8s.io/kube-apiserver:v1.18.6").replace(
        "[/hyperkube, kube-apiserver,", "[kube-apiserver,")
    assert scan(fixed, "1.19", only=["hyperkube"]) == []


def test_the_binary_in_another_image_or_a_shell_script_is_found() -> None:
    text = """apiVersion: apps/v1
kind: DaemonSet
metadata: {name: proxy, namespace: kube-system}
spec:
  template:
    spec:
      initContainers:
        - name: setup
          image: busybox:1.36
          command: [sh, -c, "cp /hyperkube /host && exec /host/hyperkube proxy --v=2"]
      containers:
        - name: main
          image: example.com/tools/all-in-one:3
          command: [/usr/local/bin/hyperkube]
          args: [kubelet, --config=/etc/kubelet.yaml]
"""
    findings = scan(text, "1.20", only=["hyperkube"])
    assert tags(findings) == [(1, "hyperkube[DaemonSet/proxy/setup]"), (1, "hyperkube[DaemonSet/proxy/main]")]
    setup, main = findings
    assert setup.detail("component") == "kube-proxy" and setup.replacement == "registry.k8s.io/kube-proxy"
    assert ":<version>" in setup.message  # busybox's tag is not a Kubernetes version
    assert main.detail("component") == "kubelet" and main.replacement == ""
    assert "pkgs.k8s.io" in main.message and "no kubelet container image" in main.message


def test_component_from_entrypoint_args_or_names() -> None:
    text = """apiVersion: apps/v1
kind: Deployment
metadata: {name: kube-scheduler, namespace: kube-system}
spec:
  template:
    spec:
      containers:
        - {name: a, image: "quay.io/coreos/hyperkube:v1.16.7_coreos.0", args: [scheduler, --leader-elect=true]}
        - {name: kube-controller-manager, image: "gcr.io/google-containers/hyperkube-amd64:v1.16.7@sha256:00"}
        - {name: sidecar, image: "k8s.gcr.io/hyperkube:v1.16.7", command: [sleep, infinity]}
"""
    a, cm, sidecar = scan(text, "1.19", only=["hyperkube"])
    assert a.replacement == "registry.k8s.io/kube-scheduler:v1.16.7"
    assert cm.replacement == "registry.k8s.io/kube-controller-manager:v1.16.7"
    assert sidecar.detail("component") == "kube-scheduler"  # the object's name says which component
    unknown = text.replace("name: kube-scheduler,", "name: control,")
    *_, last = scan(unknown, "1.19", only=["hyperkube"])
    assert last.detail("component") == "" and "move each component to its own image" in last.message


def test_other_workloads_and_kinds_are_left_alone() -> None:
    text = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {template: {spec: {containers: [{name: web, image: "nginx:1.25", command: [nginx]}]}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: notes}
data: {text: "we ran /hyperkube kube-apiserver once"}
"""
    assert scan(text, "1.25", only=["hyperkube"]) == []


def test_helpers() -> None:
    assert image_parts("k8s.gcr.io/hyperkube:v1.16.7") == ("k8s.gcr.io/hyperkube", "v1.16.7")
    assert image_parts("localhost:5000/hyperkube@sha256:ab") == ("localhost:5000/hyperkube", "")
    assert image_parts("hyperkube") == ("hyperkube", "")
    assert hyperkube_words(["/bin/sh", "-c", "exec /hyperkube kubelet --v=2"]) == ["kubelet", "--v=2"]
    assert hyperkube_words(["/usr/bin/hyperkube-wrapper", "kubelet"]) is None


def test_a_live_daemonset_written_with_hyperkube_is_found_from_its_last_applied_annotation(
        kube_cluster: KubeCluster, capsys: pytest.CaptureFixture[str]) -> None:
    from kubernetes import client as k8s

    from kubehop.cli import main
    from kubehop.cluster import api_client

    applied = {"apiVersion": "apps/v1", "kind": "DaemonSet",
               "metadata": {"name": "kube-proxy", "namespace": "hk-live"},
               "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                        "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                                     "spec": {"containers": [{"name": "kube-proxy",
                                                              "image": "k8s.gcr.io/hyperkube:v1.18.20",
                                                              "command": ["/hyperkube", "kube-proxy"]}]}}}}
    body = json.loads(json.dumps(applied))
    body["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied)}
    apps = k8s.AppsV1Api(api_client(str(kube_cluster.kubeconfig)))
    apps.create_namespaced_daemon_set("hk-live", body)
    try:
        code = main(["scan", "--cluster", "--kubeconfig", str(kube_cluster.kubeconfig), "-n", "hk-live", "--target",
                     "1.19", "--only", "hyperkube", "-o", "json"])
        report = json.loads(capsys.readouterr().out)
    finally:
        apps.delete_namespaced_daemon_set("kube-proxy", "hk-live")
    assert code == 3
    (finding,) = report["findings"]
    assert finding["tag"] == "hyperkube[DaemonSet/kube-proxy/kube-proxy]"
    assert finding["replacement"] == "registry.k8s.io/kube-proxy:v1.18.20"
    assert finding["location"]["path"] == "cluster:prod/hk-live/daemonsets.apps/kube-proxy#last-applied"


def test_kubectl_list_output_of_mirror_pods_is_scanned() -> None:
    # `kubectl get pods -n kube-system -o yaml` prints a v1 List; static pods appear there as mirror pods.
    text = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: kube-apiserver-cp1, namespace: kube-system}
  spec: {containers: [{name: kube-apiserver, image: "k8s.gcr.io/hyperkube:v1.18.20", command: [/hyperkube, kube-apiserver]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: coredns-1, namespace: kube-system}
  spec: {containers: [{name: coredns, image: "k8s.gcr.io/coredns:1.6.7"}]}
"""
    (finding,) = scan(text, "1.19", only=["hyperkube"])
    assert finding.tag == "hyperkube[Pod/kube-apiserver-cp1/kube-apiserver]"
    assert finding.replacement == "registry.k8s.io/kube-apiserver:v1.18.20"
