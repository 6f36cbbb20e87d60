"""The cluster phases of a step (sans-IO): etcd snapshot, control plane in skew-policy order, kubelets."""

from __future__ import annotations

from kubehop.model import KubeVersion
from kubehop.plan.commands import kube_version_variable, manual, run
from kubehop.plan.model import Phase, Task
from kubehop.plan.planner import StepFindings
from kubehop.plan.versions import below_recommended, etcd_minor, kubeadm_etcd, oldest_kubelet


def kubelet_deadline(kubelet: KubeVersion, final: KubeVersion) -> KubeVersion | None:
    """The first apiserver version up to `final` that no longer accepts a kubelet of this minor."""
    for minor in range(kubelet.minor + 1, final.minor + 1):
        if oldest_kubelet(KubeVersion(1, minor)).minor > kubelet.minor:
            return KubeVersion(1, minor)
    return None


def install_version(version: KubeVersion) -> str:
    return f"v{version}" if version.patch is not None else "${" + kube_version_variable(version.minor_str).name + "}"


def etcd_phase(step: StepFindings) -> Phase:
    snapshot = f"${{BACKUP_DIR}}/etcd-before-{step.target.minor_str}.db"
    return Phase("etcd-snapshot", "etcd snapshot (the rollback point of this step)", (
        Task("Snapshot etcd (checks member health first) and verify the file", (
            run("kubehop", "etcd", "backup", snapshot), run("kubehop", "etcd", "verify", snapshot))),
        Task("Copy the snapshot off the control-plane hosts; keep it until the step is accepted"),
    ))


def control_plane_phase(step: StepFindings) -> Phase:
    before, after = kubeadm_etcd(step.source), kubeadm_etcd(step.target)
    tasks = []
    if before and after and etcd_minor(before) != etcd_minor(after):
        tasks.append(Task(
            f"etcd: kubeadm's {step.target} runs etcd {after} (was {before}). Upgrade etcd one member at a time, "
            f"one etcd minor at a time ({etcd_minor(before)} -> {etcd_minor(after)}); once every member runs "
            f"{etcd_minor(after)} etcd cannot be downgraded, so the way back is restoring the snapshot"))
    elif after and after != before:
        tasks.append(Task(f"etcd: kubeadm's {step.target} runs etcd {after} (was {before or 'unknown'}): "
                          "a patch upgrade within the same etcd minor"))
    elif after:
        tasks.append(Task(f"etcd: kubeadm's {step.target} keeps etcd {after}"))
    else:
        tasks.append(Task(f"etcd: kubehop has no verified record of the etcd kubeadm runs with {step.target}: check "
                          "your installer's; upgrade etcd one etcd minor at a time, to 3.4.22+ or 3.5.6+"))
    floor = below_recommended(after) if after else ""
    if floor:
        tasks.append(Task(f"etcd {after} is older than the {floor} Kubernetes recommends for production: "
                          f"run etcd {floor} or newer"))
    version = install_version(step.target)
    hyperkube = sorted({n.detail("component") or n.name for n in step.notes if n.rule == "hyperkube"})
    if hyperkube:
        tasks.append(Task(
            f"{', '.join(hyperkube)} run hyperkube, which has no {step.target} image: move them to the "
            f"per-component images (registry.k8s.io/<component>:{version}) as they are upgraded in this step, and "
            "the kubelet to the node's package; with kubeadm, remove useHyperKubeImage from the "
            "ClusterConfiguration first"))
    tasks += [
        Task(f"kube-apiserver to {step.target} on every control-plane member, one member at a time "
             "(apiservers stay within one minor of each other)",
             (manual("kubeadm", "upgrade", "apply", version), manual("kubeadm", "upgrade", "node"))),
        Task(f"kube-controller-manager and kube-scheduler to {step.target} on every member, after the apiservers "
             "(never newer than the oldest apiserver)"),
        Task("Check the control plane answers and reports the new version",
             (manual("kubectl", "version"), manual("kubectl", "get", "--raw=/readyz?verbose"))),
    ]
    return Phase("control-plane", f"Control plane to {step.target}", tuple(tasks))


def kubelet_phase(step: StepFindings, final: KubeVersion | None) -> Phase:
    oldest = oldest_kubelet(step.target)
    deadline = kubelet_deadline(step.source, final or step.target)
    defer = (f"kubelets left at {step.source.minor_str} must be upgraded before the apiserver moves to {deadline}"
             if deadline else f"kubelets left at {step.source.minor_str} stay supported up to the end of this hop")
    return Phase("kubelets", f"Kubelets to {step.target}", (
        Task(f"Node by node: drain, upgrade kubelet (and kubectl) to {step.target}, restart, uncordon. A kubelet "
             f"must never be newer than the apiserver. The {step.target} apiserver accepts kubelets down to "
             f"{oldest}, so this may be deferred: {defer}",
             (manual("kubectl", "drain", "${NODE}", "--ignore-daemonsets"),
              manual("kubectl", "uncordon", "${NODE}"))),
    ))
