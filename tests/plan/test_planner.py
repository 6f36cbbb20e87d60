"""The planner re-evaluates every object at every step, from the apiVersion it has when the step starts."""

from __future__ import annotations

from kubehop.lifecycle import Lifecycle
from kubehop.lifecycle.data import _parse
from kubehop.model import KubeVersion, Location
from kubehop.plan.model import ORIGIN_FILE, STATUS_ALREADY_REMOVED, STATUS_REMOVED, Inventory, Note, Subject
from kubehop.plan.planner import plan_steps

LC = Lifecycle.default()


def subject(api_version: str, kind: str, name: str = "x") -> Subject:
    return Subject(api_version, kind, name, "ns", Location(path="app.yaml", line=1), ORIGIN_FILE, "app.yaml")


def steps(source: str, target: str, *subjects: Subject, notes: tuple[Note, ...] = (),
          lifecycle: Lifecycle = LC) -> list:  # type: ignore[type-arg]
    return plan_steps(KubeVersion.parse(source), KubeVersion.parse(target), Inventory(subjects, notes), lifecycle)


def test_removed_at_the_next_minor_must_be_fixed_before_that_step_only() -> None:
    found = steps("1.19", "1.25", subject("networking.k8s.io/v1beta1", "Ingress"))
    must = [[(m.api_version, m.move_to, m.status) for m in s.must_fix] for s in found]
    assert must == [[], [], [("networking.k8s.io/v1beta1", "networking.k8s.io/v1", STATUS_REMOVED)], [], [], []]
    # deprecated (fix soon) at every step before the removal, then gone once moved
    assert [len(s.deprecated) for s in found] == [1, 1, 0, 0, 0, 0]


def test_already_removed_at_the_source_is_reported_at_the_first_step() -> None:
    found = steps("1.16.7", "1.19.3", subject("extensions/v1beta1", "DaemonSet"))
    assert [(m.status, m.move_to) for m in found[0].must_fix] == [(STATUS_ALREADY_REMOVED, "apps/v1")]
    assert all(not s.must_fix for s in found[1:])


def test_interim_move_is_evaluated_again_at_later_steps() -> None:
    # v1alpha1 FlowSchema is removed in 1.21; v1 is served only from 1.29: move to v1beta1 (served 1.20-1.25)
    found = steps("1.20", "1.26", subject("flowcontrol.apiserver.k8s.io/v1alpha1", "FlowSchema"))
    first = found[0].must_fix[0]
    assert (first.move_to, first.final, first.blocked) == (
        "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1", "")
    # ... and that interim version is itself removed in 1.26: the last step must move it again
    last = found[-1].must_fix
    assert [(m.api_version, m.move_to) for m in last] == [
        ("flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2")]


def test_no_replacement_blocks_the_step() -> None:
    found = steps("1.24", "1.25", subject("policy/v1beta1", "PodSecurityPolicy"))
    move = found[0].must_fix[0]
    assert move.move_to == "" and "no replacement API" in move.blocked and "human decision" in move.blocked


def test_replacement_not_served_at_the_source_blocks_and_names_the_order_that_works() -> None:
    # batch/v2alpha1 CronJob is removed in 1.21 and batch/v1 CronJob is only served from 1.21
    found = steps("1.20", "1.21", subject("batch/v2alpha1", "CronJob"))
    move = found[0].must_fix[0]
    assert "first served in 1.21" in move.blocked
    assert "delete it while the control plane runs 1.20" in move.blocked
    assert "re-create it as batch/v1 once the control plane runs 1.21" in move.blocked


def test_user_rows_are_planned_like_shipped_ones() -> None:
    extra = _parse(
        "apis:\n- apiVersion: example.com/v1alpha1\n  kind: Widget\n  source: test\n"
        "  deprecatedIn: '1.20'\n  removedIn: '1.22'\n  replacement: example.com/v1\n"
        "  replacementAvailableIn: '1.20'\n", "extra.yaml")
    lifecycle = Lifecycle([*LC.entries, *extra])
    found = steps("1.20", "1.22", subject("example.com/v1alpha1", "Widget"), lifecycle=lifecycle)
    assert [len(s.must_fix) for s in found] == [0, 1]
    assert found[1].must_fix[0].move_to == "example.com/v1"


def note(rule: str, api_version: str, kind: str, removed_in: str = "") -> Note:
    return Note(rule, rule, "msg", api_version, kind, "x", "ns", Location(path="app.yaml"), ORIGIN_FILE,
                removed_in=removed_in)


def test_notes_go_to_the_step_that_crosses_their_removal() -> None:
    selector = note("missing-selector", "extensions/v1beta1", "DaemonSet")  # removed in 1.16: first step
    rbac_122 = note("deprecated-api-group-in-rbac", "rbac.authorization.k8s.io/v1", "ClusterRole", "1.22")
    beyond = note("deprecated-api-group-in-rbac", "rbac.authorization.k8s.io/v1", "ClusterRole", "1.25")
    found = steps("1.19", "1.23", notes=(selector, rbac_122, beyond))
    assert [[n.rule for n in s.notes] for s in found] == [
        ["missing-selector"], [], ["deprecated-api-group-in-rbac"], []]
