"""Meta-tests over the rule registry: every module registered, documented, with a unique id."""

from __future__ import annotations

import pkgutil

import pytest

import kubehop.check.rules as rules_pkg
from kubehop.check.rules import ALL_RULES, REGISTRY, get
from kubehop.errors import UsageError


def test_every_rule_module_is_registered_once() -> None:
    modules = {m.name for m in pkgutil.iter_modules(rules_pkg.__path__)}
    registered = {rule.__name__.rsplit(".", 1)[1] for rule in ALL_RULES}  # type: ignore[attr-defined]
    assert modules == registered
    assert len(REGISTRY) == len(ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.ID)
def test_rule_is_documented(rule: object) -> None:
    doc = rule.__doc__ or ""
    assert doc.startswith(f"{rule.ID}: "), rule.ID  # type: ignore[attr-defined]
    assert rule.SUMMARY  # type: ignore[attr-defined]


def test_unknown_rule_is_a_usage_error() -> None:
    assert get("selector-missing").ID == "selector-missing"
    with pytest.raises(UsageError, match="no such check rule"):
        get("nope")
