from __future__ import annotations

from typing import Any

from kubehop.check.merge import replaced, three_way_merge

LIVE: dict[str, Any] = {
    "spec": {
        "selector": {"matchLabels": {"app": "web", "chart": "web-1.0.0"}},
        "revisionHistoryLimit": 2147483647,
        "template": {"metadata": {"labels": {"app": "web", "chart": "web-1.0.0"}},
                     "spec": {"containers": [{"name": "web", "image": "web:1", "imagePullPolicy": "IfNotPresent"}]}},
    }
}


def test_fields_neither_manifest_mentions_survive() -> None:
    original = {"spec": {"template": {"metadata": {"labels": {"app": "web", "chart": "web-1.0.0"}}}}}
    modified = {"spec": {"template": {"metadata": {"labels": {"app": "web", "chart": "web-2.0.0"}}}}}
    result = three_way_merge(original, modified, LIVE)
    assert result["spec"]["selector"] == LIVE["spec"]["selector"]
    assert result["spec"]["revisionHistoryLimit"] == 2147483647
    assert result["spec"]["template"]["metadata"]["labels"]["chart"] == "web-2.0.0"


def test_keys_the_original_had_and_the_render_dropped_are_deleted() -> None:
    original = {"spec": {"selector": {"matchLabels": {"app": "web"}}}}
    result = three_way_merge(original, {"spec": {}}, LIVE)
    assert "selector" not in result["spec"]
    subset = three_way_merge({}, {"spec": {"selector": {"matchLabels": {"app": "web"}}}}, LIVE)
    assert subset["spec"]["selector"]["matchLabels"] == {"app": "web", "chart": "web-1.0.0"}  # union, never removal


def test_containers_merge_by_name_and_keep_server_defaults() -> None:
    modified = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}}
    result = three_way_merge(modified, modified, LIVE)
    [container] = result["spec"]["template"]["spec"]["containers"]
    assert container == {"name": "web", "image": "web:2", "imagePullPolicy": "IfNotPresent"}
    assert LIVE["spec"]["template"]["spec"]["containers"][0]["image"] == "web:1"  # input untouched


def test_put_is_the_render() -> None:
    assert replaced({"spec": {"a": 1}}) == {"spec": {"a": 1}}
