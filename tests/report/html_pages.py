"""The three HTML pages of the 1.16 -> 1.19 story, each with the JSON output of the same command."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubehop.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCAN = ["scan", "examples/manifests", "examples/charts/image-manager", "--target", "1.19"]
RELEASES = ["releases", "scan", "--storage", "file:examples/releases/helm2-image-manager.yaml", "--target", "1.19"]
PLAN = ["plan", "--from", "1.16.7", "--to", "1.19.3", "examples/manifests", "examples/charts/image-manager",
        "--release-name", "image-manager", "--releases", "--storage", "file:examples/releases/helm2-image-manager.yaml"]
COMMANDS = {"scan": SCAN, "releases-scan": RELEASES, "plan": PLAN}


@dataclass(frozen=True)
class Page:
    name: str
    path: Path
    data: dict[str, Any]  # the command's -o json output

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _run(args: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(args)


def make_pages(folder: Path) -> dict[str, Page]:
    """Run each command with -o html and -o json, from the repository root, as a user would."""
    pages = {}
    with contextlib.chdir(ROOT):
        for name, args in COMMANDS.items():
            html_file, json_file = folder / f"{name}.html", folder / f"{name}.json"
            html_code = _run([*args, "-o", "html", "--output-file", str(html_file)])
            json_code = _run([*args, "-o", "json", "--output-file", str(json_file)])
            assert html_code == json_code, (name, html_code, json_code)
            pages[name] = Page(name, html_file, json.loads(json_file.read_text(encoding="utf-8")))
    return pages
