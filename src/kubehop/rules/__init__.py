"""The rule registry: one module per check, registered explicitly here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Protocol

from kubehop.errors import UsageError
from kubehop.model import Document, Finding, Severity
from kubehop.rules import (
    deprecated_api,
    deprecated_api_group_in_rbac,
    hyperkube,
    missing_selector,
    parse_error,
    removed_api,
)
from kubehop.rules.context import RuleContext


class Rule(Protocol):
    ID: str
    SEVERITY: Severity
    SUMMARY: str

    def interested(self, api_version: str, kind: str, ctx: RuleContext) -> bool: ...

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]: ...


REGISTRY: Mapping[str, Rule] = MappingProxyType(
    {
        module.ID: module
        for module in (removed_api, deprecated_api, missing_selector, deprecated_api_group_in_rbac, hyperkube,
                       parse_error)
    }
)


def get(rule_id: str) -> Rule:
    base = rule_id.split("[", 1)[0]
    if base not in REGISTRY:
        raise UsageError(f"no such rule: {rule_id!r} (known: {', '.join(REGISTRY)})")
    return REGISTRY[base]


__all__ = ["REGISTRY", "Rule", "RuleContext", "get"]
