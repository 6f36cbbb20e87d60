"""The rollback of one hop step, in reverse order of the forward phases (sans-IO): charts back, kubelets
back, etcd restored on every control-plane member, Secrets rotated since the snapshot re-applied."""

from __future__ import annotations

from kubehop.plan.commands import manual, run, units_for
from kubehop.plan.model import ORIGIN_RELEASE, Move, Note, Phase, Task
from kubehop.plan.planner import StepFindings
from kubehop.plan.runbook import SELECTOR_RULE, Context, chart_items
from kubehop.plan.versions import etcd_minor, kubeadm_etcd


def floor_tasks(step: StepFindings) -> list[Task]:
    """Release revisions `helm rollback` cannot go back to once the step is taken."""
    tasks = []
    by_release: dict[tuple[str, str, str], list[Move]] = {}
    for move in step.must_fix:
        if move.subject.origin == ORIGIN_RELEASE:
            key = (move.subject.release_namespace, move.subject.release, move.subject.source)
            by_release.setdefault(key, []).append(move)
    for (namespace, release, storage), moves in by_release.items():
        revisions = sorted({rev for m in moves for rev, _ in m.subject.revisions})
        kinds = ", ".join(sorted({f"{m.api_version} {m.kind}" for m in moves}))
        scope = (*(("-n", namespace) if namespace else ()), *(("--storage", storage) if storage else ()))
        tasks.append(Task(
            f"WARNING: rollback floor of {namespace or '-'}/{release}: revisions "
            f"{', '.join(f'#{r}' for r in revisions)} hold {kinds}, which {step.target} does not serve; "
            "`helm rollback` to them fails unless they are rewritten too",
            (manual("kubehop", "releases", "fix", release, "--target", step.target.minor_str, *scope,
                    "--revisions", "all"),)))
    selectorless: dict[tuple[str, str], list[Note]] = {}
    for note in step.notes:
        if note.rule == SELECTOR_RULE and note.origin == ORIGIN_RELEASE:
            selectorless.setdefault((note.location.namespace or "-", note.location.release or ""), []).append(note)
    for (namespace, release), notes in selectorless.items():
        names = ", ".join(sorted({f"{n.kind} {n.name}" for n in notes}))
        tasks.append(Task(
            f"WARNING: rollback floor of {namespace}/{release}: its stored revisions have no spec.selector on "
            f"{names}; even rewritten, rolling back to them fails (`selector` does not match template `labels` / "
            "spec.selector: Required value). The first revision that carries the live selector is the floor"))
    return tasks


def floor_warnings(step: StepFindings) -> list[str]:
    return [task.text.removeprefix("WARNING: ") + "".join(f" (`{c.line}`)" for c in task.commands)
            for task in floor_tasks(step)]


def rollback_phases(step: StepFindings, ctx: Context) -> tuple[Phase, ...]:
    minor = step.target.minor_str
    snapshot = f"${{BACKUP_DIR}}/etcd-before-{minor}.db"
    now = f"${{BACKUP_DIR}}/etcd-at-rollback-{minor}.db"
    changed = f"${{BACKUP_DIR}}/changed-since-{minor}"
    chart_tasks = [Task(f"Roll back the chart upgrades of this step for {unit.release}, newest first (check each)",
                        (unit.check_rollback(), unit.helm_rollback()))
                   for unit in units_for(chart_items(step), ctx.units)]
    chart_tasks += floor_tasks(step)
    if not chart_tasks:
        chart_tasks = [Task("No chart was upgraded in this step.")]
    etcd_before = kubeadm_etcd(step.source)
    restore_plan = ["kubehop", "etcd", "restore-plan", snapshot, "--cluster-file", "${ETCD_CLUSTER_FILE}"]
    if etcd_before:
        restore_plan += ["--etcd-version", etcd_minor(etcd_before)]
    etcd_back = (f"; put etcd {etcd_before} back first if it was upgraded: a snapshot is restored by the etcd "
                 "minor that took it" if etcd_before else "")
    return (
        Phase("rollback-charts", f"Rollback {step.target} -> {step.source}: charts first", tuple(chart_tasks)),
        Phase("rollback-kubelets", "Kubelets back", (
            Task(f"Kubelets already on {step.target} go back to {step.source} before the control plane does "
                 "(a kubelet must never be newer than the apiserver)",
                 (manual("kubectl", "drain", "${NODE}", "--ignore-daemonsets"),
                  manual("kubectl", "uncordon", "${NODE}"))),
        )),
        Phase("rollback-etcd", "Control plane back: restore etcd on every member from the snapshot", (
            Task("Snapshot the current state and export the Secrets and ConfigMaps changed since the step's "
                 "snapshot (rotated credentials the restore would revert)",
                 (run("kubehop", "etcd", "backup", now), run("kubehop", "etcd", "diff", snapshot, now,
                                                            "--export", changed))),
            Task("Verify the step's snapshot and print the per-member restore commands",
                 (run("kubehop", "etcd", "verify", snapshot), run(*restore_plan))),
            Task("Stop every kube-apiserver (a restore under a running apiserver serves stale data)"),
            Task(f"On every control-plane member, restore from the same snapshot file{etcd_back}",
                 (manual("kubehop", "etcd", "restore", snapshot, "--cluster-file", "${ETCD_CLUSTER_FILE}",
                         "--yes"),)),
            Task(f"Put the {step.source} control-plane manifests back (kubeadm keeps them in "
                 "/etc/kubernetes/tmp/kubeadm-backup-manifests-*), start the apiservers, then restart "
                 "kube-controller-manager, kube-scheduler and every kubelet",
                 (manual("kubectl", "version"), manual("kubectl", "get", "--raw=/readyz?verbose"))),
        )),
        Phase("rollback-secrets", "Re-apply what the restore reverted", (
            Task("Re-apply the exported Secrets and ConfigMaps (mode 0600 files; never print them)",
                 (manual("kubectl", "apply", "-f", changed),)),
            Task(f"The pre-step fixes (selectors, converted manifests, rewritten records) are valid on "
                 f"{step.source}: keep them"),
        )),
        Phase("rollback-verify", f"Verify {step.source}", (
            Task(f"Control plane reports {step.source}; nodes Ready; releases deployed",
                 (manual("kubectl", "get", "nodes"), manual("helm", "list", "-A"))),
        )),
    )
