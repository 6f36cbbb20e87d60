"""The release-manifest fast path finds exactly what Scanner.scan_text finds."""

from __future__ import annotations

import pytest

from kubehop.helm.manifest_scan import ManifestScanner
from kubehop.lifecycle import Lifecycle
from kubehop.model import KubeVersion, Location
from kubehop.scan import Scanner, ScanOptions

MANIFESTS = {
    "helm": "---\n# Source: c/templates/a.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
            "spec: {selector: {matchLabels: {a: b}}}\n---\n# Source: c/templates/b.yaml\n"
            "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: b\n---\n"
            "# Source: c/templates/c.yaml\napiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata:\n  name: c\n"
            "spec:\n  template:\n    metadata:\n      labels: {x: y}\n",
    "json-and-quoted": '{"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "j"}}\n'
                       "---\napiVersion: \"apps/v1beta2\"\nkind: 'ReplicaSet'\nmetadata: {name: q}\n",
    "list-and-end-markers": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: policy/v1beta1\n  kind: "
                            "PodSecurityPolicy\n  metadata: {name: p}\n...\n---\napiVersion: v1\nkind: Service\n"
                            "metadata: {name: s}\n",
    "rbac": "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n"
            "- apiGroups: [extensions]\n  resources: [deployments]\n  verbs: [get]\n",
    "broken-wanted-doc": "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: [\n---\n"
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n",
    "no-separators": "apiVersion: batch/v2alpha1\nkind: CronJob\nmetadata:\n  name: old\n",
}


@pytest.mark.parametrize("name", sorted(MANIFESTS))
@pytest.mark.parametrize("target", ["1.16", "1.22", "1.25"])
def test_same_findings_as_scan_text(name: str, target: str) -> None:
    text = MANIFESTS[name]
    base = Location(path="sql:default/sh.helm.release.v1.x.v1", release="x", namespace="default", revision=1,
                    status="deployed", storage_key="sh.helm.release.v1.x.v1")
    options = ScanOptions(target=KubeVersion.parse(target), lifecycle=Lifecycle.default())
    expected = list(Scanner(options).scan_text(text, base, chart_lines=True))
    fast = ManifestScanner(Scanner(options))
    assert list(fast.scan(text, base)) == expected
    # A second revision with the same documents reuses the findings, relabelled with its own revision.
    second = Location(**{**base.__dict__, "revision": 2, "status": "superseded"})
    again = list(fast.scan(text, second))
    assert [(f.rule_id, f.location.line, f.location.template) for f in again] == [
        (f.rule_id, f.location.line, f.location.template) for f in expected]
    assert all(f.location.revision == 2 and f.location.status == "superseded" for f in again)


def test_the_helm_manifest_has_findings() -> None:
    options = ScanOptions(target=KubeVersion.parse("1.22"), lifecycle=Lifecycle.default())
    found = list(ManifestScanner(Scanner(options)).scan(MANIFESTS["helm"], Location(path="x")))
    assert {f.kind for f in found} >= {"Ingress", "DaemonSet"}


def test_document_and_source_counts_match_scan_text() -> None:
    options = ScanOptions(target=KubeVersion.parse("1.22"), lifecycle=Lifecycle.default())
    slow, fast = Scanner(options), ManifestScanner(Scanner(options))
    for revision in (1, 2):
        base = Location(path="x", release="r", revision=revision)
        list(slow.scan_text(MANIFESTS["helm"], base, chart_lines=True))
        list(fast.scan(MANIFESTS["helm"], base))
    assert (fast.scanner.stats.documents, fast.scanner.stats.sources) == (slow.stats.documents, slow.stats.sources)
