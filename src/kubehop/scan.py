"""The scan engine: documents in, findings out. Rules decide which documents they need parsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kubehop.lifecycle import Lifecycle
from kubehop.manifests.reader import MAX_DOCUMENT_BYTES, ParseProblem, parse_chunk
from kubehop.manifests.sniff import head, sniff
from kubehop.manifests.split import Chunk, iter_chunks, strip_bom
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
    heads_only: int = 0  # of `parsed`: documents read from their head alone
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
        # Rules with a module-level MENTIONS string want a document only when its text contains it: the
        # document is parsed for them only then (hyperkube looks at every Deployment, few mention it).
        self._mention_rules: tuple[Rule, ...] = tuple(r for r in self.rules if getattr(r, "MENTIONS", None))
        self._plain_rules: tuple[Rule, ...] = tuple(r for r in self.rules if r not in self._mention_rules)
        self._wanted: dict[tuple[str, str], bool] = {}
        self._reads: dict[tuple[str, str], frozenset[str] | None] = {}
        self.stats = ScanStats()

    def wants(self, api_version: str, kind: str) -> bool:
        key = (api_version, kind)
        wanted = self._wanted.get(key)
        if wanted is None:
            wanted = any(rule.interested(api_version, kind, self.ctx) for rule in self._plain_rules)
            self._wanted[key] = wanted
        return wanted

    def mentioned(self, api_version: str, kind: str, text: str) -> bool:
        """A MENTIONS rule wants this document: it is interested in the kind and the text mentions its word."""
        return any(getattr(rule, "MENTIONS", "") in text and rule.interested(api_version, kind, self.ctx)
                   for rule in self._mention_rules)

    def mentions_in(self, text: str) -> bool:
        """The text holds the word of some MENTIONS rule (fast paths that skip by apiVersion must not skip it)."""
        return any(getattr(rule, "MENTIONS", "") in text for rule in self._mention_rules)

    def keeps(self, finding: Finding) -> bool:
        skip, only = self.options.skip, self.options.only
        if finding.rule_id in skip or finding.tag in skip:
            return False
        return not only or finding.rule_id in only or finding.tag in only

    def scan_document(self, doc: Document) -> Iterator[Finding]:
        if not self.wants(doc.api_version, doc.kind) and not any(
                rule.interested(doc.api_version, doc.kind, self.ctx) for rule in self._mention_rules):
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

    def reads(self, api_version: str, kind: str) -> frozenset[str] | None:
        """Top-level keys the rules interested in this apiVersion/kind read; None when one reads everything.

        A rule that reads only some top-level keys says so with a module-level `READS` tuple.
        """
        key = (api_version, kind)
        if key not in self._reads:
            keys: set[str] | None = {"apiVersion", "kind"}
            for rule in self._plain_rules:
                if keys is not None and rule.interested(api_version, kind, self.ctx):
                    declared: tuple[str, ...] | None = getattr(rule, "READS", None)
                    keys = None if declared is None else keys.union(declared)
            self._reads[key] = frozenset(keys) if keys is not None else None
        return self._reads[key]

    def scan_text(self, text: str, origin: Location, chart_lines: bool = False) -> Iterator[Finding]:
        """Scan a YAML/JSON stream; plain documents no rule wants are only sniffed, not parsed."""
        self.stats.sources += 1
        for chunk in iter_chunks(strip_bom(text)):
            if not chunk.is_empty:
                yield from self.scan_chunk(chunk, origin, chart_lines)

    def scan_chunk(self, chunk: Chunk, origin: Location, chart_lines: bool = False) -> Iterator[Finding]:
        """Scan one non-empty document, parsing only what the rules read: nothing, its head, or all of it."""
        if not self.options.full_parse:
            sniffed = sniff(chunk)
            if sniffed is not None:
                mentioned = bool(self._mention_rules) and self.mentioned(*sniffed, chunk.text)
                if not mentioned and not self.wants(*sniffed):
                    self.stats.documents += 1
                    return
                header = None if mentioned else self._head(chunk, sniffed, origin, chart_lines)
                if header is not None:
                    yield from self.scan_items(header)
                    return
        yield from self.scan_items(parse_chunk(chunk, origin, chart_lines, self.stats.notes))

    def _head(
        self, chunk: Chunk, sniffed: tuple[str, str], origin: Location, chart_lines: bool
    ) -> list[Document | ParseProblem] | None:
        """The document read from its head alone, when the rules read only keys found there."""
        keys = self.reads(*sniffed)
        cut = head(chunk, keys) if keys is not None and len(chunk.text) <= MAX_DOCUMENT_BYTES else None
        if cut is None:
            return None
        items = parse_chunk(cut, origin, chart_lines)
        if len(items) != 1 or not isinstance(items[0], Document) or (items[0].api_version, items[0].kind) != sniffed:
            return None  # the head does not parse on its own: the full parse reports why
        self.stats.heads_only += 1
        return items


def scan_documents(docs: Iterable[Document | ParseProblem], options: ScanOptions) -> Iterator[Finding]:
    """Scan already-read documents (release manifests, live objects)."""
    return Scanner(options).scan_items(docs)
