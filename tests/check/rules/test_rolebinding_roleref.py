from __future__ import annotations

from tests.check.helpers import check, ctx, detail, rules_of

RB = """
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: app}]
"""


def test_roleref_change_is_rejected_and_subjects_may_change() -> None:
    changed = RB.replace("kind: Role,", "kind: ClusterRole,")
    report = check(changed, RB, RB, ctx())
    assert rules_of(report, "removed") == ["rolebinding-roleref"]
    assert detail(report, "rolebinding-roleref", "error").endswith(
        'RoleBinding.rbac.authorization.k8s.io "read" is invalid: roleRef: Invalid value: '
        'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"reader"}: cannot change roleRef')
    assert rules_of(check(RB.replace("name: app}", "name: other}"), RB, RB, ctx())) == []
