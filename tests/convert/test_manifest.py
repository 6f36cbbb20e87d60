"""Whole-manifest conversion: untouched documents stay byte for byte, documents are matched after
parsing (never on literal text), removed documents go with a note, bad YAML fails cleanly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubehop.convert import Action, NoteKind, convert_manifest
from kubehop.errors import ManifestError
from kubehop.model import KubeVersion

T122 = KubeVersion(1, 22)
T125 = KubeVersion(1, 25)

UNTOUCHED = (
    "\ufeff# leading comment\r\n"
    "apiVersion: v1\r\n"
    "kind:   ConfigMap   # odd spacing\r\n"
    "metadata: {name: a}\r\n"
    "data:\r\n"
    "  text: 'apiVersion: extensions/v1beta1'\r\n"
)
INGRESS = """---
# the web ingress
apiVersion: extensions/v1beta1   # old
kind: Ingress
metadata:
  name: web
spec:
  backend:
    serviceName: web
    servicePort: 80
"""


def test_untouched_documents_are_byte_identical_and_converted_ones_change() -> None:
    result = convert_manifest(UNTOUCHED + INGRESS + "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n", T122)
    assert result.text.startswith(UNTOUCHED)
    assert result.text.endswith("---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    assert "# the web ingress\napiVersion: networking.k8s.io/v1 # old\n" in result.text
    assert [c.action for c in result.changes] == [Action.CONVERT]
    assert result.changed


def test_literal_text_that_looks_like_an_old_api_is_not_touched() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: |\n    apiVersion: extensions/v1beta1\n"
    result = convert_manifest(text, T122)
    assert result.text == text
    assert result.changes == ()


def test_a_removed_first_document_leaves_the_rest_intact() -> None:
    psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\nspec: {}\n"
    rest = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n"
    result = convert_manifest(psp + rest, T125)
    assert result.text == rest.removeprefix("---\n")  # no stray marker where the stream began
    assert convert_manifest("---\n" + psp + rest, T125).text == rest
    assert result.changes[0].action is Action.REMOVE
    assert result.notes[0].kind is NoteKind.DROPPED
    assert "PodSecurityPolicy p" in result.notes[0].message


def test_a_refused_conversion_keeps_the_document_and_says_why() -> None:
    text = "apiVersion: resource.k8s.io/v1alpha2\nkind: ResourceClaim\nmetadata: {name: c}\nspec: {}\n"
    result = convert_manifest(text, KubeVersion(1, 31))
    assert result.text == text
    assert not result.changed
    assert "rewrite it by hand" in result.changes[0].error


def test_json_input_is_converted() -> None:
    text = '{"apiVersion": "rbac.authorization.k8s.io/v1beta1", "kind": "Role", "metadata": {"name": "r"}, "rules": []}\n'
    result = convert_manifest(text, T122)
    assert "rbac.authorization.k8s.io/v1" in result.text
    assert "v1beta1" not in result.text


def test_invalid_yaml_raises_a_manifest_error_naming_the_file() -> None:
    with pytest.raises(ManifestError, match=r"app.yaml:3: not valid YAML"):
        convert_manifest("apiVersion: v1\nkind: A\n---\nkey: [unclosed\n", T122, path="app.yaml")


_DOC = st.sampled_from([
    "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
    "# just a comment\n",
    "\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d  # c\nspec:\n  selector: {matchLabels: {a: b}}\n"
    "  template: {metadata: {labels: {a: b}}}\n",
    "kind: NotAnObject\n",
    "- a\n- b\n",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_DOC, max_size=6), st.booleans(), st.booleans())
def test_streams_without_anything_to_convert_come_back_unchanged(docs: list[str], lead: bool, crlf: bool) -> None:
    text = ("---\n" if lead else "") + "---\n".join(docs)
    if crlf:
        text = text.replace("\n", "\r\n")
    assert convert_manifest(text, T125).text == text


def test_values_the_converter_did_not_change_keep_their_text_even_where_yaml_versions_differ() -> None:
    text = (
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: w\n  annotations: {flag: yes, b: on}\n"
        "spec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      volumes:\n"
        "      - {name: v, configMap: {name: c, defaultMode: 0644}}\n"
    )
    out = convert_manifest(text, T122).text
    assert "annotations: {flag: yes, b: on}" in out
    assert "defaultMode: 0644}" in out
    assert out.startswith("apiVersion: apps/v1\n")


def _objects(text: str) -> list[tuple[str, str]]:
    from kubehop.manifests import read_documents
    from kubehop.model import Document

    return [(d.api_version, d.kind) for d in read_documents(text) if isinstance(d, Document)]


def test_typed_list_wrapper_follows_its_items_to_the_replacement() -> None:
    text = ("# roles\napiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleList\nmetadata: {}\nitems:\n"
            "- metadata: {name: a}\n  rules: []\n"
            "- apiVersion: rbac.authorization.k8s.io/v1beta1\n  kind: Role\n  metadata: {name: b}\n  rules: []\n")
    result = convert_manifest(text, T122)
    assert result.text.startswith("# roles\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\n")
    assert _objects(result.text) == [("rbac.authorization.k8s.io/v1", "RoleList")] + \
        [("rbac.authorization.k8s.io/v1", "Role")] * 2
    (change,) = result.changes
    assert (change.kind, change.to_api_version, change.to_kind, change.error) == (
        "RoleList", "rbac.authorization.k8s.io/v1", "RoleList", "")
    assert convert_manifest(result.text, T122).changes == ()  # a second run has nothing to do


def test_nested_lists_and_mixed_old_objects_in_a_plain_list() -> None:
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: extensions/v1beta1\n  kind: DaemonSet\n  metadata: {name: d}\n"
            "  spec:\n    template:\n      metadata: {labels: {app: d}}\n      spec: {containers: []}\n"
            "- apiVersion: apiregistration.k8s.io/v1beta1\n  kind: APIServiceList\n  items:\n"
            "  - metadata: {name: v1.example.com}\n"
            "    spec: {group: example.com, version: v1, groupPriorityMinimum: 1, versionPriority: 1}\n"
            "- apiVersion: policy/v1beta1\n  kind: PodDisruptionBudget\n  metadata: {name: p}\n"
            "  spec: {minAvailable: 1, selector: {matchLabels: {app: d}}}\n")
    result = convert_manifest(text, T125)
    assert _objects(result.text) == [("v1", "List"), ("apps/v1", "DaemonSet"),
                                     ("apiregistration.k8s.io/v1", "APIServiceList"),
                                     ("apiregistration.k8s.io/v1", "APIService"), ("policy/v1", "PodDisruptionBudget")]


def test_a_typed_list_of_a_kind_removed_without_replacement_goes_with_its_items() -> None:
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep}\n---\n"
            "apiVersion: policy/v1beta1\nkind: PodSecurityPolicyList\nitems:\n- metadata: {name: p}\n")
    result = convert_manifest(text, T125)
    assert _objects(result.text) == [("v1", "ConfigMap")]
    assert [c.action for c in result.changes] == [Action.REMOVE]
    assert any("PodSecurityPolicyList is not served" in n.message for n in result.notes)


def test_a_typed_list_keeping_other_items_becomes_a_plain_list() -> None:
    text = ("apiVersion: policy/v1beta1\nkind: PodSecurityPolicyList\nitems:\n- metadata: {name: p}\n"
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n")
    assert _objects(convert_manifest(text, T125).text) == [("v1", "List"), ("v1", "ConfigMap")]


def test_an_item_that_cannot_be_converted_makes_the_list_an_error() -> None:
    # No converter links scheduling.k8s.io/v1alpha1 PriorityClass to v1beta1: that item is refused.
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: extensions/v1beta1\n  kind: Ingress\n  metadata: {name: i}\n"
            "- apiVersion: scheduling.k8s.io/v1alpha1\n  kind: PriorityClass\n  metadata: {name: p}\n  value: 1\n")
    result = convert_manifest(text, KubeVersion(1, 11))
    (change,) = result.changes
    assert "PriorityClass p: no conversion from scheduling.k8s.io/v1alpha1/PriorityClass" in change.error
    assert not change.changed and result.text == text  # nothing of the list is rewritten


def test_a_generic_list_of_a_group_version_the_target_no_longer_serves_becomes_v1() -> None:
    text = ("apiVersion: extensions/v1beta1\nkind: List\nitems:\n"
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n")
    assert _objects(convert_manifest(text, T122).text) == [("v1", "List"), ("v1", "ConfigMap")]
    assert convert_manifest(text, KubeVersion(1, 21)).changes == ()  # extensions/v1beta1 Ingress still served
