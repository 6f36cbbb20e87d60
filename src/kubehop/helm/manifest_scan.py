"""Scan a release manifest fast: most documents of a chart use current APIs and are skipped unparsed.

A release revision holds dozens of documents and a history holds many revisions; scanning thousands
of revisions must cost little more than decoding them. Three things keep it cheap:
- one C-speed regex pass collects every apiVersion named anywhere in the manifest. An apiVersion
  matters only when a rule wants it for some kind that the manifest's text mentions; the kinds a
  rule can want are those of the lifecycle data (rules key their interest on its rows, which
  tests/helm/test_manifest_scan.py checks for every registered rule) and the List kinds derived from
  them (`<Kind>List` contains `<Kind>`; the generic `List` is probed too), so a few substring checks
  answer that without reading every kind;
- only documents whose text contains one of those apiVersions are looked at; they go through the
  same sniff-then-parse path as `Scanner.scan_text`, so findings are identical;
- revisions of one release mostly repeat the same rendered documents, so the findings of a document
  text are remembered and re-labelled with each revision's location instead of parsing it again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from kubehop.manifests import Chunk, parse_chunk
from kubehop.manifests.sniff import sniff
from kubehop.model import Finding, Location
from kubehop.scan import Scanner

# Liberal on purpose (quoted, JSON, nested List items): a value seen here is only ever a reason to look closer.
# The patterns start at the rare capital V of `apiVersion` (a lookbehind checks the `api` before it): the regex
# engine then skips from V to V instead of stopping at every `a`. They match exactly where `apiVersion...` does.
_KEY = r"""V(?<=apiV)ersion["']?[ \t]*:[ \t]*["']?"""
_KEY_OFFSET = len("api")  # a match starts this far into the word `apiVersion`
# Every occurrence of the word matches: a plain value is captured, anything else (a tag, an anchor, a value on
# the next line, `apiVersions:`) captures "" and sends the manifest to the general scanner.
_API_VERSIONS = re.compile(r"V(?<=apiV)ersion(?:" + _KEY[len("V(?<=apiV)ersion"):] + r"([\w./-]+)|)")
_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.+?)[ \t]*\r?$", re.MULTILINE)
_SOURCE_PREFIX = "# Source: "
CACHE_SIZE = 4096  # distinct document texts remembered per run; each entry keeps its text as the key
# A kind no lifecycle row names: a rule wanting it wants the apiVersion whatever the kind is.
PROBE_KIND = "KubehopProbeUnlistedKind"
_OCCURRENCE_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each document, split exactly as manifests.split.iter_chunks splits."""
    pos = 0
    for match in _MARKER.finditer(text):
        yield pos, match.start()
        end = match.end()
        if text.startswith("...", match.start()):
            eol = text.find("\n", end)
            end = len(text) if eol < 0 else eol + 1
        pos = end
    yield pos, len(text)


def _candidate_pieces(text: str, wanted: dict[str, int]) -> list[tuple[int, int]]:
    """The documents holding an apiVersion key with a wanted value (`wanted` maps value -> occurrences)."""
    pieces: dict[int, int] = {}  # start -> end
    for api_version, occurrences in wanted.items():
        search = _occurrence_pattern(api_version).search
        pos = 0
        for _ in range(occurrences):
            match = search(text, pos)
            if match is None:
                break
            at = match.start() - _KEY_OFFSET
            start, end = _document_start(text, at), _document_end(text, at)
            if text.startswith("...", start) or text.find("\n...", start, end) >= 0:
                # A `...` end marker inside: split the whole stream the slow, exact way.
                return [p for p in _pieces(text) if any(av in text[p[0]:p[1]] for av in wanted)]
            pieces[start] = end
            pos = end
    return sorted(pieces.items())


def _occurrence_pattern(api_version: str) -> re.Pattern[str]:
    pattern = _OCCURRENCE_PATTERNS.get(api_version)
    if pattern is None:
        pattern = re.compile(_KEY + re.escape(api_version) + r"(?![\w./-])")
        _OCCURRENCE_PATTERNS[api_version] = pattern
    return pattern


def _has_source(piece: str) -> bool:
    """Whether `_SOURCE` matches in `piece`: a `# Source: ` line with something after it (str.find is cheaper)."""
    at = piece.find(_SOURCE_PREFIX)
    while at >= 0:
        after = at + len(_SOURCE_PREFIX)
        if (at == 0 or piece[at - 1] == "\n") and piece[after : after + 1] not in ("", "\n"):
            return True
        at = piece.find(_SOURCE_PREFIX, at + 1)
    return False


def _is_marker(text: str, at: int) -> bool:
    """`---` at column 0 followed by whitespace or the end of the text (as manifests.split reads it)."""
    return text.startswith("---", at) and (at + 3 == len(text) or text[at + 3] in " \t\r\n")


def _document_start(text: str, pos: int) -> int:
    at = text.rfind("\n---", 0, pos)
    while at >= 0 and not _is_marker(text, at + 1):
        at = text.rfind("\n---", 0, at)
    if at >= 0:
        return at + 4
    return 3 if _is_marker(text, 0) and pos >= 3 else 0


def _document_end(text: str, pos: int) -> int:
    at = text.find("\n---", pos)
    while at >= 0 and not _is_marker(text, at + 1):
        at = text.find("\n---", at + 1)
    return at + 1 if at >= 0 else len(text)


def _relabel(finding: Finding, base: Location) -> Finding:
    """The finding at `base` (its release, revision, status...), keeping its own line, template and List item."""
    old = finding.location
    if not hasattr(finding, "__dict__") or not hasattr(base, "__dict__"):  # slotted: take the general path
        loc = dataclasses.replace(base, line=old.line, template=old.template, item=old.item)
        return dataclasses.replace(finding, location=loc)
    # What dataclasses.replace builds (a shallow copy with fields changed), without its per-field cost.
    loc = object.__new__(Location)
    loc.__dict__.update(base.__dict__)
    loc.__dict__["line"] = old.line
    loc.__dict__["template"] = old.template
    loc.__dict__["item"] = old.item
    new = object.__new__(Finding)
    new.__dict__.update(finding.__dict__)
    new.__dict__["location"] = loc
    return new


def _has_escape(text: str) -> bool:
    """A YAML/JSON escape that could spell an apiVersion or a kind the pre-filter would not recognise."""
    return "\\" in text and any(escape in text for escape in ("\\x", "\\u", "\\U", "\\/"))


class ManifestScanner:
    """Scans release manifests with one Scanner, remembering findings per document text."""

    def __init__(self, scanner: Scanner, cache_size: int = CACHE_SIZE) -> None:
        """`cache_size`: how many document texts' findings to remember (the oldest go first; 0: none)."""
        self.scanner = scanner
        self.cache_size = cache_size
        self._seen: dict[tuple[str, str | None, int | None], tuple[Finding, ...]] = {}
        # List kinds have no rows of their own: `<Kind>List` holds its row's kind as a substring, and the
        # generic `List` (derived for a group/version whose every kind is removed) is probed by name.
        self._kinds = frozenset(e.kind for e in scanner.options.lifecycle.entries if e.kind) | {"List"}
        self._interest: dict[str, tuple[bool, list[str]]] = {}

    def _kinds_wanted_with(self, api_version: str) -> tuple[bool, list[str]]:
        """(wanted whatever the kind, the lifecycle kinds some rule wants) for one apiVersion."""
        known = self._interest.get(api_version)
        if known is None:
            wants = self.scanner.wants
            known = (wants(api_version, PROBE_KIND),
                     sorted(kind for kind in self._kinds if wants(api_version, kind)))
            self._interest[api_version] = known
        return known

    def _mentions_any(self, text: str, kinds: list[str]) -> bool:
        for index, kind in enumerate(kinds):
            if kind in text:
                if index:  # the kind found last time is tried first next time (revisions repeat)
                    kinds.insert(0, kinds.pop(index))
                return True
        return False

    def _wanted_api_versions(self, text: str) -> tuple[dict[str, int], int]:
        """How often each apiVersion some rule may want occurs here, and how many apiVersion keys there are
        (-1 when one of them is not a plain value the pre-filter can read)."""
        read = _API_VERSIONS.findall(text)
        found = [value for value in read if value]
        if len(found) != len(read):
            return {}, -1
        wanted: dict[str, int] = {}
        interest = self._interest
        for api_version in dict.fromkeys(found):
            any_kind, kinds = interest.get(api_version) or self._kinds_wanted_with(api_version)
            # A kind named in the text as a substring is enough: candidates are sniffed exactly later.
            if any_kind or (kinds and self._mentions_any(text, kinds)):
                wanted[api_version] = found.count(api_version)
        return wanted, len(found)

    def scan(self, text: str, base: Location) -> Iterator[Finding]:
        stats = self.scanner.stats
        wanted, documents = self._wanted_api_versions(text)
        # Something the pre-filter cannot read, or a word a rule looks for whatever the apiVersion: scan it all.
        if documents < 0 or _has_escape(text) or self.scanner.mentions_in(text):
            yield from self.scanner.scan_text(text, base, chart_lines=True)
            return
        stats.sources += 1
        counted_before = stats.documents
        if wanted:
            yield from self._scan_candidates(text, wanted, base)
        # Every document counts once, whether parsed, sniffed, skipped unseen or answered from the cache.
        stats.documents = counted_before + max(documents, stats.documents - counted_before)

    def _scan_candidates(self, text: str, wanted: dict[str, int], base: Location) -> Iterator[Finding]:
        seen = self._seen
        for start, end in _candidate_pieces(text, wanted):
            piece = text[start:end]
            # Lines count from the `# Source:` header when there is one, else from the stream's start.
            where = None if _has_source(piece) else text.count("\n", 0, start)
            key = (piece, base.template, where)
            cached = seen.get(key)
            if cached is None:
                cached = tuple(self._scan_piece(text, piece, start, end, base))
                if len(seen) >= self.cache_size > 0:
                    del seen[next(iter(seen))]  # the oldest: revisions of one release come together
                if self.cache_size > 0:
                    seen[key] = cached
            for finding in cached:
                yield _relabel(finding, base)

    def _scan_piece(self, text: str, piece: str, start: int, end: int, base: Location) -> Iterator[Finding]:
        source = _SOURCE.search(piece)
        chunk = Chunk(piece, start, end, text.count("\n", 0, start) + 1, source.group(1) if source else None)
        if chunk.is_empty:
            return
        sniffed = sniff(chunk)
        if sniffed is not None and not self.scanner.wants(*sniffed):
            return
        for item in parse_chunk(chunk, base, chart_lines=True, warnings=self.scanner.stats.notes):
            yield from self.scanner.scan_items([item])
