"""Test helpers: a lifecycle from the test-only data file and one-line scanning."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kubehop.lifecycle import Lifecycle
from kubehop.lifecycle.data import _parse
from kubehop.model import Finding, KubeVersion, Location
from kubehop.scan import Scanner, ScanOptions

DATA = Path(__file__).parent / "data"
TEST_LIFECYCLE = Lifecycle(_parse((DATA / "lifecycle-test.yaml").read_text(), "lifecycle-test.yaml"))


def scan(text: str, target: str = "1.22", *, full_parse: bool = False, only: Iterable[str] = (),
         skip: Iterable[str] = (), lifecycle: Lifecycle = TEST_LIFECYCLE) -> list[Finding]:
    options = ScanOptions(KubeVersion.parse(target), lifecycle, skip=frozenset(skip), only=frozenset(only),
                          full_parse=full_parse)
    return list(Scanner(options).scan_text(text, Location(path="test.yaml")))


def tags(findings: Iterable[Finding]) -> list[tuple[int | None, str]]:
    """(line, tag) pairs: the one-line way to state what a scan must find."""
    return [(f.location.line, f.tag) for f in findings]
