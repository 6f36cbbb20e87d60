"""Gather everything one `kubehop check` needs (files, chart, release storage, cluster) and run it.

This is the I/O shell around run_check: it decides which manifest Helm would apply and which one
it would diff against, where the live objects come from, and which Kubernetes and Helm versions
to model.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubehop.check.change import DEFAULT_HELM_VERSION, CheckContext, HelmVersion, Operation
from kubehop.check.engine import CheckReport, run_check
from kubehop.check.inputs import (
    Manifest,
    Revision,
    history_before,
    parse_manifest,
    read_manifest_file,
    release_history,
    render_chart_manifest,
    rollback_revisions,
    upgrade_base,
)
from kubehop.check.steps import plan_steps
from kubehop.errors import UsageError
from kubehop.model import KubeVersion

HELM2_VERSION: HelmVersion = (2, 17, 0)


@dataclass(frozen=True)
class CheckRequest:
    operation: Operation
    release: str
    namespace: str | None = None
    manifest: str | None = None
    chart: str | None = None
    values: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    current_manifest: str | None = None
    to_revision: int = 0
    live_file: str | None = None
    cluster: bool = False
    force: bool = False
    kube_version: str | None = None
    helm_version: str | None = None
    storage: str | None = None
    kubeconfig: str | None = None
    context: str | None = None
    tiller_namespace: str | None = None
    lifecycle_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckOutcome:
    report: CheckReport
    context: CheckContext
    notes: tuple[str, ...]
    # Rollback from release storage: the other stored revisions the same check accepts.
    safe_revisions: tuple[int, ...] | None = None


def parse_helm_version(text: str) -> HelmVersion:
    parts = text.strip().lstrip("v").split("+")[0].split("-")[0].split(".")
    try:
        numbers = [int(p) for p in parts[:3]] + [0] * (3 - len(parts[:3]))
    except ValueError:
        raise UsageError(f"not a Helm version: {text!r} (expected e.g. 3.17.3)") from None
    return numbers[0], numbers[1], numbers[2]


def detect_helm_version() -> HelmVersion | None:
    from kubehop.tools import find_binary

    try:
        helm = find_binary("helm")
        done = subprocess.run([helm, "version", "--template", "{{.Version}}"], capture_output=True, text=True,
                              timeout=30, check=False)
    except (UsageError, OSError, subprocess.TimeoutExpired):
        return None
    return parse_helm_version(done.stdout) if done.returncode == 0 and done.stdout.strip() else None


def _needs_storage(req: CheckRequest) -> bool:
    if req.operation is Operation.UPGRADE:
        return req.current_manifest is None
    return req.current_manifest is None or req.manifest is None


def _namespace(req: CheckRequest) -> str:
    if req.namespace:
        return req.namespace
    if os.environ.get("HELM_NAMESPACE"):
        return os.environ["HELM_NAMESPACE"]
    if req.cluster or (_needs_storage(req) and not (req.storage or "").startswith("file:")):
        from kubehop.cluster.client import context_namespace

        return context_namespace(req.kubeconfig, req.context) or "default"
    if req.live_file:
        # Offline, nothing names the release namespace but the exported objects: use theirs when they agree.
        objects = read_manifest_file(req.live_file).objects
        found = {str((o.get("metadata") or {}).get("namespace") or "") for o in objects} - {""}
        if len(found) == 1:
            return found.pop()
    return "default"


def _history(req: CheckRequest, namespace: str) -> list[Revision]:
    from kubehop.errors import ClusterError, StorageError
    from kubehop.helm.storage.select import open_storage

    offline = ("--current-manifest FILE" if req.operation is Operation.UPGRADE
               else "--manifest FILE and --current-manifest FILE")
    try:
        storage = open_storage(req.storage, kubeconfig=req.kubeconfig, context=req.context,
                               tiller_namespace=req.tiller_namespace)
    except (ClusterError, StorageError) as exc:
        raise type(exc)(f"{exc} (to work without release storage, pass {offline})") from exc
    try:
        return release_history(storage, req.release, namespace)
    except (ClusterError, StorageError) as exc:
        raise type(exc)(f"{exc} (to work without release storage, pass {offline})") from exc
    finally:
        close = getattr(storage, "close", None)
        if close is not None:
            close()


def _revision_manifest(revision: Revision) -> Manifest:
    return parse_manifest(revision.manifest, f"revision {revision.version}")


def execute(req: CheckRequest) -> CheckOutcome:
    namespace = _namespace(req)
    notes: list[str] = []
    client = _client(req)
    kube = KubeVersion.parse(req.kube_version) if req.kube_version else None
    if kube is None and client is not None:
        from kubehop.cluster import server_version

        kube = server_version(client)  # also what the chart is rendered for (.Capabilities.KubeVersion)
    history = _history(req, namespace) if _needs_storage(req) else []
    current_rev = target_rev = None
    if req.operation is Operation.UPGRADE:
        if req.manifest:
            target = read_manifest_file(req.manifest)
        elif req.chart:
            target = render_chart_manifest(req.chart, release=req.release, namespace=namespace, values=req.values,
                                           set_values=req.set_values, kube_version=kube)
        else:
            raise UsageError("check upgrade needs --manifest FILE or --chart CHART")
        base = upgrade_base(history) if history else None
        original = read_manifest_file(req.current_manifest) if req.current_manifest else _revision_manifest(base) \
            if base else Manifest("-", ())
        current_rev = base.version if base else None
    else:
        current, wanted = rollback_revisions(history, req.to_revision) if history else (None, None)
        target = read_manifest_file(req.manifest) if req.manifest else _revision_manifest(wanted) if wanted \
            else Manifest("-", ())
        original = read_manifest_file(req.current_manifest) if req.current_manifest else _revision_manifest(current) \
            if current else Manifest("-", ())
        current_rev = current.version if current else None
        target_rev = wanted.version if wanted else (req.to_revision or None)
    live, classes = _live(req, client, kube, target, original, namespace, notes)
    helm = _helm_version(req, history, notes)
    ctx = CheckContext(
        operation=req.operation, release=req.release, namespace=namespace, force=req.force, kube_version=kube,
        helm_version=helm, live_supplied=live is not None, current_revision=current_rev, target_revision=target_rev,
        storage_classes=classes,
        history=history_before(history, current_rev) if history and current_rev else (),
        served=_served(req, kube, [*target.objects, *original.objects]),
        target_source=_source(req, target, target_rev), templates=target.templates,
    )
    if live is None:
        notes.append("no live objects given (--live FILE or --cluster): what is live was inferred from the release "
                     "manifests and the defaults the old APIs applied")
    if kube is None:
        notes.append("no Kubernetes version given (--kube-version or --cluster): messages assume a current server")
    report = run_check(target.objects, original.objects, live, ctx)
    safe: tuple[int, ...] | None = None
    if req.operation is Operation.ROLLBACK and history and report.rejected and not req.manifest:
        safe = safe_rollback_targets(history, original, live, ctx)
        report = dataclasses.replace(report, steps=plan_steps(ctx, report.fixes, True, safe))
    return CheckOutcome(report=report, context=ctx, notes=tuple(notes), safe_revisions=safe)


def safe_rollback_targets(
    history: Sequence[Revision], current: Manifest, live: Sequence[Mapping[str, Any]] | None, ctx: CheckContext
) -> tuple[int, ...]:
    """Stored revisions (newest first) that `helm rollback` could go to without a rejection."""
    safe = []
    for revision in reversed(history[:-1]):
        if revision.version == ctx.target_revision:
            continue
        candidate = dataclasses.replace(ctx, target_revision=revision.version)
        if not run_check(_revision_manifest(revision).objects, current.objects, live, candidate).rejected:
            safe.append(revision.version)
    return tuple(safe)


def _source(req: CheckRequest, target: Manifest, target_rev: int | None) -> str:
    if req.manifest or req.chart:
        return target.source
    return f"revision {target_rev}" if target_rev else target.source


def _helm_version(req: CheckRequest, history: Sequence[Revision], notes: list[str]) -> HelmVersion:
    if req.helm_version:
        return parse_helm_version(req.helm_version)
    if history and history[-1].helm_major == 2:
        notes.append("Helm 2 release records: modelling Helm 2.17 (use --helm-version to change)")
        return HELM2_VERSION
    return detect_helm_version() or DEFAULT_HELM_VERSION


def _served(
    req: CheckRequest, kube: KubeVersion | None, objects: Sequence[Mapping[str, Any]]
) -> dict[str, bool | None]:
    from kubehop.check.served import served_map
    from kubehop.lifecycle import Lifecycle

    lifecycle = Lifecycle.load(req.lifecycle_files) if req.lifecycle_files else Lifecycle.default()
    return served_map(lifecycle, kube, objects)


def _client(req: CheckRequest) -> Any:
    if not req.cluster:
        return None
    from kubehop.cluster import api_client

    return api_client(req.kubeconfig, req.context)


def _live(
    req: CheckRequest, client: Any, kube: KubeVersion | None, target: Manifest, original: Manifest, namespace: str,
    notes: list[str],
) -> tuple[list[dict[str, Any]] | None, dict[str, bool]]:
    from kubehop.check.live import fetch_live, fetch_storage_classes, storage_classes
    from kubehop.check.objects import object_key

    if req.live_file:
        live = [dict(o) for o in read_manifest_file(req.live_file).objects]
        return live, storage_classes(live)
    if client is None:
        return None, {}
    previous = {(object_key(o, namespace).kind, object_key(o, namespace).name): str(o.get("apiVersion") or "")
                for o in original.objects}
    wanted = []
    for obj in target.objects:
        key = object_key(obj, namespace)
        wanted.append(((str(obj.get("apiVersion") or ""), previous.get((key.kind, key.name), "")),
                       key.kind, key.namespace, key.name))
    live = fetch_live(client, wanted)
    notes.append(f"live objects read from the cluster (server {kube})")
    return live, fetch_storage_classes(client)


def skip_findings(outcome: CheckOutcome, skip: Sequence[str]) -> CheckOutcome:
    """The outcome without the findings whose rule id or tag is in `skip` (the Helm error stays: it is
    what Helm will do regardless)."""
    if not skip:
        return outcome
    kept = tuple(f for f in outcome.report.findings if f.rule_id not in skip and f.tag not in skip)
    return dataclasses.replace(outcome, report=dataclasses.replace(outcome.report, findings=kept))
