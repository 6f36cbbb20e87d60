"""CronJob: batch/v2alpha1 (and the 1.7 ScheduledJob) -> batch/v1beta1 -> batch/v1. Identical schema.

Sources: Kubernetes pkg/apis/batch/{v1beta1,v1}/defaults.go (defaults identical) and batch
validation (v1: names at most 52 characters, time zones in spec.timeZone, not in the schedule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, info, renamed
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


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """batch/v1beta1 CronJob -> batch/v1; flags what v1 validation rejects."""
    out = with_api(fresh(obj), gvk("batch/v1", "CronJob"))
    notes: list[Note] = []
    name = str((out.get("metadata") or {}).get("name") or "")
    if len(name) > 52:
        notes.append(decision(f"metadata.name is {len(name)} characters; batch/v1 CronJob names are at most 52"))
    schedule = str((out.get("spec") or {}).get("schedule") or "")
    if "TZ=" in schedule:
        notes.append(decision("spec.schedule holds a TZ= prefix, which batch/v1 rejects: use spec.timeZone"))
    return ConversionResult(out, tuple(notes))


def _scheduled_job(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """batch/v2alpha1 ScheduledJob -> batch/v1beta1 CronJob (renamed kind, same fields)."""
    out = with_api(fresh(obj), gvk("batch/v1beta1", "CronJob"))
    return ConversionResult(out, (info("kind ScheduledJob was renamed CronJob"),))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("batch/v2alpha1", "ScheduledJob"), gvk("batch/v1beta1", "CronJob")): _scheduled_job,
    (gvk("batch/v2alpha1", "CronJob"), gvk("batch/v1beta1", "CronJob")): renamed("batch/v1beta1", "CronJob"),
    (gvk("batch/v1beta1", "CronJob"), gvk("batch/v1", "CronJob")): _to_v1,
}
