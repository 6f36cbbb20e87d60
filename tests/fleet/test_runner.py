"""Concurrency bound, per-cluster timeout and error isolation of the fleet runner (real threads)."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from kubehop.errors import ClusterError
from kubehop.fleet.model import ClusterReport, FleetMember
from kubehop.fleet.runner import run_jobs


def test_at_most_jobs_at_once_and_results_in_member_order() -> None:
    lock = threading.Lock()
    running, peak = 0, 0

    def job(member: FleetMember, deadline: float) -> ClusterReport:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return ClusterReport(member.context, server_version="1.21.0")

    members = [FleetMember(f"c{n}") for n in range(9)]
    reports = run_jobs(members, job, jobs=3, timeout=10)
    assert [r.context for r in reports] == [m.context for m in members]
    assert peak == 3


def test_a_slow_cluster_times_out_and_the_others_go_on() -> None:
    def job(member: FleetMember, deadline: float) -> ClusterReport:
        assert deadline > time.monotonic()
        if member.context == "slow":
            time.sleep(30)
        return ClusterReport(member.context)

    started = time.monotonic()
    reports = run_jobs([FleetMember("slow"), FleetMember("fast")], job, jobs=2, timeout=0.2)
    assert time.monotonic() - started < 5
    assert reports[0].errors == ("context slow: timed out after 0.2s",) and reports[0].status == "error"
    assert reports[1].errors == () and reports[1].status == "ok"


def test_errors_are_the_clusters_own() -> None:
    def job(member: FleetMember, deadline: float) -> ClusterReport:
        if member.context == "bad":
            raise ClusterError("context bad: cannot reach the API server")
        if member.context == "odd":
            raise RuntimeError("boom")
        return ClusterReport(member.context)

    reports = run_jobs([FleetMember("bad"), FleetMember("odd"), FleetMember("good")], job, jobs=1, timeout=5)
    assert [r.errors for r in reports] == [("context bad: cannot reach the API server",),
                                          ("context odd: unexpected error: RuntimeError: boom",), ()]


def test_progress_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def job(member: FleetMember, deadline: float) -> ClusterReport:
        if member.context == "slow":
            time.sleep(30)
        return ClusterReport(member.context)

    with caplog.at_level(logging.INFO, logger="kubehop"):
        run_jobs([FleetMember("a"), FleetMember("slow")], job, jobs=2, timeout=0.2)
    messages = sorted(r.getMessage() for r in caplog.records)
    assert messages[0].startswith("context a: ok in ") and messages[0].endswith("s (0 findings, 0 errors)")
    assert messages[1] == "context slow: timed out after 0.2s"
