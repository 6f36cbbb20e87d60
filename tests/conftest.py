"""Shared test configuration. Real servers are started once per test session by the fixture plugins."""

from __future__ import annotations

import pytest

pytest_plugins: list[str] = [
    "tests.fixtures.tools",
    "tests.fixtures.kube_api",
    "tests.fixtures.kube_cluster",
    "tests.fixtures.postgres",
    "tests.fixtures.etcd",
    "tests.fixtures.served_api",
    "tests.fixtures.browser",
    "tests.fixtures.fleet",
]


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports do not depend on the terminal the tests run in (pytest-xdist exports COLUMNS=80)."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
