"""Helpers for the check tests: YAML in, objects and contexts out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kubehop.check import CheckContext, CheckReport, Operation, run_check

DATA = Path(__file__).parent / "data"


def docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


def load(relative: str) -> list[dict[str, Any]]:
    return docs((DATA / relative).read_text(encoding="utf-8"))


def ctx(operation: Operation = Operation.UPGRADE, **kwargs: Any) -> CheckContext:
    kwargs.setdefault("release", "x")
    kwargs.setdefault("namespace", "default")
    return CheckContext(operation=operation, **kwargs)


def check(target: str | list[dict[str, Any]], original: str | list[dict[str, Any]],
          live: str | list[dict[str, Any]] | None, context: CheckContext | None = None) -> CheckReport:
    def as_docs(value: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
        return docs(value) if isinstance(value, str) else value

    return run_check(as_docs(target), as_docs(original), None if live is None else as_docs(live), context or ctx())


def rules_of(report: CheckReport, severity: str | None = None) -> list[str]:
    return [f.rule_id for f in report.findings if severity is None or str(f.severity) == severity]


def detail(report: CheckReport, rule_id: str, key: str) -> str:
    for finding in report.findings:
        if finding.rule_id == rule_id:
            return finding.detail(key)
    raise AssertionError(f"no {rule_id} finding in {[f.rule_id for f in report.findings]}")


def deep_set(obj: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of obj with the dotted path set."""
    import copy

    out = copy.deepcopy(dict(obj))
    node: Any = out
    keys = path.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    return out
