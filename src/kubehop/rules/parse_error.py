"""parse-error: a document could not be read (invalid YAML/JSON, too large, an alias bomb).

The rest of the file and of the run is still scanned; the run exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubehop.model import Document, Finding, Severity
from kubehop.rules.context import RuleContext

ID = "parse-error"
SEVERITY = Severity.ERROR
SUMMARY = "a document could not be parsed"


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    return False


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    # Parse errors are produced by the scan engine from ParseProblems, never from a parsed document.
    return iter(())
