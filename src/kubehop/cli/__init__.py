"""Command-line entry point: parse, dispatch to one thin command module, map errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from kubehop.errors import KubehopError
from kubehop.model import ExitCode

# Each module exports add_parser(subparsers) and run(args) -> int.
COMMAND_MODULES: tuple[str, ...] = (
    "scan",
    "convert",
    "etcd",
    "releases",
    "check",
    "plan",
    "lifecycle",
    "demo",
    "fleet",
)

log = logging.getLogger("kubehop")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"kubehop.cli.{name}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that command's module is imported (fast start-up)."""
    from kubehop import __version__

    parser = argparse.ArgumentParser(
        prog="kubehop",
        description="Safe cross-version Kubernetes upgrades and rollbacks.",
    )
    parser.add_argument("--version", action="version", version=f"kubehop {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more diagnostics on stderr")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        if command is None or name == command:
            _load(name).add_parser(subparsers)
        else:
            subparsers.add_parser(name)  # a placeholder: its options are never parsed
    return parser


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="kubehop: %(message)s", stream=sys.stderr)
    # The Kubernetes client's transport retries are noise; kubehop reports the final error itself.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if verbose > 1 else logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(chosen if chosen in COMMAND_MODULES else None)
    args = parser.parse_args(args_list)
    _setup_logging(args.verbose, args.quiet)
    try:
        code: int = args.func(args)
    except KubehopError as exc:
        log.debug("error detail", exc_info=True)
        print(f"kubehop: error: {exc}", file=sys.stderr)
        return int(ExitCode.ERROR)
    except KeyboardInterrupt:
        print("kubehop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return int(ExitCode.OK)
    return code


def entry_point() -> None:
    raise SystemExit(main())
