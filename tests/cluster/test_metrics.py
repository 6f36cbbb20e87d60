"""The Prometheus text parser and the deprecated-API evidence of /metrics and audit logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubehop.cluster.metrics import AuditLogError, DeprecatedUse, audit_uses, deprecated_uses, parse_prometheus_text

DATA = Path(__file__).resolve().parents[1] / "data" / "metrics"


def test_samples_labels_and_escapes() -> None:
    text = ('# HELP x help\n# TYPE x gauge\nx{a="1",b="q\\"uote\\\\ and \\n",c=""} 2.5\n'
            'y 7 1657860000000\nbroken line\nz{a="1"} NaN\n')
    samples = list(parse_prometheus_text(text))
    assert [(s.name, s.labels, s.value) for s in samples[:2]] == [
        ("x", (("a", "1"), ("b", 'q"uote\\ and \n'), ("c", "")), 2.5), ("y", (), 7.0)]
    assert samples[2].name == "z" and samples[2].value != samples[2].value  # NaN is a value
    assert [s.name for s in parse_prometheus_text(text, ["y"])] == ["y"]


def test_deprecated_uses_from_a_realistic_metrics_page() -> None:
    uses = deprecated_uses((DATA / "apiserver-1.21.txt").read_text())
    assert uses == [
        DeprecatedUse("batch", "v1beta1", "cronjobs", "", "1.25", 1442),
        DeprecatedUse("example.com", "v1alpha1", "widgets", "", "", None),
        DeprecatedUse("extensions", "v1beta1", "ingresses", "", "1.22", 113),
        DeprecatedUse("extensions", "v1beta1", "ingresses", "status", "1.22", 5),
        DeprecatedUse("policy", "v1beta1", "podsecuritypolicies", "", "1.25", 311),
    ]
    assert uses[3].resource_label == "ingresses.extensions/status" and uses[0].api_version == "batch/v1beta1"


def test_a_zero_gauge_and_other_metrics_are_not_uses() -> None:
    text = ('apiserver_requested_deprecated_apis{group="batch",removed_release="1.25",resource="cronjobs",'
            'subresource="",version="v1beta1"} 0\napiserver_request_total{group="apps",resource="deployments",'
            'subresource="",version="v1"} 12\n')
    assert deprecated_uses(text) == []


def test_audit_log_by_user_agent_once_per_request() -> None:
    uses = audit_uses((DATA / "audit.jsonl").read_text().splitlines())
    assert uses == [
        DeprecatedUse("batch", "v1beta1", "cronjobs", "", "1.25", 1, "helm/v3.5.4 (linux/amd64)", "audit-log"),
        DeprecatedUse("extensions", "v1beta1", "ingresses", "", "1.22", 2, "nginx-ingress-controller/v0.34.1",
                      "audit-log"),
    ]


@pytest.mark.parametrize(("line", "message"), [("{not json", "line 1: not JSON"), ("[1]", "line 1: not a JSON object")])
def test_audit_log_errors_name_the_line(line: str, message: str) -> None:
    with pytest.raises(AuditLogError, match=message):
        audit_uses([line])


LABEL_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), LABEL_TEXT, max_size=5),
       st.integers(min_value=0, max_value=10**9))
def test_any_label_values_round_trip(labels: dict[str, str], value: int) -> None:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    body = ",".join(f'{key}="{escape(text)}"' for key, text in labels.items())
    [sample] = parse_prometheus_text(f"metric_name{{{body}}} {value}\n")
    assert dict(sample.labels) == labels and sample.value == value
