from __future__ import annotations

from kubehop.check import Operation
from tests.check.helpers import check, ctx, detail, rules_of

CM = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
"""
LIVE = CM.replace("metadata: {name: settings}", "metadata: {name: settings, namespace: default}")


def test_rollback_to_a_revision_with_a_live_object_the_current_one_dropped_stops() -> None:
    report = check(CM, "", LIVE, ctx(Operation.ROLLBACK, target_revision=2))
    assert rules_of(report, "removed") == ["rollback-untracked"]
    assert detail(report, "rollback-untracked", "error") == 'Error: no ConfigMap with the name "settings" found'


def test_deleted_object_inferred_live_and_upgrade_adoption_pass() -> None:
    assert rules_of(check(CM, "", [], ctx(Operation.ROLLBACK))) == []
    assert rules_of(check(CM, "", None, ctx(Operation.ROLLBACK))) == []
    assert rules_of(check(CM, "", LIVE, ctx())) == []  # helm upgrade adopts (ownership not modelled)
