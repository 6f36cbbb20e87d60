"""The real-world corpus (corpus/helm-charts-2018) as a Helm 3 release history in a file store.

Each chart is a release of `revisions` revisions, as `helm upgrade` leaves them: each revision after the
first adds a label to one document, the other documents repeat byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from bench.realworld import revised

from kubehop.helm.inventory import iter_releases
from kubehop.helm.records import object_for, release_labels
from kubehop.helm.release import StoredRelease
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.file import FileStorage, dump_items
from tests.helm.factories import helm3_release

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "helm-charts-2018"


def corpus_releases(path: Path, revisions: int) -> list[StoredRelease]:
    """Writes the store to `path` and returns its revisions, decoded, in the store's order."""
    items = []
    for chart in sorted(CORPUS.glob("*.yaml")):
        text = chart.read_text(encoding="utf-8")
        for version in range(1, revisions + 1):
            release = helm3_release(name=chart.stem[:50], namespace="corpus", version=version,
                                    status="deployed" if version == revisions else "superseded",
                                    manifest=revised(text, version))
            items.append(object_for(release, kind="Secret", namespace="corpus",
                                    labels=release_labels(release, now=1700000000, created=True)))
    path.write_text(dump_items(items), encoding="utf-8")
    decoded = list(iter_releases(FileStorage(path), Query()))
    assert all(isinstance(item, StoredRelease) for item in decoded)
    return [item for item in decoded if isinstance(item, StoredRelease)]
