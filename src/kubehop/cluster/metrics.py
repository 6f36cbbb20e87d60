"""Which deprecated group/versions clients still call: the API server's /metrics and its audit log (sans-IO).

Sources (both documented by Kubernetes):
- `apiserver_requested_deprecated_apis{group,version,resource,subresource,removed_release}`, a stable gauge
  set to 1 for every deprecated API requested since the API server started;
- `apiserver_request_total{verb,group,version,resource,subresource,scope,component,code,...}`, request
  counts, summed here by group/version/resource for the deprecated ones;
- audit events (audit.k8s.io/v1 `Event`, JSON lines) annotated `k8s.io/deprecated: "true"` and
  `k8s.io/removed-release: "1.22"`, which also name the caller's `userAgent`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

DEPRECATED_METRIC = "apiserver_requested_deprecated_apis"
REQUESTS_METRIC = "apiserver_request_total"

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)(?:\s+\S+)?\s*$")
_LABEL = re.compile(r'\s*(?P<key>[a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*(?:,|$)')
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


@dataclass(frozen=True)
class Sample:
    """One line of the Prometheus text exposition format."""

    name: str
    labels: tuple[tuple[str, str], ...]
    value: float

    def label(self, key: str) -> str:
        return dict(self.labels).get(key, "")


@dataclass(frozen=True, order=True)
class DeprecatedUse:
    """A deprecated group/version/resource that clients called, with how often and by whom where known."""

    group: str
    version: str
    resource: str
    subresource: str = ""
    removed_release: str = ""
    requests: int | None = None  # None: the count is not known (no apiserver_request_total sample)
    user_agent: str = ""  # only from the audit log
    source: str = DEPRECATED_METRIC

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def resource_label(self) -> str:
        name = f"{self.resource}.{self.group}" if self.group else self.resource
        return f"{name}/{self.subresource}" if self.subresource else name


def parse_prometheus_text(text: str, names: Iterable[str] | None = None) -> Iterator[Sample]:
    """The samples of the Prometheus text format (comments skipped); only `names` when given."""
    wanted = frozenset(names) if names is not None else None
    for raw in text.split("\n"):  # the format's only line break (a label value may hold other ones)
        line = raw.strip(" \t\r")
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if match is None:
            continue
        name = match["name"]
        if wanted is not None and name not in wanted:
            continue
        try:
            value = float(match["value"])
        except ValueError:
            continue
        yield Sample(name, _labels(match["labels"] or ""), value)


def _labels(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _LABEL.match(text, position)
        if match is None:
            break
        value = re.sub(r'\\[\\"n]', lambda m: _ESCAPES[m.group(0)], match["value"])
        found.append((match["key"], value))
        position = match.end()
    return tuple(found)


def deprecated_uses(metrics_text: str) -> list[DeprecatedUse]:
    """The deprecated APIs the metrics show as requested, with request counts where the server exports them."""
    samples = list(parse_prometheus_text(metrics_text, (DEPRECATED_METRIC, REQUESTS_METRIC)))
    counts: dict[tuple[str, str, str, str], float] = {}
    for sample in samples:
        if sample.name == REQUESTS_METRIC:
            key = _key(sample)
            counts[key] = counts.get(key, 0.0) + sample.value
    uses: dict[tuple[str, str, str, str], DeprecatedUse] = {}
    for sample in samples:
        if sample.name != DEPRECATED_METRIC or sample.value <= 0:
            continue
        key = _key(sample)
        count = counts.get(key)
        uses[key] = DeprecatedUse(*key, removed_release=sample.label("removed_release"),
                                  requests=None if count is None else int(count))
    return sorted(uses.values())


def _key(sample: Sample) -> tuple[str, str, str, str]:
    return sample.label("group"), sample.label("version"), sample.label("resource"), sample.label("subresource")


class AuditLogError(ValueError):
    """A line of the audit log is not a JSON object."""


def audit_uses(lines: Iterable[str]) -> list[DeprecatedUse]:
    """Deprecated API calls in audit events (JSON lines), by group/version/resource and user agent."""
    counts: dict[tuple[str, str, str, str, str, str], int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AuditLogError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(event, Mapping):
            raise AuditLogError(f"line {number}: not a JSON object")
        annotations = event.get("annotations") or {}
        ref = event.get("objectRef") or {}
        if not isinstance(annotations, Mapping) or not isinstance(ref, Mapping):
            continue
        if str(annotations.get("k8s.io/deprecated", "")).lower() != "true":
            continue
        if event.get("stage") not in (None, "ResponseComplete", "Panic"):
            continue  # one request is logged at several stages: count it once
        key = (str(ref.get("apiGroup") or ""), str(ref.get("apiVersion") or ""), str(ref.get("resource") or ""),
               str(ref.get("subresource") or ""), str(annotations.get("k8s.io/removed-release") or ""),
               str(event.get("userAgent") or "unknown"))
        counts[key] = counts.get(key, 0) + 1
    return sorted(DeprecatedUse(g, v, r, s, removed, count, agent, "audit-log")
                  for (g, v, r, s, removed, agent), count in counts.items())
