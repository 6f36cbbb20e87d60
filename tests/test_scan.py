"""The scan engine: rule selection and the sniff-then-parse fast path."""

from __future__ import annotations

import pytest

from kubehop.errors import UsageError
from tests.helpers import TEST_LIFECYCLE, scan, tags

STREAM = """apiVersion: v1
kind: ConfigMap
data: {a: b}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: [broken
---
kind: DaemonSet
apiVersion: "extensions/v1beta1"
metadata: {name: ds}
spec: {selector: {matchLabels: {a: b}}}
"""


def test_findings_in_order_with_parse_error_not_hiding_the_rest() -> None:
    assert tags(scan(STREAM, "1.22")) == [
        (5, "removed-api[extensions/v1beta1/Ingress]"),
        (12, "parse-error"),
        (15, "removed-api[extensions/v1beta1/DaemonSet]"),
    ]


def test_fast_path_skips_syntax_of_documents_no_rule_needs() -> None:
    # The broken Service is only sniffed, its syntax error is found by --full-parse.
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\n"
    assert scan(text, "1.22") == []
    assert tags(scan(text, "1.22", full_parse=True)) == [(4, "parse-error")]


def test_fast_and_full_parse_agree_on_valid_input() -> None:
    valid = STREAM.replace("name: [broken", "name: ok")
    assert scan(valid, "1.22") == scan(valid, "1.22", full_parse=True)


def test_skip_and_only() -> None:
    assert tags(scan(STREAM, "1.22", skip=["parse-error"])) == [
        (5, "removed-api[extensions/v1beta1/Ingress]"),
        (15, "removed-api[extensions/v1beta1/DaemonSet]"),
    ]
    assert tags(scan(STREAM, "1.22", skip=["removed-api[extensions/v1beta1/Ingress]"]))[0][1] == "parse-error"
    assert tags(scan(STREAM, "1.22", only=["parse-error"], full_parse=True)) == [(12, "parse-error")]


def test_unknown_rule_in_skip_is_an_error() -> None:
    with pytest.raises(UsageError):
        scan(STREAM, "1.22", skip=["nope"])


@pytest.mark.parametrize("target", ["1.7", "1.99", "2.0"])
def test_target_outside_the_data_is_refused(target: str) -> None:
    with pytest.raises(UsageError):
        TEST_LIFECYCLE.parse_target(target)


@pytest.mark.parametrize("text", ["1.22", "v1.22.3", "1.22.0-eks-a1b2c3", "v1.22.3+k3s1"])
def test_target_spellings(text: str) -> None:
    assert TEST_LIFECYCLE.parse_target(text).minor == 22


def test_a_mentions_rule_gets_a_document_parsed_only_when_its_text_mentions_the_word() -> None:
    from kubehop.lifecycle import Lifecycle
    from kubehop.model import KubeVersion, Location
    from kubehop.scan import Scanner, ScanOptions

    plain = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: " \
            "[{name: web, image: 'nginx:1.25'}]}}}\n"
    hyper = plain.replace("web", "kube-proxy").replace("nginx:1.25", "k8s.gcr.io/hyperkube:v1.18.6")
    scanner = Scanner(ScanOptions(target=KubeVersion(1, 19), lifecycle=Lifecycle.default()))
    findings = list(scanner.scan_text("---\n".join([plain] * 3 + [hyper]), Location("stream.yaml")))
    assert tags(findings) == [(16, "hyperkube[Deployment/kube-proxy/kube-proxy]")]
    assert (scanner.stats.documents, scanner.stats.parsed) == (4, 1)  # the three plain Deployments: sniffed only
    skipping = Scanner(ScanOptions(target=KubeVersion(1, 19), lifecycle=Lifecycle.default(),
                                   skip=frozenset({"hyperkube"})))
    assert list(skipping.scan_text(hyper, Location("s.yaml"))) == [] and skipping.stats.parsed == 0
