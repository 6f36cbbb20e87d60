"""Real-world manifest quirks: each must be read, located and never hide the rest."""

from __future__ import annotations

import pytest

from kubehop.errors import ManifestError
from kubehop.manifests import ParseProblem, read_documents
from kubehop.manifests.reader import MAX_EXPANDED_NODES, decode_text
from kubehop.model import Document


def docs(text: str | bytes) -> list[Document | ParseProblem]:
    return list(read_documents(text, "m.yaml"))


def kinds(text: str | bytes) -> list[tuple[str, str, int | None]]:
    return [(d.api_version, d.kind, d.location.line) for d in docs(text) if isinstance(d, Document)]


def test_multi_document_stream_with_lines() -> None:
    text = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n---\n\n# c\napiVersion: v1\nkind: C\n"
    assert kinds(text) == [("v1", "A", 1), ("v1", "B", 4), ("v1", "C", 9)]


def test_json_document() -> None:
    assert kinds('{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p"}}') == [("v1", "Pod", 1)]


def test_list_kind_items_are_expanded_with_their_lines() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: apps/v1\n  kind: Deployment\n"
        "- apiVersion: v1\n  kind: Service\n"
    )
    assert kinds(text) == [("v1", "List", 1), ("apps/v1", "Deployment", 4), ("v1", "Service", 6)]
    assert [d.location.item for d in docs(text) if isinstance(d, Document)] == [None, "items[0]", "items[1]"]


def test_json_list_kind() -> None:
    text = '{"apiVersion": "v1", "kind": "SecretList", "items": [{"apiVersion": "v1", "kind": "Secret"}]}'
    assert [(a, k) for a, k, _ in kinds(text)] == [("v1", "SecretList"), ("v1", "Secret")]


def test_typed_list_wrapper_is_an_object_without_its_items() -> None:
    text = "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleList\nmetadata: {}\nitems: []\n"
    (wrapper,) = docs(text)
    assert isinstance(wrapper, Document)
    assert dict(wrapper.obj) == {"apiVersion": "rbac.authorization.k8s.io/v1beta1", "kind": "RoleList", "metadata": {}}
    assert (wrapper.location.line, wrapper.location.item) == (1, None)


def test_typed_list_items_without_apiversion_and_kind_take_them_from_the_wrapper() -> None:
    text = (
        "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleList\nitems:\n"
        "- metadata: {name: a}\n"
        "- kind: Role\n  metadata: {name: no-api-version}\n"
        "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: c}\n"
        "- 42\n"
    )
    found = [(d.api_version, d.kind, d.name, d.location.line, d.location.item) for d in docs(text)
             if isinstance(d, Document)]
    assert found == [
        ("rbac.authorization.k8s.io/v1beta1", "RoleList", "", 1, None),
        ("rbac.authorization.k8s.io/v1beta1", "Role", "a", 4, "items[0]"),
        ("", "Role", "no-api-version", 5, "items[1]"),  # only an item naming neither inherits both
        ("rbac.authorization.k8s.io/v1", "Role", "c", 7, "items[2]"),
    ]


def test_plain_list_items_without_kind_are_not_objects() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n"
    assert kinds(text) == [("v1", "List", 1)]


def test_nested_lists_are_flattened_with_item_paths() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: apiregistration.k8s.io/v1beta1\n  kind: APIServiceList\n  items:\n"
        "  - metadata: {name: v1.example.com}\n"
    )
    found = [(d.kind, d.location.line, d.location.item) for d in docs(text) if isinstance(d, Document)]
    assert found == [("List", 1, None), ("APIServiceList", 4, "items[0]"), ("APIService", 7, "items[0].items[0]")]
    assert str(docs(text)[2].location) == "m.yaml:7 items[0].items[0]"


@pytest.mark.parametrize("quoted", ['"extensions/v1beta1"', "'extensions/v1beta1'"])
def test_quoted_api_version(quoted: str) -> None:
    assert kinds(f"apiVersion: {quoted}\nkind: Ingress\n")[0][:2] == ("extensions/v1beta1", "Ingress")


def test_trailing_spaces_are_ignored() -> None:
    assert kinds("apiVersion: apps/v1   \nkind: Deployment  \n")[0][:2] == ("apps/v1", "Deployment")


def test_crlf_line_endings() -> None:
    text = "apiVersion: v1\r\nkind: A\r\n---\r\napiVersion: v1\r\nkind: B\r\n"
    assert kinds(text) == [("v1", "A", 1), ("v1", "B", 4)]


