"""Shared test configuration. Real servers are started once per test session by the fixture plugins."""

from __future__ import annotations

pytest_plugins: list[str] = [
    "tests.fixtures.tools",
    "tests.fixtures.kube_api",
    "tests.fixtures.kube_cluster",
    "tests.fixtures.postgres",
    "tests.fixtures.etcd",
    "tests.fixtures.fleet",
]
