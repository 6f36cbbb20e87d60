from __future__ import annotations

import base64

from tests.check.helpers import check, ctx, detail, rules_of

CM = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
immutable: true
data: {mode: fast}
"""
SECRET = f"""
apiVersion: v1
kind: Secret
metadata: {{name: creds}}
type: Opaque
immutable: true
data: {{password: {base64.b64encode(b"hunter2-old").decode()}}}
"""


def test_data_of_an_immutable_configmap_cannot_change() -> None:
    report = check(CM.replace("fast", "slow"), CM, CM, ctx())
    assert rules_of(report, "removed") == ["immutable-configmap-secret"]
    assert detail(report, "immutable-configmap-secret", "error").endswith(
        'ConfigMap "settings" is invalid: data: Forbidden: field is immutable when `immutable` is set')
    assert rules_of(check(CM, CM, CM, ctx())) == []


def test_secret_values_are_never_printed() -> None:
    changed = SECRET.replace("immutable: true\n", "").replace(
        base64.b64encode(b"hunter2-old").decode(), base64.b64encode(b"hunter2-new").decode())
    report = check(changed, SECRET, SECRET, ctx())
    error = detail(report, "immutable-configmap-secret", "error")
    assert "[immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden:" in error
    text = repr(report.findings)
    assert "hunter2" not in text and "aHVudGVy" not in text
    assert "keys password" in text


def test_string_data_counts_as_data_and_type_is_always_immutable() -> None:
    same = SECRET.replace(f"data: {{password: {base64.b64encode(b'hunter2-old').decode()}}}",
                          "stringData: {password: hunter2-old}")
    assert rules_of(check(same, SECRET, SECRET, ctx())) == []
    tls = SECRET.replace("immutable: true\n", "").replace("type: Opaque", "type: kubernetes.io/tls")
    mutable_live = SECRET.replace("immutable: true\n", "")
    assert detail(check(tls, mutable_live, mutable_live, ctx()), "immutable-configmap-secret", "error").endswith(
        'Secret "creds" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable')
