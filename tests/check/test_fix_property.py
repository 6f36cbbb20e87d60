"""Property: whatever the live selector and however the chart moved its labels, the suggested fix,
applied to the chart's render, makes the check pass, as a plain upgrade and with --force."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubehop.check import CheckContext, Operation, apply_selector_fixes, run_check

KEYS = ("app", "chart", "heritage", "release", "component", "version")
VALUES = ("x", "x-1.2.3", "x-1.3.0", "Tiller", "Helm", "prod")
labels = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), min_size=1, max_size=5)


def daemonset(selector: dict[str, str] | None, template: dict[str, str], api: str = "apps/v1") -> dict[str, Any]:
    spec: dict[str, Any] = {"template": {"metadata": {"labels": dict(template)}}}
    if selector is not None:
        spec["selector"] = {"matchLabels": dict(selector)}
    return {"apiVersion": api, "kind": "DaemonSet", "metadata": {"name": "x", "namespace": "ns"}, "spec": spec}


@settings(max_examples=150, deadline=None)
@given(live_labels=labels, chart_labels=labels, chart_selector=st.one_of(st.none(), labels),
       current_has_selector=st.booleans(), force=st.booleans(), rollback=st.booleans())
def test_the_fix_always_passes(live_labels: dict[str, str], chart_labels: dict[str, str],
                               chart_selector: dict[str, str] | None, current_has_selector: bool, force: bool,
                               rollback: bool) -> None:
    live = daemonset(live_labels, live_labels)  # the selector the old API defaulted from the template labels
    current = daemonset(live_labels if current_has_selector else None, live_labels)
    chart = daemonset(chart_selector, chart_labels)
    ctx = CheckContext(operation=Operation.ROLLBACK if rollback else Operation.UPGRADE, release="x",
                       namespace="ns", force=force)
    report = run_check([chart], [current], [live], ctx)
    fixed = apply_selector_fixes([chart], report.fixes, "ns")
    again = run_check(fixed, [current], [live], ctx)
    assert not again.rejected, [f.message for f in again.findings]
    assert fixed[0]["spec"]["selector"] == live["spec"]["selector"]  # the fix is the live selector, exactly
