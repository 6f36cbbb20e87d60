from __future__ import annotations

from kubehop.model import Severity
from tests.check.helpers import check, ctx

LIVE = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent, heritage: Tiller}}
  template: {metadata: {labels: {app: agent, heritage: Tiller}}}
"""
SUBSET = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent, heritage: Tiller}}}
"""
NEW_LABELS = SUBSET.replace("heritage: Tiller", "heritage: Helm")


def test_force_only_failure_is_called_out() -> None:
    report = check(SUBSET, SUBSET, LIVE, ctx(force=True))
    [note] = [f for f in report.findings if f.rule_id == "force-is-put"]
    assert note.severity is Severity.WARNING and "rejected only because of --force" in note.message


def test_without_force_a_put_only_failure_is_a_note() -> None:
    report = check(SUBSET, SUBSET, LIVE, ctx())
    assert not report.rejected
    [note] = [f for f in report.findings if f.rule_id == "force-is-put"]
    assert note.severity is Severity.INFO and "do not use --force" in note.message


def test_force_does_not_help_when_the_patch_fails_too() -> None:
    report = check(NEW_LABELS, SUBSET, LIVE, ctx(force=True))
    notes = {str(f.severity): f.message for f in report.findings if f.rule_id == "force-is-put"}
    assert report.rejected
    assert list(notes) == ["info"] and "not delete-and-recreate" in notes["info"]  # fails either way
