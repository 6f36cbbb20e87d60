from __future__ import annotations

from tests.helpers import scan, tags

DS = "apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n"


def test_removed_at_target() -> None:
    findings = scan(DS, "1.16", only=["removed-api"])
    assert tags(findings) == [(1, "removed-api[extensions/v1beta1/DaemonSet]")]
    f = findings[0]
    assert (f.replacement, f.deprecated_in, f.removed_in, f.replacement_available_in) == ("apps/v1", "1.8", "1.16", "1.9")
    assert f.name == "d" and "not served in 1.16" in f.message


def test_not_removed_before_removal() -> None:
    assert scan(DS, "1.15", only=["removed-api"]) == []


def test_kind_change_is_named() -> None:
    findings = scan("apiVersion: batch/v2alpha1\nkind: ScheduledJob\n", "1.8", only=["removed-api"])
    assert findings[0].replacement == "batch/v1 CronJob"


def test_no_replacement_is_said() -> None:
    findings = scan("apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n", "1.25", only=["removed-api"])
    assert findings[0].replacement == "" and "no replacement" in findings[0].message


def test_served_api_is_fine() -> None:
    assert scan("apiVersion: apps/v1\nkind: DaemonSet\n", "1.30") == []


def test_interim_replacement_when_the_final_one_is_not_served_yet() -> None:
    text = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: PriorityLevelConfiguration\n"
    f = scan(text, "1.26", only=["removed-api"])[0]
    assert (f.replacement, f.replacement_available_in) == ("flowcontrol.apiserver.k8s.io/v1beta2", "1.23")
    assert "then flowcontrol.apiserver.k8s.io/v1 once on 1.29+" in f.message
    f = scan(text, "1.29", only=["removed-api"])[0]
    assert (f.replacement, f.replacement_available_in) == ("flowcontrol.apiserver.k8s.io/v1", "1.29")
