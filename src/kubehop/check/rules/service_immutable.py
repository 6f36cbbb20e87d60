"""service-immutable: a Service's allocated clusterIP, clusterIPs or primary IP family changes.

Once allocated, `spec.clusterIP`/`clusterIPs[0]` and `ipFamilies[0]` cannot change, and a Service
cannot switch between headless (`None`) and an allocated IP; changes to or from `type: ExternalName`
are exempt. Servers >= 1.20 say `spec.clusterIPs[0]: Invalid value: []string{...}: may not change
once set`; older ones `spec.clusterIP: Invalid value: "...": field is immutable`. A render that
omits clusterIP is fine since kubernetes#103532 (1.22; back-ported to 1.20.x/1.21.x patch releases)
copies the allocated values; older servers reject a PUT (`--force`) of it (reference section 4).

FAIL:  live clusterIP 10.96.0.15, chart sets clusterIP: None
PASS:  chart omits clusterIP
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.check.change import CheckContext, FieldError, ObjectChange, Violation
from kubehop.check.gofmt import go_quote, go_string_slice
from kubehop.check.messages import ORDER_IMMUTABLE, immutable_error
from kubehop.check.paths import get_path
from kubehop.model import Severity

ID = "service-immutable"
SUMMARY = "Service clusterIP/clusterIPs/ipFamilies change once allocated (immutable)"

INFERRED_IP = "(allocated)"


def check(change: ObjectChange, ctx: CheckContext) -> Iterator[Violation]:
    if change.key.kind != "Service" or change.key.group or not change.is_update:
        return
    if "ExternalName" in (get_path(change.result, "spec", "type"), get_path(change.live, "spec", "type")):
        return
    old_ip = str(get_path(change.live, "spec", "clusterIP") or "")
    new_ips = get_path(change.result, "spec", "clusterIPs")
    new_ip = str(get_path(change.result, "spec", "clusterIP") or (new_ips[0] if isinstance(new_ips, list) and new_ips
                                                                    else ""))
    if not old_ip:
        return
    if not new_ip:
        yield from _unset(change, ctx, old_ip)
    elif new_ip != old_ip:
        uncertain = old_ip == INFERRED_IP and new_ip != "None"
        if ctx.kube_at_least(20):
            error = FieldError(ORDER_IMMUTABLE, f"spec.clusterIPs[0]: Invalid value: {go_string_slice([new_ip])}: "
                                                "may not change once set")
        else:
            error = immutable_error("spec.clusterIP", go_quote(new_ip))
        yield Violation(
            rule_id=ID, field="spec.clusterIP", old=old_ip, new=new_ip, errors=(error,),
            severity=Severity.WARNING if uncertain else Severity.REMOVED,
            message=(
                f"{change.key}: the cluster IP cannot change once allocated"
                + (" (unless it equals the allocated one)" if uncertain else "")
                + "; to change it, delete the Service and let Helm recreate it"
            ),
        )
    old_families = get_path(change.live, "spec", "ipFamilies")
    new_families = get_path(change.result, "spec", "ipFamilies")
    if isinstance(old_families, list) and isinstance(new_families, list) and old_families and new_families \
            and old_families[0] != new_families[0] and ctx.kube_at_least(20):
        yield Violation(
            rule_id=ID, field="spec.ipFamilies", old=str(old_families[0]), new=str(new_families[0]),
            errors=(FieldError(ORDER_IMMUTABLE + 1, f"spec.ipFamilies[0]: Invalid value: "
                                                    f"{go_string_slice(new_families, 'core.IPFamily')}: "
                                                    "may not change once set"),),
            message=f"{change.key}: the primary IP family cannot change",
        )


def _unset(change: ObjectChange, ctx: CheckContext, old_ip: str) -> Iterator[Violation]:
    if ctx.kube_at_least(22):
        return  # the server copies the allocated clusterIP(s) into the update (kubernetes#103532)
    if ctx.kube_at_least(20):
        error = FieldError(ORDER_IMMUTABLE, "spec.clusterIPs[0]: Invalid value: []string(nil): "
                                            "primary clusterIP can not be unset")
        severity = Severity.WARNING  # fixed in later 1.20.x/1.21.x patch releases (kubernetes#104673/#104674)
    else:
        error = immutable_error("spec.clusterIP", '""')
        severity = Severity.REMOVED
    yield Violation(
        rule_id=ID, field="spec.clusterIP", old=old_ip, new="(unset)", errors=(error,), severity=severity,
        message=(
            f"{change.key}: the update leaves clusterIP empty and this server does not copy the allocated one; "
            "set clusterIP to the live value or do not use --force"
        ),
    )
