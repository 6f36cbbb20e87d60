"""Every document of release manifests, parsed once per distinct document text.

Revisions of one release mostly repeat the same rendered documents. `plan --releases` reads every
document of every revision; the parse of a document text is remembered and its documents are
relabelled with each revision's location (release, revision, status, record), keeping their own line,
template and List item. The parsed mappings are shared between revisions: readers must not change them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from kubehop.manifests import Chunk, ParseProblem, iter_chunks, parse_chunk
from kubehop.manifests.split import strip_bom
from kubehop.model import Document, Location

CACHE_SIZE = 4096

_Key = tuple[str, str | None, str | None, bool, int | None]


def _relabel(item: Document | ParseProblem, base: Location) -> Document | ParseProblem:
    old = item.location
    return dataclasses.replace(item, location=dataclasses.replace(base, line=old.line, template=old.template,
                                                                  item=old.item))


class ManifestDocuments:
    """Parses manifests chunk by chunk as `parse_chunk` does, remembering each chunk's documents."""

    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self.cache_size = cache_size
        self.parsed = 0  # chunks parsed (not answered from the cache)
        self._seen: dict[_Key, tuple[Document | ParseProblem, ...]] = {}

    def documents(self, text: str, base: Location, chart_lines: bool) -> Iterator[Document | ParseProblem]:
        for chunk in iter_chunks(strip_bom(text)):
            key = self._key(chunk, base, chart_lines)
            cached = self._seen.get(key)
            if cached is None:
                self.parsed += 1
                cached = tuple(parse_chunk(chunk, base, chart_lines))
                if len(self._seen) >= self.cache_size > 0:
                    del self._seen[next(iter(self._seen))]  # the oldest: revisions of one release come together
                if self.cache_size > 0:
                    self._seen[key] = cached
            for item in cached:
                yield _relabel(item, base)

    @staticmethod
    def _key(chunk: Chunk, base: Location, chart_lines: bool) -> _Key:
        # Lines count from the chunk's `# Source:` header when it has one (then its place in the stream does
        # not matter), else from the stream's start; a chunk without a template takes the base's.
        where = None if chart_lines and chunk.source_line else chunk.line
        return (chunk.text, chunk.template, base.template, chart_lines, where)
