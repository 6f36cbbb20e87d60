"""Documents remembered per chunk text are exactly those of parsing every revision afresh (what
`plan --releases` reads), on the real-world corpus as a 4-revision store."""

from __future__ import annotations

import pytest

from kubehop.helm.manifest_docs import CACHE_SIZE, ManifestDocuments
from kubehop.helm.release import StoredRelease
from kubehop.manifests import ParseProblem, iter_chunks, parse_chunk
from kubehop.model import Document, Location
from tests.helm.corpus_store import corpus_releases

REVISIONS = 4


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> list[StoredRelease]:
    return corpus_releases(tmp_path_factory.mktemp("store") / "releases.yaml", REVISIONS)


def _base(item: StoredRelease) -> Location:
    rec, rel = item.record, item.release
    return Location(path=f"{rec.storage}:{rec.namespace}/{rec.key}", release=rel.name, namespace=rel.namespace,
                    revision=rel.version, status=rel.status, storage_key=rec.key)


@pytest.mark.parametrize("cache_size", [CACHE_SIZE, 7, 0])
def test_remembered_documents_are_those_of_each_revision(releases: list[StoredRelease], cache_size: int) -> None:
    expected: list[Document | ParseProblem] = []
    chunks = 0
    for item in releases:
        for chunk in iter_chunks(item.release.manifest):
            chunks += 1
            expected += parse_chunk(chunk, _base(item), chart_lines=True)
    parsed = ManifestDocuments(cache_size)
    found = [doc for item in releases for doc in parsed.documents(item.release.manifest, _base(item), True)]

    assert found == expected
    assert {d.location.revision for d in found} == set(range(1, REVISIONS + 1))
    if cache_size == CACHE_SIZE:
        assert parsed.parsed * 2 < chunks  # repeated documents are parsed once
    if cache_size == 0:
        assert parsed.parsed == chunks


LIST = """---
apiVersion: v1
kind: List
items:
  - apiVersion: extensions/v1beta1
    kind: Ingress
    metadata: {name: web}
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken: [
"""


def test_lists_parse_errors_and_streams_without_source_headers() -> None:
    """Without `# Source:` headers lines count from the stream's start: a document after one that grew is
    parsed again; List items keep their own path, parse errors their message."""
    revisions = [(1, "---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n" + LIST),
                 (2, "---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\n" + LIST),
                 (3, "---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\n" + LIST)]
    parsed = ManifestDocuments()
    for version, text in revisions:
        base = Location(path="store:ns/key", release="app", namespace="ns", revision=version, status="deployed")
        expected = [item for chunk in iter_chunks(text) for item in parse_chunk(chunk, base, chart_lines=True)]
        assert list(parsed.documents(text, base, True)) == expected
        assert [d.location.item for d in expected if isinstance(d, Document)] == [None, None, "items[0]", "items[1]"]
        assert isinstance(expected[-1], ParseProblem)
    # Revision 1: the empty text before the first `---`, then three documents; revision 2 changed the first one
    # and so moved the other two; revision 3 repeats revision 2.
    assert parsed.parsed == 4 + 3 + 0