def test_byte_order_mark() -> None:
    assert kinds("\ufeffapiVersion: v1\nkind: A\n".encode()) == [("v1", "A", 1)]
    assert kinds("\ufeffapiVersion: v1\nkind: A\n") == [("v1", "A", 1)]


def test_utf16_with_bom() -> None:
    assert kinds("apiVersion: v1\nkind: A\n".encode("utf-16")) == [("v1", "A", 1)]


def test_kind_before_api_version_points_at_api_version_line() -> None:
    assert kinds("kind: Deployment\napiVersion: extensions/v1beta1\n") == [("extensions/v1beta1", "Deployment", 2)]


def test_comment_only_documents_are_skipped() -> None:
    assert kinds("# nothing here\n---\n# still nothing\n---\napiVersion: v1\nkind: A\n") == [("v1", "A", 5)]


def test_helm_source_header_names_the_template() -> None:
    text = "---\n# Source: web/templates/a.yaml\napiVersion: v1\nkind: A\n---\n# Source: web/templates/b.yaml\napiVersion: v1\nkind: B\n"
    found = [d for d in docs(text) if isinstance(d, Document)]
    assert [d.location.template for d in found] == ["web/templates/a.yaml", "web/templates/b.yaml"]


def test_parse_error_has_line_and_does_not_hide_the_rest() -> None:
    text = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: C\n"
    result = docs(text)
    problems = [d for d in result if isinstance(d, ParseProblem)]
    assert len(problems) == 1 and problems[0].location.line is not None and problems[0].location.line >= 7
    assert [d.kind for d in result if isinstance(d, Document)] == ["A", "C"]


def test_tab_indentation_is_a_parse_problem() -> None:
    result = docs("apiVersion: v1\nkind: A\nmetadata:\n\tname: x\n")
    assert isinstance(result[0], ParseProblem)


def test_alias_bomb_is_bounded() -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
              for i in range(1, 9)]
    result = docs("\n".join(lines) + "\n")
    assert isinstance(result[0], ParseProblem) and "alias" in result[0].message
    assert MAX_EXPANDED_NODES < 10**9


def test_small_aliases_are_fine() -> None:
    assert kinds("apiVersion: v1\nkind: A\nx: &a {b: 1}\ny: *a\n") == [("v1", "A", 1)]


def test_huge_document_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import kubehop.manifests.limits as limits

    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 100)
    result = docs("apiVersion: v1\nkind: ConfigMap\ndata:\n  x: " + "y" * 200 + "\n")
    assert isinstance(result[0], ParseProblem) and "limit" in result[0].message


def test_binary_input_is_refused_with_the_path() -> None:
    with pytest.raises(ManifestError, match=r"m\.bin: binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00", "m.bin")


def test_non_object_documents_are_ignored() -> None:
    assert kinds("- a\n- b\n---\njust a string\n---\nfoo: bar\n") == []


def test_document_marker_with_content_on_the_same_line() -> None:
    assert [k for _, k, _ in kinds('--- {"apiVersion": "v1", "kind": "A"}\n--- \napiVersion: v1\nkind: B\n')] == ["A", "B"]


def test_document_end_marker() -> None:
    assert [k for _, k, _ in kinds("apiVersion: v1\nkind: A\n...\n---\napiVersion: v1\nkind: B\n")] == ["A", "B"]


def test_nesting_too_deep_is_a_parse_problem_in_json_and_yaml() -> None:
    deep = "[" * 3000 + "]" * 3000
    cases = {'{"apiVersion": "v1", "kind": "A", "x": ' + deep + "}\n": "nested too deeply to be read",
             "apiVersion: v1\nkind: A\nx: " + deep + "\n": "exceeded maximum nesting depth"}  # libyaml's own limit
    for text, message in cases.items():
        result = docs(text)
        assert len(result) == 1 and isinstance(result[0], ParseProblem) and message in result[0].message


def test_repeated_keys_are_read_last_wins_with_a_warning_naming_file_and_line() -> None:
    from kubehop.manifests import parse_chunk
    from kubehop.manifests.split import iter_chunks
    from kubehop.model import Location

    warnings: list[str] = []
    chunks = list(iter_chunks("apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nkind: C\n"))
    found = [d for c in chunks for d in parse_chunk(c, Location("m.yaml"), warnings=warnings)]
    assert [(d.api_version, d.kind) for d in found if isinstance(d, Document)] == [("v1", "A"), ("v1", "C")]
    assert warnings == ["m.yaml:6: duplicate key 'kind' (the last one wins, as in Helm)"]
