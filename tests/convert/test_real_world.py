"""Inputs found in real charts that `convert` must read as Helm does: repeated keys (the last one
wins), tab-indented JSON; and inputs it must refuse as `scan` does: alias bombs, oversized documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kubehop.convert import convert_manifest
from kubehop.errors import ManifestError
from kubehop.model import KubeVersion

DATA = Path(__file__).resolve().parents[1] / "data" / "real-world"
T116 = KubeVersion(1, 16)
T122 = KubeVersion(1, 22)


def test_repeated_keys_of_a_real_chart_convert_with_the_last_value_and_a_warning() -> None:
    text = (DATA / "duplicate-keys.yaml").read_text()
    result = convert_manifest(text, T116, path="exporter.yaml")
    deployment, service = list(yaml.safe_load_all(result.text))
    assert deployment["apiVersion"] == "apps/v1"
    probe = deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    assert probe["initialDelaySeconds"] == 10  # the second livenessProbe, as Helm reads it
    assert result.text.count("livenessProbe:") == 1
    assert service["metadata"]["name"] == "rel-incubator-etcd"
    assert result.text.endswith(text[text.index("# Source: etcd/templates/service.yaml"):])  # untouched: kept as is
    assert result.warnings == (
        "exporter.yaml:73: duplicate key 'livenessProbe' (the last one wins, as in Helm)",
        "exporter.yaml:88: duplicate key 'metadata' (the last one wins, as in Helm)",
    )


def test_a_repeated_top_level_key_keeps_the_last_value_in_the_rendered_text() -> None:
    text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nmetadata:  # the real one\n  name: b\n"
    result = convert_manifest(text, T122)
    assert result.text == "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:  # the real one\n  name: b\n"
    assert result.warnings == ("<manifest>:4: duplicate key 'metadata' (the last one wins, as in Helm)",)


def test_no_warning_without_repeats() -> None:
    assert convert_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", T122).warnings == ()


TAB_JSON = (
    '{\n\t"apiVersion": "extensions/v1beta1",\n\t"kind": "Ingress",\n\t"metadata": {\n\t\t"name": "x"\n\t},\n'
    '\t"spec": {"backend": {"serviceName": "s", "servicePort": 80}}\n}\n'
)


def test_tab_indented_json_is_read_and_stays_json_indented_with_tabs() -> None:
    result = convert_manifest(TAB_JSON, T122)
    assert result.changed
    assert json.loads(result.text) == {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"},
        "spec": {"defaultBackend": {"service": {"name": "s", "port": {"number": 80}}}},
    }
    assert result.text.startswith('{\n\t"apiVersion": "networking.k8s.io/v1",\n\t"kind"')
    assert result.text.endswith("}\n")


def test_json_on_one_line_stays_on_one_line_with_crlf_kept() -> None:
    text = '{"apiVersion": "rbac.authorization.k8s.io/v1beta1", "kind": "Role", "metadata": {"name": "r"}}\r\n'
    result = convert_manifest(text, T122)
    assert result.text == '{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}}\r\n'


def test_repeated_json_keys_keep_the_last_value_with_a_warning() -> None:
    text = '{"apiVersion": "v1", "kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1beta1",\n "metadata": {}}\n'
    result = convert_manifest(text, T122, path="r.json")
    assert json.loads(result.text)["apiVersion"] == "rbac.authorization.k8s.io/v1"
    assert result.warnings == ("r.json:1: duplicate key 'apiVersion' (the last one wins, as in Helm)",)


def _bomb() -> str:
    lines = ["apiVersion: extensions/v1beta1", "kind: Ingress", "metadata: {name: x}",
             "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_like_scan_refuses_it() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + _bomb()
    assert len(text) < 1024
    with pytest.raises(ManifestError, match=r"^bomb\.yaml:5: alias expansion too large \(YAML bomb\?\)$"):
        convert_manifest(text, T122, path="bomb.yaml")


def test_a_document_over_the_size_limit_is_refused_like_scan_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import kubehop.manifests.limits as limits

    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 200)
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: " + "y" * 300 + "\n"
    with pytest.raises(ManifestError, match=r"^big\.yaml:1: document of 363 bytes is larger than the 200 byte limit$"):
        convert_manifest(text, T122, path="big.yaml")


def test_a_malformed_object_is_refused_and_kept_with_the_reason() -> None:
    text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: m}\nspec: {rules: 5}\n"
    result = convert_manifest(text, T122)
    assert result.text == text and not result.changed
    assert result.changes[0].error.startswith("malformed object, cannot be converted (TypeError: ")


def test_nesting_too_deep_is_a_manifest_error() -> None:
    for text in ("a: " + "[" * 3000 + "]" * 3000 + "\n", '{"a": ' + "[" * 3000 + "]" * 3000 + "}\n"):
        with pytest.raises(ManifestError, match=r"^deep:1: nested too deeply to be read$"):
            convert_manifest(text, T122, path="deep")
