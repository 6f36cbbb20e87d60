"""CronJob: batch/v2alpha1 (and the 1.7 ScheduledJob) -> batch/v1beta1 -> batch/v1. Identical schema.

Sources: Kubernetes pkg/apis/batch/{v1beta1,v1}/defaults.go (defaults identical) and batch
validation (v1: names at most 52 characters, time zones in spec.timeZone, not in the schedule).
spec.timeZone: alpha in 1.24 behind the CronJobTimeZone gate, beta and on by default in 1.25, GA in
1.27 (KEP-3140, kubernetes/enhancements#3140); a `TZ=`/`CRON_TZ=` schedule prefix is refused on
create from 1.29 (kubernetes/kubernetes#116252). Both name an IANA zone for the same schedule, so
at targets that serve spec.timeZone by default the prefix moves there mechanically.
"""

from __future__ import annotations

import re
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
from kubehop.model import KubeVersion

TIME_ZONE_SERVED = KubeVersion(1, 25)  # spec.timeZone on by default (beta; GA in 1.27)
_TZ_PREFIX = re.compile(r"^\s*(CRON_TZ|TZ)=(\S+)\s+(\S.*)$")


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """batch/v1beta1 CronJob -> batch/v1; flags what v1 validation rejects."""
    out = with_api(fresh(obj), gvk("batch/v1", "CronJob"))
    notes: list[Note] = []
    name = str((out.get("metadata") or {}).get("name") or "")
    if len(name) > 52:
        notes.append(decision(f"metadata.name is {len(name)} characters; batch/v1 CronJob names are at most 52"))
    spec = out.get("spec")
    schedule = str((spec if isinstance(spec, dict) else {}).get("schedule") or "")
    if "TZ=" in schedule:
        notes.append(_time_zone(out, schedule, ctx.target))
    return ConversionResult(out, tuple(notes))


def _time_zone(out: dict[str, Any], schedule: str, target: KubeVersion | None) -> Note:
    """Move a `TZ=zone` schedule prefix to spec.timeZone where the target serves it (out is changed)."""
    match = _TZ_PREFIX.match(schedule)
    if not match or target is None or target < TIME_ZONE_SERVED:
        where = "" if target is None or target >= TIME_ZONE_SERVED else f", not at {target}"
        return decision(
            "spec.schedule holds a TZ= prefix, which batch/v1 does not support (refused on create from 1.29): "
            f"use spec.timeZone, served by default from Kubernetes 1.25{where}"
        )
    variable, zone, rest = match.groups()
    spec = out["spec"]
    existing = spec.get("timeZone")
    if existing and existing != zone:
        return decision(
            f"spec.schedule holds {variable}={zone} but spec.timeZone is {existing}: choose one and remove the other"
        )
    moved: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "schedule":
            moved["schedule"] = rest
            moved["timeZone"] = zone  # right after the schedule it belongs to
        elif key != "timeZone":
            moved[key] = value
    out["spec"] = moved
    return info(f"spec.schedule {variable}={zone} prefix moved to spec.timeZone: {zone} (served by default from 1.25)")


def _scheduled_job(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """batch/v2alpha1 ScheduledJob -> batch/v1beta1 CronJob (renamed kind, same fields)."""
    out = with_api(fresh(obj), gvk("batch/v1beta1", "CronJob"))
    return ConversionResult(out, (info("kind ScheduledJob was renamed CronJob"),))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("batch/v2alpha1", "ScheduledJob"), gvk("batch/v1beta1", "CronJob")): _scheduled_job,
    (gvk("batch/v2alpha1", "CronJob"), gvk("batch/v1beta1", "CronJob")): renamed("batch/v1beta1", "CronJob"),
    (gvk("batch/v1beta1", "CronJob"), gvk("batch/v1", "CronJob")): _to_v1,
}
