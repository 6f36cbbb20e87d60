"""Run one job per cluster, at most `jobs` at a time, each within its own time limit.

The official Kubernetes client blocks, so clusters are read in threads. A cluster that does not finish
within its timeout is reported as such and the others go on: its reader sends no further request after
the deadline, and its thread (a daemon) is not waited for.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from kubehop.cluster.live import ClusterReader
from kubehop.errors import KubehopError, UsageError
from kubehop.fleet.model import ClusterReport, FleetMember

log = logging.getLogger("kubehop")
Job = Callable[[FleetMember, float], ClusterReport]  # (member, deadline as time.monotonic()) -> report


def open_reader(kubeconfig: str | None, context: str, deadline: float, chunk_size: int = 500) -> ClusterReader:
    """A reader for one cluster of the fleet that sends nothing after `deadline`. urllib3 does not retry its
    requests: a retried request could outlast the deadline (a failed one is that cluster's error)."""
    from kubernetes import client

    from kubehop.cluster.kubeconfig import resolve

    if chunk_size < 1:
        raise UsageError(f"--chunk-size must be at least 1, not {chunk_size}")
    access = resolve(kubeconfig, context)
    configuration = access.configuration()
    configuration.retries = False
    return ClusterReader(client.ApiClient(configuration=configuration), access.context, chunk_size, deadline)


def run_jobs(members: Sequence[FleetMember], job: Job, jobs: int, timeout: float) -> list[ClusterReport]:
    """The reports in the order of `members`."""
    results: list[ClusterReport | None] = [None] * len(members)
    pending: queue.Queue[int] = queue.Queue()
    for index in range(len(members)):
        pending.put(index)

    def worker() -> None:
        while True:
            try:
                index = pending.get_nowait()
            except queue.Empty:
                return
            results[index] = _run_one(members[index], job, timeout)

    workers = [threading.Thread(target=worker, name=f"kubehop-fleet-{n}", daemon=True)
               for n in range(max(1, min(jobs, len(members))))]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return [r if r is not None else ClusterReport(m.context, m.labels, errors=("not read",))
            for r, m in zip(results, members, strict=True)]


def _run_one(member: FleetMember, job: Job, timeout: float) -> ClusterReport:
    deadline = time.monotonic() + timeout
    box: list[ClusterReport] = []

    def target() -> None:
        box.append(_guarded(member, job, deadline))

    thread = threading.Thread(target=target, name=f"kubehop-cluster-{member.context}", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)  # the reader's own deadline usually ends it first, with what it found
    if box:
        report = box[0]
        log.info("context %s: %s in %.1fs (%d findings, %d errors)", member.context, report.status,
                 timeout - (deadline - time.monotonic()), len(report.findings), len(report.errors))
        return report
    log.info("context %s: timed out after %gs", member.context, timeout)
    return ClusterReport(member.context, member.labels, target=member.target or "",
                         errors=(f"context {member.context}: timed out after {timeout:g}s",))


def _guarded(member: FleetMember, job: Job, deadline: float) -> ClusterReport:
    try:
        return job(member, deadline)
    except KubehopError as exc:
        return ClusterReport(member.context, member.labels, target=member.target or "", errors=(str(exc),))
    except Exception as exc:  # one cluster's surprise must not stop the fleet
        return ClusterReport(member.context, member.labels, target=member.target or "",
                             errors=(f"context {member.context}: unexpected error: {type(exc).__name__}: {exc}",))
