"""Version facts the planner needs: the minor-by-minor hop, the kubelet skew policy, kubeadm's etcd.

Sources:
- Version skew policy, https://kubernetes.io/releases/version-skew-policy/: kube-apiserver instances
  within one minor of each other; kube-controller-manager and kube-scheduler never newer than the
  apiserver; kubelet never newer than the apiserver and up to two minors older (three minors when
  the kubelet is 1.25 or newer, a rule in force since 1.28). Component upgrade order: apiserver,
  then controller-manager and scheduler, then kubelets.
- etcd per Kubernetes minor: kubeadm's default etcd image (reference
  etcd-backup-restore-and-snapshots.md section 2.3, from minikube's `kubeadm config images list`
  table); etcd upgrades one etcd minor at a time (same file, section 2.1).
"""

from __future__ import annotations

import itertools

from kubehop.errors import UsageError
from kubehop.model import KubeVersion

# Kubernetes minor -> ((first patch, etcd version kubeadm deploys from that patch on), ...).
KUBEADM_ETCD: dict[int, tuple[tuple[int, str], ...]] = {
    13: ((0, "3.2.24"),),
    14: ((0, "3.3.10"),),
    15: ((0, "3.3.10"),),
    16: ((0, "3.3.15"),),
    17: ((0, "3.4.3"),),
    18: ((0, "3.4.3"),),
    19: ((0, "3.4.9"), (1, "3.4.13")),
    20: ((0, "3.4.13"),),
    21: ((0, "3.4.13"),),
    22: ((0, "3.5.0"), (17, "3.5.6")),
    23: ((0, "3.5.1"), (14, "3.5.5"), (15, "3.5.6")),
    24: ((0, "3.5.3"), (8, "3.5.5"), (9, "3.5.6")),
    25: ((0, "3.5.4"), (4, "3.5.5"), (5, "3.5.6"), (15, "3.5.9")),
    26: ((0, "3.5.6"), (10, "3.5.9"), (13, "3.5.10")),
    27: ((0, "3.5.7"), (7, "3.5.9"), (10, "3.5.10")),
    28: ((0, "3.5.9"), (6, "3.5.10")),
    29: ((0, "3.5.10"),),
    30: ((0, "3.5.12"),),
    33: ((0, "3.5.21"),),
}

SKEW_POLICY_URL = "https://kubernetes.io/releases/version-skew-policy/"
# "The minimum recommended etcd versions to run in production are 3.4.22+ and 3.5.6+" (Kubernetes'
# etcd operations page; reference etcd-backup-restore-and-snapshots.md section 1.6).
MIN_RECOMMENDED_ETCD = {"3.4": (3, 4, 22), "3.5": (3, 5, 6)}


def below_recommended(etcd_version: str) -> str:
    """The recommended minimum when `etcd_version` is older than it, else ""."""
    parts = tuple(int(p) for p in etcd_version.split(".")[:3] if p.isdigit())
    floor = MIN_RECOMMENDED_ETCD.get(etcd_minor(etcd_version))
    if floor is None or len(parts) != 3 or parts >= floor:
        return ""
    return ".".join(map(str, floor))


def parse_range(source_text: str, target_text: str) -> tuple[KubeVersion, KubeVersion]:
    """Parse --from/--to; a downgrade or a same-minor request is a usage error that says why."""
    source, target = KubeVersion.parse(source_text), KubeVersion.parse(target_text)
    if target < source:
        raise UsageError(
            f"--to {target} is older than --from {source}: Kubernetes does not support in-place minor "
            "downgrades of the control plane. The way back is restoring the etcd snapshot taken before the "
            "upgrade on every control-plane member (see the Rollback sections of "
            f"`kubehop plan --from {target} --to {source}`)"
        )
    if target.minor == source.minor:
        raise UsageError(
            f"--from {source} and --to {target} are the same minor: a patch upgrade removes no APIs, "
            "so there is nothing to plan (give a later minor with --to)"
        )
    return source, target


def hop(source: KubeVersion, target: KubeVersion) -> list[tuple[KubeVersion, KubeVersion]]:
    """(from, to) pairs one minor at a time; the first keeps --from's patch, the last --to's."""
    versions = [source] + [KubeVersion(1, minor) for minor in range(source.minor + 1, target.minor)] + [target]
    return list(itertools.pairwise(versions))


def kubeadm_etcd(version: KubeVersion) -> str:
    """The etcd version kubeadm deploys for a Kubernetes version ("" when the reference has no row)."""
    rows = KUBEADM_ETCD.get(version.minor)
    if rows is None or version.major != 1:
        return ""
    patch = version.patch or 0
    return [etcd for first, etcd in rows if patch >= first][-1]


def etcd_minor(etcd_version: str) -> str:
    return ".".join(etcd_version.split(".")[:2])


def kubelet_skew(apiserver: KubeVersion, kubelet_minor: int) -> int:
    """How many minors older than the apiserver a kubelet of `kubelet_minor` may be."""
    return 3 if apiserver.minor >= 28 and kubelet_minor >= 25 else 2


def oldest_kubelet(apiserver: KubeVersion) -> KubeVersion:
    """The oldest kubelet minor an apiserver of this version supports."""
    for older in range(3, 1, -1):
        candidate = apiserver.minor - older
        if kubelet_skew(apiserver, candidate) >= older:
            return KubeVersion(1, candidate)
    return KubeVersion(1, apiserver.minor - 2)
