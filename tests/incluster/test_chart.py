"""The Helm chart (charts/kubehop): helm lint, every rendered object valid for every schema'd Kubernetes minor,
the least-privilege RBAC it asks for, and the CronJob's command run as a pod runs it against the API emulator."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import kubernetes_validate.utils as kv
import pytest
import yaml

from kubehop.cli import main
from kubehop.incluster import METRICS_KEY, decode_report, scan_permissions
from kubehop.lifecycle import Lifecycle
from tests.fixtures.kube_cluster import KubeCluster
from tests.fixtures.kube_cluster_seed import SECRET_CANARY, SECRET_CANARY_B64
from tests.incluster.pod import pod_for

CHART = Path(__file__).resolve().parents[2] / "charts" / "kubehop"
VALUE_SETS = {
    "defaults": [],
    "everything": ["--set", "metrics.enabled=true", "--set", "releases.readSecrets=true", "--set", "target=1.25",
                   "--set", "timeZone=Etc/UTC", "--set", "extraArgs={--skip,deprecated-api}"],
    "no-releases": ["--set", "releases.enabled=false"],
}


def render(helm_binary: str, namespace: str, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run([helm_binary, "template", "hop", str(CHART), "--namespace", namespace, *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def minors() -> list[str]:
    newest = int(kv.latest_version().split(".")[1])
    return [f"1.{m}" for m in range(25, newest + 1)]


def test_helm_lint_passes_strict(helm_binary: str) -> None:
    for args in VALUE_SETS.values():
        done = subprocess.run([helm_binary, "lint", "--strict", str(CHART), *args], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 chart(s) linted, 0 chart(s) failed" in done.stdout


@pytest.mark.parametrize("values", sorted(VALUE_SETS))
def test_every_rendered_object_is_valid_for_every_minor(helm_binary: str, values: str) -> None:
    docs = render(helm_binary, "tools", *VALUE_SETS[values])
    kinds = sorted(d["kind"] for d in docs)
    expected = ["ClusterRole", "ClusterRoleBinding", "CronJob", "Role", "RoleBinding", "ServiceAccount"]
    assert kinds == sorted(expected + (["Deployment", "Service"] if values == "everything" else []))
    assert len(minors()) >= 13
    for minor in minors():
        for doc in docs:
            kubernetes_validate.validate(doc, minor, strict=True)  # raises on any unknown or invalid field


def test_validation_would_catch_a_broken_object() -> None:
    cronjob = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "x"},
               "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                   "containers": [{"name": "c", "image": "i", "comand": ["typo"]}]}}}}}}
    with pytest.raises(kv.ValidationError):
        kubernetes_validate.validate(cronjob, "1.25", strict=True)


def _rules(role: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in role["rules"]:
        assert sorted(rule["verbs"]) == ["get", "list"], rule
        assert "resourceNames" not in rule
        for group in rule["apiGroups"]:
            found.setdefault(group, set()).update(rule["resources"])
    return found


@pytest.mark.parametrize("values", sorted(VALUE_SETS))
def test_cluster_role_is_get_list_on_exactly_what_a_scan_lists(helm_binary: str, values: str) -> None:
    docs = render(helm_binary, "tools", *VALUE_SETS[values])
    (role,) = by_kind(docs, "ClusterRole")
    expected = {group: set(resources) for group, resources in scan_permissions(Lifecycle.default()).items()}
    if values == "everything":
        expected[""] |= {"secrets"}
    elif values == "defaults":
        expected[""] |= {"configmaps"}
    assert _rules(role) == expected
    (cronjob,) = by_kind(docs, "CronJob")
    command = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    storage = {"defaults": ["--storage", "configmap"], "everything": ["--storage", "secret"], "no-releases": []}
    assert ("--releases" in command) == (values != "no-releases")
    if storage[values]:
        index = command.index("--storage")
        assert command[index:index + 2] == storage[values]


def test_role_writes_only_the_report_configmap_in_its_namespace(helm_binary: str) -> None:
    docs = render(helm_binary, "tools", "--set", "reportConfigMap=hop-report")
    (role,) = by_kind(docs, "Role")
    assert role["metadata"]["namespace"] == "tools"
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["hop-report"], "verbs": ["get", "update"]},
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create"]},
    ]
    (binding,) = by_kind(docs, "RoleBinding")
    (account,) = by_kind(docs, "ServiceAccount")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account["metadata"]["name"],
                                    "namespace": "tools"}]


def test_pods_run_as_non_root_with_a_read_only_root(helm_binary: str) -> None:
    docs = render(helm_binary, "tools", "--set", "metrics.enabled=true")
    pods = [by_kind(docs, "CronJob")[0]["spec"]["jobTemplate"]["spec"]["template"]["spec"],
            by_kind(docs, "Deployment")[0]["spec"]["template"]["spec"]]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert pods[1]["automountServiceAccountToken"] is False  # the exporter talks to no API


def _request(head: bytes) -> tuple[str, str, str, str, str] | None:
    """(verb, group, resource, namespace, name) of one API request line; None for discovery and /version."""
    method, target = head.split(b"\r\n", 1)[0].decode().split(" ")[:2]
    parts = target.split("?", 1)[0].strip("/").split("/")
    if parts[0] == "api" and len(parts) > 2:
        group, rest = "", parts[2:]
    elif parts[0] == "apis" and len(parts) > 3:
        group, rest = parts[1], parts[3:]
    else:
        return None  # /version, /api, /apis, /apis/<group>/<version>: readable by every authenticated user
    namespace = ""
    if rest[:1] == ["namespaces"] and len(rest) > 2:
        namespace, rest = rest[1], rest[2:]
    resource, name = rest[0], (rest[1] if len(rest) > 1 else "")
    verb = {"GET": "get" if name else "list", "PUT": "update", "POST": "create"}[method]
    return verb, group, resource, namespace, name


def _allowed(request: tuple[str, str, str, str, str], cluster_rules: list[dict[str, Any]],
             role_rules: list[dict[str, Any]], role_namespace: str) -> bool:
    verb, group, resource, namespace, name = request
    rules = cluster_rules + (role_rules if namespace == role_namespace else [])
    return any(verb in r["verbs"] and group in r["apiGroups"] and resource in r["resources"]
               and (not r.get("resourceNames") or name in r["resourceNames"]) for r in rules)


def test_the_cronjob_command_in_a_pod_environment_writes_the_report(
    helm_binary: str, kube_cluster: KubeCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    namespace = "hop-" + tmp_path.name[-8:].lower().replace("_", "-").strip("-")
    docs = render(helm_binary, namespace)
    (cronjob,) = by_kind(docs, "CronJob")
    command = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:2] == ["kubehop", "scan"]
    with pod_for(kube_cluster.url, tmp_path / "pod", namespace) as pod:
        for name, value in pod.env(tmp_path).items():
            monkeypatch.setenv(name, value)
        for name in ("HELM_DRIVER", "HELM_NAMESPACE", "HELM_KUBECONTEXT"):
            monkeypatch.delenv(name, raising=False)
        code = main(command[1:])
        out, err = capsys.readouterr()
        requests = [h for h in pod.heads if b" HTTP/1.1\r\n" in h.split(b"\r\n", 1)[0] + b"\r\n"]
        assert requests and all(b"authorization: bearer pod-token" in h.lower() for h in requests)
    # Every request the pod made is one the chart's ClusterRole or Role allows.
    (cluster_role,) = by_kind(docs, "ClusterRole")
    (role,) = by_kind(docs, "Role")
    made = [r for r in map(_request, requests) if r is not None]
    assert {r[0] for r in made} >= {"list", "get", "create"}
    assert [r for r in made if not _allowed(r, cluster_role["rules"], role["rules"], namespace)] == []
    assert [r for r in made if not _allowed(r, cluster_role["rules"], [], namespace)] == [  # the check can fail
        ("create", "", "configmaps", namespace, "")]
    assert code == 0, err  # --fail-on none: a scan with findings is a successful Job
    assert "no --target given: scanning for 1.22" in err and "context in-cluster" in err
    assert f"kubehop: report created in ConfigMap {namespace}/kubehop-report" in err
    assert SECRET_CANARY not in out + err and SECRET_CANARY_B64 not in out + err
    stored = [obj.raw for (res, ns, name), obj in kube_cluster.emulator.objects.items()
              if res.plural == "configmaps" and ns == namespace and name == "kubehop-report" and not obj.deleted]
    assert len(stored) == 1
    report, generated = decode_report(stored[0], "report")
    assert generated.endswith("Z") and report["target"] == "1.22" and report["command"] == "scan"
    assert report["summary"]["findings"] == len(report["findings"]) > 0
    assert {f["location"]["path"].split("/")[0] for f in report["findings"]} == {"cluster:in-cluster"}
    assert SECRET_CANARY not in json.dumps(stored[0])
    metrics = stored[0]["data"][METRICS_KEY]
    assert sum(int(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("kubehop_findings{")) == len(report["findings"])
    # The pod's scan reads what a workstation's reads: the same findings through a kubeconfig.
    monkeypatch.setenv("KUBECONFIG", str(kube_cluster.kubeconfig))
    assert main(["scan", "--cluster", "--releases", "--storage", "configmap", "-o", "json", "--fail-on", "none"]) == 0
    direct = json.loads(capsys.readouterr().out)

    def key(finding: dict[str, Any]) -> tuple[str, str, str]:
        return finding["tag"], finding["name"], finding["location"]["path"].split("/", 1)[-1]

    assert sorted(map(key, direct["findings"])) == sorted(map(key, report["findings"]))
