"""Command-line entry point: parse, dispatch to one thin command module, map errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

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
    "completion",
    "fleet",
)

log = logging.getLogger("kubehop")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"kubehop.cli.{name}")


class Parser(argparse.ArgumentParser):
    """argparse with kubehop's exit codes: a usage error is one line on stderr and exit 1 (2 and 3 mean findings)."""

    strict = False  # a subcommand's parser: arguments it does not know are its error, named with its prog

    def error(self, message: str) -> NoReturn:
        self.exit(int(ExitCode.ERROR), f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self.strict:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that command's module is imported (fast start-up)."""
    from kubehop import __version__

    parser = Parser(
        prog="kubehop",
        description="Safe cross-version Kubernetes upgrades and rollbacks.",
    )
    parser.add_argument("--version", action="version", version=f"kubehop {__version__}")
    _add_verbosity(parser, 0, False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        if command is None or name == command:
            _load(name).add_parser(subparsers)
        else:
            subparsers.add_parser(name)  # a placeholder: its options are never parsed
    for sub in subcommand_parsers(parser):
        _add_verbosity(sub, argparse.SUPPRESS, argparse.SUPPRESS)
        if isinstance(sub, Parser):
            sub.strict = True
    return parser


def _add_verbosity(parser: argparse.ArgumentParser, verbose: object, quiet: object) -> None:
    """-v/-q on every (sub)command's parser, so they are accepted anywhere on the line."""
    group = parser.add_argument_group("output verbosity") if verbose is argparse.SUPPRESS else parser
    # Subcommand parsers count into their own dest: argparse copies a subparser's namespace over the parent's.
    suffix = "_after" if verbose is argparse.SUPPRESS else ""
    group.add_argument("-v", "--verbose", action="count", default=verbose, dest=f"verbose{suffix}",
                       help="more diagnostics on stderr (repeat for more)")
    group.add_argument("-q", "--quiet", action="store_true", default=quiet, dest=f"quiet{suffix}",
                       help="only errors on stderr: no notes, warnings or progress")


def subcommand_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below `parser` (commands and their subcommands), depth first."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
                found.append(sub)
                found.extend(subcommand_parsers(sub))
    return found


class _StderrHandler(logging.Handler):
    """Writes to the sys.stderr of the moment (main() may run many times in one process)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # a diagnostic must never break the command
            self.handleError(record)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("kubehop: %(message)s"))
    # kubehop's own logger is set up on every run (main() may run many times in one process, e.g. demo);
    # other libraries' loggers go through the root logger, set up once.
    log.handlers = [handler]
    log.setLevel(level)
    log.propagate = False
    logging.basicConfig(level=level, handlers=[handler])
    # The Kubernetes client's transport retries are noise; kubehop reports the final error itself.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if verbose > 1 else logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(chosen if chosen in COMMAND_MODULES else None)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help, --version (0) or a usage error (1, already printed)
        return exc.code if isinstance(exc.code, int) else int(ExitCode.ERROR)
    args.verbose += getattr(args, "verbose_after", 0)
    args.quiet = args.quiet or getattr(args, "quiet_after", False)
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
