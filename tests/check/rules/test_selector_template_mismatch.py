from __future__ import annotations

from tests.check.helpers import check, ctx, detail, rules_of

LIVE = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  selector: {matchLabels: {app: db, version: "1.4"}}
  template: {metadata: {labels: {app: db, version: "1.4"}}}
"""
BUMPED = LIVE.replace('template: {metadata: {labels: {app: db, version: "1.4"}}}',
                      'template: {metadata: {labels: {app: db, version: "1.5"}}}')
EXPR_LIVE = LIVE.replace('selector: {matchLabels: {app: db, version: "1.4"}}',
                         "selector: {matchExpressions: [{key: app, operator: In, values: [db, cache]}]}")


def test_label_that_moves_with_the_release_is_named() -> None:
    report = check(BUMPED, LIVE, LIVE, ctx())
    assert "selector-template-mismatch" in rules_of(report, "removed")
    assert detail(report, "selector-template-mismatch", "moving_labels") == "version"
    assert detail(report, "selector-template-mismatch", "error").startswith(
        'Error: UPGRADE FAILED: cannot patch "db" with kind StatefulSet: StatefulSet.apps "db" is invalid: '
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db", "version":"1.5"}')


def test_match_expressions_are_evaluated() -> None:
    ok = EXPR_LIVE.replace('labels: {app: db, version: "1.4"}', "labels: {app: cache}")
    assert "selector-template-mismatch" not in rules_of(check(ok, EXPR_LIVE, EXPR_LIVE, ctx()))
    bad = EXPR_LIVE.replace('labels: {app: db, version: "1.4"}', "labels: {app: web}")
    assert "selector-template-mismatch" in rules_of(check(bad, EXPR_LIVE, EXPR_LIVE, ctx()))
