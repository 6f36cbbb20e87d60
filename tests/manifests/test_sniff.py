from __future__ import annotations

import pytest

from kubehop.manifests.sniff import sniff
from kubehop.manifests.split import iter_chunks


def first(text: str) -> tuple[str, str] | None:
    return sniff(next(c for c in iter_chunks(text) if not c.is_empty))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apiVersion: apps/v1\nkind: Deployment\n", ("apps/v1", "Deployment")),
        ("kind: Role\napiVersion: 'rbac.authorization.k8s.io/v1'\n", ("rbac.authorization.k8s.io/v1", "Role")),
        ('apiVersion: "v1"  # core\nkind: ConfigMap\r\n', ("v1", "ConfigMap")),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    apiVersion: fake/v1\n", ("v1", "ConfigMap")),
    ],
)
def test_plain_documents_are_sniffed(text: str, expected: tuple[str, str]) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"apiVersion": "v1", "kind": "Pod"}',
        "apiVersion: &v v1\nkind: Pod\n",
        "apiVersion: v1\nkind: List\nitems: []\n",
        "<<: *base\napiVersion: v1\nkind: Pod\n",
        "apiVersion: v1\napiVersion: v2\nkind: Pod\n",
        "kind: Pod\n",
        "!!map\napiVersion: v1\nkind: Pod\n",
    ],
)
def test_anything_unusual_needs_a_full_parse(text: str) -> None:
    assert first(text) is None
