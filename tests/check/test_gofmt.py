from __future__ import annotations

from kubehop.check.gofmt import go_label_selector, go_role_ref, go_string_map, go_string_slice


def test_maps_print_sorted_like_go() -> None:
    assert go_string_map({"release": "prod", "app": "web"}) == 'map[string]string{"app":"web", "release":"prod"}'
    assert go_string_map(None) == "map[string]string(nil)"


def test_label_selector_and_null() -> None:
    assert go_label_selector({"matchLabels": {"app": "web"}}) == (
        'v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}")
    assert go_label_selector(None) == '"null"'
    expr = go_label_selector({"matchExpressions": [{"key": "a", "operator": "In", "values": ["x"]}]})
    assert 'MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{' \
           'v1.LabelSelectorRequirement{Key:"a", Operator:"In", Values:[]string{"x"}}}' in expr


def test_slices_and_role_refs() -> None:
    assert go_string_slice(["None"]) == '[]string{"None"}'
    assert go_string_slice(None) == "[]string(nil)"
    assert go_role_ref({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "x"}) == \
        'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"x"}'
