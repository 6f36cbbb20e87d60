"""The manuals name only files that exist in the repository (a user's clone has nothing else)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GENERATED = ("bench/out/",)  # made by the benchmarks, git-ignored
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_REPO_PATH = re.compile(r"`((?:src|tests|examples|docs|scripts|bench|helm-plugin|shared)/[A-Za-z0-9_./-]+)`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_named_file_exists(doc: Path) -> None:
    text = doc.read_text()
    missing = [target for target in _LINK.findall(text)
               if "://" not in target and not target.startswith("mailto:") and not (doc.parent / target).exists()]
    missing += [path for path in _REPO_PATH.findall(text) if not (ROOT / path.rstrip(".")).exists()
                and not any(ch in path for ch in "*<{") and not path.startswith(GENERATED)]
    assert not missing, f"{doc.name} names files that are not in the repository: {missing}"
