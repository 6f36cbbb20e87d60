"""A fleet report: one entry per cluster with its server version, target, findings, errors and notes."""

from __future__ import annotations

from dataclasses import dataclass

from kubehop.model import ExitCode, Finding, Location, Severity
from kubehop.report.common import ReportMeta, exit_code_for

UNREADABLE_RULE = "cluster-unreadable"


@dataclass(frozen=True)
class FleetMember:
    """One cluster of a fleet: its kubeconfig context, its target (default: server minor + 1) and labels."""

    context: str
    target: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    audit_log: str | None = None  # this cluster's API server audit log (JSON lines), for `fleet scan`


@dataclass(frozen=True)
class ReportAge:
    """For `fleet collect`: when the in-cluster report was written and whether it is older than allowed."""

    generated_at: str
    age_seconds: float | None
    stale: bool


@dataclass(frozen=True)
class ClusterReport:
    """What was learnt about one cluster. `errors` non-empty means it could not be (fully) read."""

    context: str
    labels: tuple[tuple[str, str], ...] = ()
    server_version: str = ""
    target: str = ""
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    documents: int = 0
    sources: int = 0
    age: ReportAge | None = None

    def meta(self, command: str, tool_version: str) -> ReportMeta:
        return ReportMeta(command=command, target=self.target, tool_version=tool_version, documents=self.documents,
                          sources=self.sources, notes=self.notes)

    @property
    def status(self) -> str:
        if self.errors:
            return "error" if not self.findings and not self.documents else "partial"
        if self.age is not None and self.age.stale:
            return "stale"
        return "ok"

    def error_findings(self) -> tuple[Finding, ...]:
        """The errors (and a stale report) as findings, for the flat formats (csv, sarif, junit)."""
        where = Location(path=f"cluster:{self.context}")
        found = [Finding(location=where, rule_id=UNREADABLE_RULE, severity=Severity.ERROR, message=error)
                 for error in self.errors]
        if self.age is not None and self.age.stale:
            found.append(Finding(location=where, rule_id="stale-report", severity=Severity.ERROR,
                                 message=f"the in-cluster report is stale: written {self.age.generated_at}"))
        return tuple(found)


@dataclass(frozen=True)
class FleetReport:
    command: str  # "fleet scan" or "fleet collect"
    tool_version: str
    clusters: tuple[ClusterReport, ...]
    max_age: str = ""  # fleet collect: the --max-age reports were held to


def fleet_exit_code(report: FleetReport, fail_on: str = "deprecated") -> ExitCode:
    """The worst finding over every cluster; at least 1 when a cluster could not be read or its report is stale."""
    worst = max((exit_code_for(c.findings, fail_on) for c in report.clusters), default=ExitCode.OK)
    if any(c.errors or (c.age is not None and c.age.stale) for c in report.clusters):
        worst = max(worst, ExitCode.ERROR)
    return worst
