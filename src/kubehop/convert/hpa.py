"""HorizontalPodAutoscaler: autoscaling/v2alpha1 -> v2beta1 -> v2beta2 -> v2.

v2beta2 and v2 nest every metric's target as {type, value|averageValue|averageUtilization} and the
metric identity as metric: {name, selector}; v2beta1 had flat targetValue/targetAverageValue/
targetAverageUtilization and metricName/metricSelector. Sources: Kubernetes v1.20.2
pkg/apis/autoscaling/v2beta1/conversion.go; the deprecation guide (v1.25, v1.26).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import info, renamed
from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Edge,
    Note,
    fresh,
    gvk,
    with_api,
)

_KIND = "HorizontalPodAutoscaler"


def _metric_id(old: Mapping[str, Any], selector_key: str) -> dict[str, Any]:
    metric: dict[str, Any] = {"name": old.get("metricName")}
    if old.get(selector_key) is not None:
        metric["selector"] = old[selector_key]
    return metric


def _resource_target(old: Mapping[str, Any]) -> dict[str, Any]:
    target: dict[str, Any] = {}
    if old.get("targetAverageUtilization") is not None:
        target["type"] = "Utilization"
        target["averageUtilization"] = old["targetAverageUtilization"]
    else:
        target["type"] = "AverageValue"
    if old.get("targetAverageValue") is not None:
        target["averageValue"] = old["targetAverageValue"]
    return target


def _value_target(old: Mapping[str, Any], value_key: str, average_key: str) -> dict[str, Any]:
    target: dict[str, Any] = {"type": "Value" if old.get(value_key) is not None else "AverageValue"}
    if old.get(value_key) is not None:
        target["value"] = old[value_key]
    if old.get(average_key) is not None:
        target["averageValue"] = old[average_key]
    return target


def _metric(old: Mapping[str, Any]) -> dict[str, Any]:
    kind = old.get("type")
    new: dict[str, Any] = {"type": kind}
    if kind == "Resource" and isinstance(old.get("resource"), Mapping):
        src = old["resource"]
        new["resource"] = {"name": src.get("name"), "target": _resource_target(src)}
    elif kind == "ContainerResource" and isinstance(old.get("containerResource"), Mapping):
        src = old["containerResource"]
        new["containerResource"] = {
            "name": src.get("name"),
            "container": src.get("container"),
            "target": _resource_target(src),
        }
    elif kind == "Pods" and isinstance(old.get("pods"), Mapping):
        src = old["pods"]
        new["pods"] = {
            "metric": _metric_id(src, "selector"),
            "target": {"type": "AverageValue", "averageValue": src.get("targetAverageValue")},
        }
    elif kind == "Object" and isinstance(old.get("object"), Mapping):
        src = old["object"]
        new["object"] = {
            "describedObject": src.get("target"),
            "metric": _metric_id(src, "selector"),
            "target": _value_target(src, "targetValue", "averageValue"),
        }
        if src.get("averageValue") is not None:
            new["object"]["target"]["type"] = "AverageValue"
    elif kind == "External" and isinstance(old.get("external"), Mapping):
        src = old["external"]
        new["external"] = {
            "metric": _metric_id(src, "metricSelector"),
            "target": _value_target(src, "targetValue", "targetAverageValue"),
        }
    else:
        return dict(old)
    return new


def _v2beta1_to(to_api_version: str) -> Converter:
    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        out = with_api(fresh(obj), gvk(to_api_version, _KIND))
        spec = out.get("spec") if isinstance(out.get("spec"), dict) else None
        notes: list[Note] = []
        if spec and spec.get("metrics"):
            spec["metrics"] = [_metric(m) if isinstance(m, Mapping) else m for m in spec["metrics"]]
            notes.append(
                info(
                    "spec.metrics[*] rewritten to the metric/target shape (targetAverageUtilization -> "
                    "target.averageUtilization with type Utilization, metricName -> metric.name, ...)"
                )
            )
        return ConversionResult(out, tuple(notes))

    convert.__doc__ = f"autoscaling/v2beta1 -> {to_api_version}: metric target shape."
    return convert


CONVERTERS: dict[Edge, Converter] = {
    (gvk("autoscaling/v2alpha1", _KIND), gvk("autoscaling/v2beta1", _KIND)): renamed("autoscaling/v2beta1", _KIND),
    (gvk("autoscaling/v2beta1", _KIND), gvk("autoscaling/v2beta2", _KIND)): _v2beta1_to("autoscaling/v2beta2"),
    (gvk("autoscaling/v2beta1", _KIND), gvk("autoscaling/v2", _KIND)): _v2beta1_to("autoscaling/v2"),
    (gvk("autoscaling/v2beta2", _KIND), gvk("autoscaling/v2", _KIND)): renamed("autoscaling/v2", _KIND),
}
