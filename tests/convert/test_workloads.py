"""Workload selectors: taken from the live object when known, else the template labels, said in a note."""

from __future__ import annotations

from typing import Any

from kubehop.convert import NoteKind, convert_for_target
from kubehop.model import KubeVersion

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"template": {"metadata": {"labels": {"app": "web", "chart": "web-2.0.0"}}, "spec": {}}},
}


def test_live_selector_wins_and_a_mismatch_with_the_template_is_a_decision() -> None:
    live = {"spec": {"selector": {"matchLabels": {"app": "web", "chart": "web-1.0.0"}}}}
    result = convert_for_target(DEPLOYMENT, KubeVersion(1, 16), live=live)
    assert result.obj is not None
    assert result.obj["spec"]["selector"] == {"matchLabels": {"app": "web", "chart": "web-1.0.0"}}
    kinds = [(n.kind, n.message.split(" ")[0]) for n in result.notes]
    assert (NoteKind.INFO, "spec.selector") in kinds
    assert any(n.kind is NoteKind.DECISION and "does not match" in n.message for n in result.notes)


def test_without_live_the_selector_is_the_template_labels_with_a_decision_note() -> None:
    result = convert_for_target(DEPLOYMENT, KubeVersion(1, 16))
    assert result.obj is not None
    assert result.obj["spec"]["selector"] == {"matchLabels": {"app": "web", "chart": "web-2.0.0"}}
    assert list(result.obj["spec"]) == ["selector", "template"]
    assert result.notes[0].kind is NoteKind.DECISION
    assert "extensions/v1beta1 defaulted it" in result.notes[0].message


def test_explicit_settings_silence_the_changed_default_notes() -> None:
    explicit = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "revisionHistoryLimit": 5, "progressDeadlineSeconds": 60,
                                       "strategy": {"type": "Recreate"}, "selector": {"matchLabels": {"app": "web"}}}}
    result = convert_for_target(explicit, KubeVersion(1, 22))
    assert result.notes == ()
    assert result.obj is not None and result.obj["apiVersion"] == "apps/v1"
