"""The converter registry: complete against the lifecycle data, pure, and honest about its keys."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubehop.convert import REGISTRY, ConvertContext, convert, convert_for_target, find_path
from kubehop.convert.model import Edge
from kubehop.convert.series import SERIES
from kubehop.convert.serving import served_row
from kubehop.errors import ConversionError
from kubehop.lifecycle import Lifecycle
from kubehop.model import GroupVersionKind, KubeVersion

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "convert"
ENTRIES = Lifecycle.default().entries
OLDEST = KubeVersion(1, 8)


def _floor(version: KubeVersion | None) -> KubeVersion:
    return max(version or OLDEST, OLDEST)


def _golden_objects() -> list[tuple[str, dict[str, Any], KubeVersion]]:
    objects = []
    for case in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        target = KubeVersion.parse((case / "target").read_text().strip())
        for obj in yaml.safe_load_all((case / "input.yaml").read_text()):
            if isinstance(obj, dict):
                objects.append((case.name, obj, target))
    return objects


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.replacement_gvk], ids=str)
def test_every_lifecycle_row_with_a_replacement_has_a_converter_path(entry: Any) -> None:
    assert find_path(REGISTRY, entry.gvk, entry.replacement_gvk) is not None


@pytest.mark.parametrize("entry", [e for e in ENTRIES if served_row(e.api_version, e.kind)], ids=str)
def test_serving_table_agrees_with_the_lifecycle_data(entry: Any) -> None:
    row = served_row(entry.api_version, entry.kind)
    assert row is not None
    assert (row.removed or None) == (str(entry.removed_in) if entry.removed_in else None)
    series = next(s for s in SERIES if row in s)
    last = series[-1]
    if entry.replacement_gvk is None:
        assert last == row, "the table chains a row the lifecycle data says has no replacement"
    else:
        assert last.gvk == entry.replacement_gvk
        introduced = KubeVersion.parse(last.introduced) if last.introduced else None
        assert _floor(introduced) == _floor(entry.replacement_available_in)


def test_every_removed_lifecycle_row_is_in_the_serving_table() -> None:
    missing = [str(e.gvk) for e in ENTRIES if e.removed_in and served_row(e.api_version, e.kind) is None]
    assert missing == []


@pytest.mark.parametrize("edge", sorted(REGISTRY, key=str), ids=lambda e: f"{e[0]}->{e[1]}")
def test_each_converter_produces_the_version_it_is_registered_for(edge: Edge) -> None:
    source, target = edge
    obj = {"apiVersion": source.api_version, "kind": source.kind, "metadata": {"name": "x"}, "spec": {}}
    try:
        result = REGISTRY[edge](obj, ConvertContext())
    except ConversionError as exc:
        assert target.api_version in str(exc)  # a refusing step names where it would have gone
        return
    assert (result.obj["apiVersion"], result.obj["kind"]) == (target.api_version, target.kind)


@pytest.mark.parametrize(("case", "obj", "target"), _golden_objects(), ids=lambda v: v if isinstance(v, str) else "")
def test_conversion_never_mutates_its_input(case: str, obj: dict[str, Any], target: KubeVersion) -> None:
    before = copy.deepcopy(obj)
    result = convert_for_target(obj, target)
    assert obj == before
    if result.obj is not None and result.changed:
        assert result.obj is not obj


def test_convert_chains_through_intermediate_versions() -> None:
    ingress = {
        "apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "web"},
        "spec": {"backend": {"serviceName": "web", "servicePort": 80}},
    }
    hpa = {"apiVersion": "autoscaling/v2alpha1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
           "spec": {"metrics": [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 5}}]}}
    to_v1 = convert(ingress, GroupVersionKind("networking.k8s.io", "v1", "Ingress"))
    assert to_v1.obj["spec"] == {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}
    to_v2 = convert(hpa, GroupVersionKind("autoscaling", "v2", "HorizontalPodAutoscaler"))
    assert to_v2.obj["spec"]["metrics"][0]["resource"]["target"] == {"type": "Utilization", "averageUtilization": 5}


def test_convert_without_a_path_raises_a_conversion_error() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    with pytest.raises(ConversionError, match="no conversion from v1/Service to apps/v1/Deployment"):
        convert(service, GroupVersionKind("apps", "v1", "Deployment"))


def test_endpoints_to_endpointslice_is_refused_with_the_reason() -> None:
    endpoints = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "e"}, "subsets": []}
    with pytest.raises(ConversionError, match="endpointslice-mirroring"):
        convert(endpoints, GroupVersionKind("discovery.k8s.io", "v1", "EndpointSlice"))
