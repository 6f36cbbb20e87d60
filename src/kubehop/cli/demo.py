"""`kubehop demo`: the find-and-fix flow on the shipped example data, offline (no cluster needed)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

HELP = "run the whole find-and-fix flow on the shipped examples (the 1.16 -> 1.19 upgrade story), offline"
# A checkout's examples/ (shown with short relative paths), else the copy installed with the package.
CHECKOUT_EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PACKAGED_EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def default_examples() -> Path:
    return CHECKOUT_EXAMPLES if (CHECKOUT_EXAMPLES / "manifests").is_dir() else PACKAGED_EXAMPLES


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help=HELP, description=HELP)
    parser.add_argument("--examples", default=None, metavar="DIR",
                        help="an examples folder (default: the checkout's examples/, else the copy installed "
                             "with kubehop)")
    parser.add_argument("-t", "--target", default="1.19", metavar="VERSION", help="target version (default 1.19)")
    parser.set_defaults(func=run)


def steps(examples: str, target: str) -> list[tuple[str, list[str]]]:
    """(why, kubehop arguments) for each step of the tour."""
    helm3 = f"file:{examples}/releases/helm3-image-manager.yaml"
    helm2 = f"file:{examples}/releases/helm2-image-manager.yaml"
    return [
        ("Which manifests and chart templates break on the target?",
         ["scan", f"{examples}/manifests", f"{examples}/charts/image-manager", "--target", target]),
        ("Which Helm release revisions (Helm 3 Secrets, exported) hold removed APIs?",
         ["releases", "scan", "--storage", helm3, "--target", target, "--only", "removed-api"]),
        ("What would fixing the Helm 2 (Tiller) records write? (dry run: nothing is written)",
         ["releases", "fix", "image-manager", "--storage", helm2, "--target", target, "--dry-run"]),
        ("The manifests, converted field by field to what the target serves:",
         ["convert", f"{examples}/manifests/image-manager.yaml", "--target", target]),
    ]


def run(args: argparse.Namespace) -> int:
    from kubehop.cli import main
    from kubehop.errors import UsageError

    examples = Path(args.examples) if args.examples else default_examples()
    if not (examples / "manifests").is_dir() or not (examples / "releases").is_dir():
        raise UsageError(f"{examples}: not a kubehop examples folder (see kubehop demo --help)")
    shown = os.path.relpath(examples)
    worst = 0
    for number, (why, argv) in enumerate(steps(shown if not shown.startswith("..") else str(examples),
                                                args.target), start=1):
        print(f"\n## {number}. {why}\n$ kubehop {shlex.join(argv)}", flush=True)
        code = main(argv)
        sys.stdout.flush()
        print(f"(exit code {code})", flush=True)
        if code == 1:
            worst = 1
    print("\nNext: kubehop plan --from 1.16.7 --to 1.19.3 ... for the whole runbook; see README.md.")
    return worst
