"""The forward phases of one hop step, in the order that keeps a rollback possible (sans-IO):
fix objects and release records, fix charts, snapshot etcd, control plane, kubelets, charts again, verify."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kubehop.model import KubeVersion
from kubehop.plan.commands import Unit, manual, run, units_for
from kubehop.plan.control_plane import control_plane_phase, etcd_phase, kubelet_phase
from kubehop.plan.model import (
    ORIGIN_CHART,
    ORIGIN_CLUSTER,
    ORIGIN_FILE,
    ORIGIN_RELEASE,
    STATUS_ALREADY_REMOVED,
    Command,
    Item,
    Move,
    Note,
    Phase,
    Task,
)
from kubehop.plan.planner import StepFindings

SELECTOR_RULE = "missing-selector"


@dataclass(frozen=True)
class Context:
    units: tuple[Unit, ...]
    paths: tuple[str, ...]  # PATH inputs, scanned again to verify each step
    release_storages: tuple[str, ...]  # storages of release inputs ("" = Helm's default)
    final: KubeVersion | None = None  # --to
    cluster: bool = False  # live objects are in the inventory
    chart_args: tuple[str, ...] = ()  # -f FILE / --set K=V the charts were rendered with


def _why(move: Move) -> str:
    when = f"removed in {move.removed_in}" + (", so already by the version the cluster runs"
                                               if move.status == STATUS_ALREADY_REMOVED else "")
    if move.blocked:
        return f"BLOCKED: {move.blocked}"
    return f"{move.api_version} {move.kind} is {when}: move to {move.move_to}" + (
        f" (then {move.final} once it is served)" if move.final and move.final != move.move_to else "")


def live_export(note: Note) -> str:
    """Where the runbook saves a live object whose selector a manifest conversion must copy."""
    namespace = note.namespace or note.location.namespace or "_"
    return f"${{BACKUP_DIR}}/live-{note.kind.lower()}-{namespace}-{note.name}.yaml"


def _object_tasks(must: Sequence[Move], source: KubeVersion,
                  live: Mapping[str, Sequence[str]] | None = None) -> list[Task]:
    tasks = []
    converted: set[str] = set()
    for move in must:
        subject = move.subject
        commands: tuple[Command, ...] = ()
        if subject.origin == ORIGIN_FILE and not move.blocked and subject.source not in converted:
            converted.add(subject.source)
            live_args = [arg for path in (live or {}).get(subject.source, ()) for arg in ("--live", path)]
            commands = (run("kubehop", "convert", subject.source, "--target", source.minor_str, *live_args,
                            "--write"),)
        elif subject.origin == ORIGIN_CHART and not move.blocked:
            template = subject.location.template or subject.source
            tasks.append(Task(f"{subject.label} in chart template `{template}` of `{subject.source}`: {_why(move)}"))
            continue
        elif subject.origin == ORIGIN_RELEASE and not move.blocked:
            continue  # the release records phase rewrites these
        elif subject.origin == ORIGIN_CLUSTER and not move.blocked:
            tasks.append(Task(f"Live {subject.label} (`{subject.where}`): {_why(move)}; whatever writes it "
                              "(kubectl apply, a controller, GitOps) must send the new version before the step"))
            continue
        tasks.append(Task(f"{subject.label} at `{subject.where}`: {_why(move)}", commands))
    return tasks


def _soon(move: Move) -> str:
    if not move.move_to:
        return "no replacement API: decide what replaces it before it is removed"
    if move.final and move.final != move.move_to:
        return f"move to {move.move_to} now, or to {move.final} once the cluster runs {move.final_since}"
    return f"move to {move.move_to}"


def fix_phase(step: StepFindings) -> Phase:
    file_selectors = [n for n in step.notes if n.origin == ORIGIN_FILE and n.rule == SELECTOR_RULE]
    live: dict[str, list[str]] = {}
    for note in file_selectors:
        live.setdefault(note.location.path, []).append(live_export(note))
    tasks = [_selector_task(n) for n in file_selectors]
    tasks += _object_tasks([m for m in step.must_fix if m.subject.origin != ORIGIN_CHART or m.blocked], step.source,
                           live)
    for move in step.deprecated:
        tasks.append(Task(f"(fix soon) {move.subject.label} at `{move.subject.where}`: {move.api_version} "
                          f"{move.kind} is deprecated in {step.target} (removed in "
                          f"{move.removed_in or 'no version yet'}); {_soon(move)}"))
    tasks += [Task(f"{n.kind} {n.name} at `{n.location}`: {n.message}") for n in step.notes
              if n.origin == ORIGIN_FILE and n.rule != SELECTOR_RULE]
    if not tasks:
        tasks.append(Task(f"Nothing in the inputs uses an API that {step.target} removes or deprecates."))
    return Phase("fix-objects", f"Before the step: objects on APIs {step.target} removes (fix now) or "
                 "deprecates (fix soon)", tuple(tasks))


def releases_phase(step: StepFindings, ctx: Context) -> Phase | None:
    moves = [m for m in step.must_fix if m.subject.origin == ORIGIN_RELEASE]
    if not moves:
        return None
    tasks = []
    for unit in units_for((m.subject for m in moves), ctx.units):
        mine = [m for m in moves if m.subject.release == unit.release and m.subject.source == unit.storage]
        kinds = ", ".join(sorted({f"{m.api_version} {m.kind}" for m in mine}))
        revisions = sorted({rev for m in mine for rev, _ in m.subject.revisions})
        blocked = [m for m in mine if m.blocked]
        text = (f"Release {unit.namespace or '-'}/{unit.release} (Helm {unit.helm_major}): revisions "
                f"{', '.join(f'#{r}' for r in revisions)} hold {kinds}; rewrite the deployed revision before the "
                f"step, or `helm upgrade`/`helm status` fail with `unable to recognize \"\": no matches for kind`")
        if blocked:
            text += "; " + "; ".join(_why(m) for m in blocked)
        target = step.target.minor_str
        tasks.append(Task(text, (
            run("kubehop", "releases", "scan", "--target", target, "--release", unit.release, *unit.storage_args(),
                "--fail-on", "none"),
            run("kubehop", "releases", "fix", unit.release, "--target", target, *unit.storage_args()))))
    return Phase("release-records", f"Helm release records to rewrite before {step.target}", tuple(tasks))


def _selector_task(note: Note) -> Task:
    kind, ns = note.kind.lower(), note.namespace or note.location.namespace or "${NAMESPACE}"
    selector = note.detail("selector")
    volatile = note.detail("volatile_labels")
    guess = f"offline guess: matchLabels {{{selector}}}"
    if note.origin == ORIGIN_FILE:
        text = (f"{note.kind} {note.name} (`{note.location}`): export the live object so the conversion below "
                f"copies its exact selector into the manifest ({guess})")
        get = Command(f"kubectl get {kind} {note.name} -n {ns} -o yaml > \"{live_export(note)}\"", manual=True)
    else:
        text = (f"{note.kind} {note.name} (`{note.location}`): put the live object's exact selector in the chart's "
                f"spec.selector before the API group moves ({guess})")
        get = manual("kubectl", "get", kind, note.name, "-n", ns, "-o", "jsonpath={.spec.selector}")
    if volatile:
        text += f"; labels {volatile} change with chart releases: keep their current values in selector and template"
    return Task(text, (get,))


def chart_items(step: StepFindings) -> list[Item]:
    """Everything that makes a chart upgrade part of this step (the charts and charts-again phases)."""
    selectors = [n for n in step.notes if n.origin != ORIGIN_FILE]
    moved = [m.subject for m in step.must_fix if m.subject.origin != ORIGIN_FILE]
    migrated = [m.subject for m in (*step.must_fix, *step.deprecated)
                if m.subject.origin != ORIGIN_FILE and _newly_served(m, step)]
    return [*selectors, *moved, *migrated]


def charts_phase(step: StepFindings, ctx: Context) -> Phase | None:
    selectors = [n for n in step.notes if n.rule == SELECTOR_RULE and n.origin != ORIGIN_FILE]
    others = [n for n in step.notes if n.rule != SELECTOR_RULE and n.origin != ORIGIN_FILE]
    chart_moves = [m for m in step.must_fix if m.subject.origin == ORIGIN_CHART and not m.blocked]
    release_moves = [m for m in step.must_fix if m.subject.origin == ORIGIN_RELEASE]
    if not selectors and not chart_moves and not release_moves and not others:
        return None
    tasks = [_selector_task(n) for n in selectors]
    tasks += [Task(f"{n.kind} {n.name} (`{n.location}`): {n.message}") for n in others]
    tasks += _object_tasks(chart_moves, step.source)
    charted = {(m.subject.chart, m.subject.location.template, m.subject.kind, m.subject.name) for m in chart_moves}
    tasks += [Task(f"{m.subject.label} in template `{m.subject.location.template}` of the chart release "
                   f"{m.subject.release} is installed from: {_why(m)}") for m in release_moves
              if not m.blocked and m.subject.location.template
              and (m.subject.chart, m.subject.location.template, m.subject.kind, m.subject.name) not in charted]
    items: list[Item] = [*selectors, *others, *(m.subject for m in chart_moves),
                         *(m.subject for m in release_moves)]
    floor = " (the new revision, with the live selectors, becomes the rollback floor)" if selectors else ""
    for unit in units_for(items, ctx.units):
        tasks.append(Task(f"Check and upgrade {unit.release} with the fixed chart while the cluster runs "
                          f"{step.source}{floor}",
                          (unit.check_upgrade(ctx.chart_args), unit.helm_upgrade(ctx.chart_args))))
    return Phase("charts", "Charts: fix before the control plane moves", tuple(tasks))


def _newly_served(move: Move, step: StepFindings) -> bool:
    """The final replacement becomes servable at this step (a chart can move to it only now)."""
    if not move.final_since or move.final == move.api_version:
        return False
    since = KubeVersion.parse(move.final_since)
    return step.source < since <= step.target


def charts_again_phase(step: StepFindings, ctx: Context) -> Phase | None:
    moves = [m for m in (*step.must_fix, *step.deprecated)
             if m.subject.origin in (ORIGIN_CHART, ORIGIN_RELEASE) and _newly_served(m, step)]
    selectors = [n for n in step.notes if n.rule == SELECTOR_RULE and n.origin != ORIGIN_FILE]
    migrated = [m.subject for m in step.must_fix if m.subject.origin != ORIGIN_FILE]
    items: list[Item] = [*(m.subject for m in moves), *selectors, *migrated]
    affected = units_for(items, ctx.units)
    if not affected:
        return None
    tasks = [Task(f"{m.subject.label} (`{m.subject.location.template or m.subject.where}`): move "
                  f"{m.api_version} to {m.final}, served from {m.final_since} on") for m in moves]
    for unit in affected:
        checks: list[Command] = []
        if not unit.chart_path.startswith("${"):
            checks.append(run("kubehop", "scan", unit.chart_path, "--target", step.target.minor_str,
                              "--fail-on", "removed"))
        checks += [unit.check_upgrade(ctx.chart_args), unit.helm_upgrade(ctx.chart_args)]
        tasks.append(Task(f"Upgrade {unit.release} on {step.target} with the migrated APIs", tuple(checks)))
    return Phase("charts-again", "Charts again: upgrade with the migrated APIs", tuple(tasks))


def verify_phase(step: StepFindings, ctx: Context) -> Phase:
    target = step.target.minor_str
    tasks = []
    if ctx.cluster:
        tasks.append(Task(f"No live object is still written with an API {step.target} removed",
                          (run("kubehop", "scan", "--cluster", "-A", "--target", target, "--fail-on", "removed"),)))
    if ctx.paths:
        tasks.append(Task(f"Nothing in the manifests and charts uses an API {step.target} removed",
                          (run("kubehop", "scan", *ctx.paths, "--target", target, "--fail-on", "removed"),)))
    for storage in ctx.release_storages:
        scope = ("--storage", storage) if storage else ()
        tasks.append(Task(f"No deployed release record uses an API {step.target} removed",
                          (run("kubehop", "releases", "scan", "--target", target, "-A", *scope, "--fail-on",
                               "none"),)))
    tasks.append(Task("Cluster health: nodes Ready, system pods running, releases deployed",
                      (manual("kubectl", "get", "nodes"), manual("kubectl", "get", "pods", "-A"),
                       manual("helm", "list", "-A"))))
    return Phase("verify", f"Verify {step.target}", tuple(tasks))


def forward_phases(step: StepFindings, ctx: Context) -> tuple[Phase, ...]:
    phases = [fix_phase(step), releases_phase(step, ctx), charts_phase(step, ctx), etcd_phase(step),
              control_plane_phase(step), kubelet_phase(step, ctx.final), charts_again_phase(step, ctx),
              verify_phase(step, ctx)]
    return tuple(p for p in phases if p is not None)
