"""Every rule module is registered, documented and well-formed."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import kubehop.rules
from kubehop.errors import UsageError
from kubehop.model import Severity
from kubehop.rules import REGISTRY, get

NOT_RULES = {"context"}


def test_every_module_is_registered() -> None:
    modules = {m.name for m in pkgutil.iter_modules(kubehop.rules.__path__)} - NOT_RULES
    assert {importlib.import_module(f"kubehop.rules.{m}").ID for m in modules} == set(REGISTRY)


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_rule_is_documented(rule_id: str) -> None:
    rule = REGISTRY[rule_id]
    assert isinstance(rule.SEVERITY, Severity) and rule.SUMMARY
    assert (rule.__doc__ or "").startswith(rule_id + ":")  # type: ignore[attr-defined]


def test_unknown_rule_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no such rule"):
        get("no-such-rule")
    assert get("removed-api[extensions/v1beta1/Ingress]") is REGISTRY["removed-api"]
