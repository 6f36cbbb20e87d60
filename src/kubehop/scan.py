"""The scan engine: documents in, findings out. Rules decide which documents they need parsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kubehop.lifecycle import Lifecycle
from kubehop.manifests.reader import ParseProblem, parse_chunk
from kubehop.manifests.sniff import sniff
from kubehop.manifests.split import iter_chunks, strip_bom
from kubehop.model import Document, Finding, KubeVersion, Location
from kubehop.rules import REGISTRY, Rule, RuleContext, get
from kubehop.rules import parse_error as parse_error_rule


@dataclass(frozen=True)
class ScanOptions:
    target: KubeVersion
    lifecycle: Lifecycle
    skip: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()
    full_parse: bool = False


@dataclass
class ScanStats:
    documents: int = 0
    parsed: int = 0
    sources: int = 0
    notes: list[str] = field(default_factory=list)


class Scanner:
    """Runs the selected rules; documents no rule is interested in are never fully parsed."""

    def __init__(self, options: ScanOptions) -> None:
        for rule_id in (*options.skip, *options.only):
            get(rule_id)  # unknown IDs are a usage error, not a silent no-op
        self.options = options
        self.ctx = RuleContext(options.target, options.lifecycle)
        only_rules = {r.split("[", 1)[0] for r in options.only}
        self.rules: tuple[Rule, ...] = tuple(
            rule for rule_id, rule in REGISTRY.items()
            if rule_id not in options.skip and (not only_rules or rule_id in only_rules)
        )
        self._wanted: dict[tuple[str, str], bool] = {}
        self.stats = ScanStats()

    def wants(self, api_version: str, kind: str) -> bool:
        key = (api_version, kind)
        wanted = self._wanted.get(key)
        if wanted is None:
            wanted = any(rule.interested(api_version, kind, self.ctx) for rule in self.rules)
            self._wanted[key] = wanted
        return wanted

    def keeps(self, finding: Finding) -> bool:
        skip, only = self.options.skip, self.options.only
        if finding.rule_id in skip or finding.tag in skip:
            return False
        return not only or finding.rule_id in only or finding.tag in only

    def scan_document(self, doc: Document) -> Iterator[Finding]:
        if not self.wants(doc.api_version, doc.kind):
            return
        for rule in self.rules:
            for finding in rule.check(doc, self.ctx):
                if self.keeps(finding):
                    yield finding

    def problem_finding(self, problem: ParseProblem) -> Iterator[Finding]:
        finding = Finding(
            location=problem.location,
            rule_id=parse_error_rule.ID,
            severity=parse_error_rule.SEVERITY,
            message=problem.message,
        )
        if self.keeps(finding):
            yield finding

    def scan_items(self, items: Iterable[Document | ParseProblem]) -> Iterator[Finding]:
        for item in items:
            if isinstance(item, ParseProblem):
                yield from self.problem_finding(item)
            else:
                self.stats.documents += 1
                self.stats.parsed += 1
                yield from self.scan_document(item)

    def scan_text(self, text: str, origin: Location, chart_lines: bool = False) -> Iterator[Finding]:
        """Scan a YAML/JSON stream; plain documents no rule wants are only sniffed, not parsed."""
        self.stats.sources += 1
        for chunk in iter_chunks(strip_bom(text)):
            if chunk.is_empty:
                continue
            if not self.options.full_parse:
                sniffed = sniff(chunk)
                if sniffed is not None and not self.wants(*sniffed):
                    self.stats.documents += 1
                    continue
            yield from self.scan_items(parse_chunk(chunk, origin, chart_lines))


def scan_documents(docs: Iterable[Document | ParseProblem], options: ScanOptions) -> Iterator[Finding]:
    """Scan already-read documents (release manifests, live objects)."""
    return Scanner(options).scan_items(docs)
