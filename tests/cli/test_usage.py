"""The command line as a whole: usage errors exit 1 on every (sub)command, -q/-v anywhere, help texts."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from kubehop.cli import build_parser, main, subcommand_parsers
from tests.terminal import on_a_terminal

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """(argv path, parser) of every command and subcommand, enumerated from the parser itself."""
    parser = build_parser()
    return [(sub.prog.split()[1:], sub) for sub in subcommand_parsers(parser)]


COMMANDS = _commands()
IDS = [" ".join(path) for path, _ in COMMANDS]


def _bad_values(parser: argparse.ArgumentParser) -> list[list[str]]:
    """Arguments each parser must refuse: a choice it does not offer, a number that is not one."""
    bad: list[list[str]] = []
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0:
            continue
        if action.choices:
            bad.append([action.option_strings[-1], "xml"])
        elif action.type in (int, float):
            bad.append([action.option_strings[-1], "many"])
    return bad


def assert_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str], prog: str) -> None:
    assert main(argv) == 1, argv
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"{prog}: error: ") and err.endswith(f"(see {prog} --help)\n"), err


def test_the_walk_covers_every_command() -> None:
    assert {"scan", "convert", "plan", "demo", "completion", "etcd verify", "releases fix", "check rollback"} <= set(IDS)


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_every_usage_error_exits_1_with_one_line(path: list[str], parser: argparse.ArgumentParser,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error([*path, "--no-such-flag"], capsys, parser.prog)
    for bad in _bad_values(parser):
        assert_usage_error([*path, *bad], capsys, parser.prog)
    if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        assert_usage_error(path, capsys, parser.prog)  # a missing subcommand
        assert_usage_error([*path, "no-such-command"], capsys, parser.prog)


def test_missing_and_unknown_command_and_output_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error([], capsys, "kubehop")
    assert_usage_error(["nope"], capsys, "kubehop")
    assert_usage_error(["-q"], capsys, "kubehop")
    assert_usage_error(["scan", "examples/manifests", "-t", "1.22", "-o", "xml"], capsys, "kubehop scan")


def test_the_real_process_exits_1_on_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "kubehop", "scan", "-o", "xml"], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("kubehop scan: error: argument -o/--output: invalid choice: 'xml'")


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert main(["etcd", "verify", "--help"]) == 0
    assert "snapshot file" in capsys.readouterr().out


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_every_argument_has_help(path: list[str], parser: argparse.ArgumentParser) -> None:
    missing = [a.metavar or a.dest for a in parser._actions
               if not a.help and not isinstance(a, argparse._SubParsersAction)]
    assert not missing, f"kubehop {' '.join(path)}: no help text for {missing}"


@pytest.mark.parametrize("argv", [
    ["-q", "scan", "{dir}", "-t", "1.22"],
    ["scan", "-q", "{dir}", "-t", "1.22"],
    ["scan", "{dir}", "-t", "1.22", "-q"],
    ["scan", "{dir}", "-t", "1.22", "--quiet", "-o", "json"],
])
def test_quiet_anywhere_hides_notes(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "i.yaml").write_text("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n")
    (tmp_path / "bin.yaml").write_bytes(b"\x89PNG\x00\x00")
    assert main([a.replace("{dir}", str(tmp_path)) for a in argv]) == 3
    out, err = capsys.readouterr()
    assert "Ingress" in out and err == ""


def test_notes_go_to_stderr_and_errors_survive_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x89PNG\x00\x00")
    assert main(["scan", str(tmp_path), "-t", "1.22"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("No findings at target 1.22") and "note" not in out
    assert err == f"kubehop: note: {tmp_path / 'bin.yaml'}: binary file, skipped\n"
    assert main(["scan", str(tmp_path / "missing.yaml"), "-t", "1.22", "-q"]) == 1
    assert capsys.readouterr().err.startswith(f"kubehop: error: {tmp_path / 'missing.yaml'}: no such file")


def test_verbose_anywhere_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    args = parser.parse_args(["-v", "scan", str(tmp_path), "-v", "-t", "1.22"])
    assert (args.verbose, args.verbose_after) == (1, 1)
    assert main(["scan", str(tmp_path / "missing.yaml"), "-t", "1.22", "-vv"]) == 1
    assert "Traceback" in capsys.readouterr().err  # -vv after the subcommand: the error's detail on stderr


@pytest.mark.parametrize("option", ["--skip", "--only"])
@pytest.mark.parametrize("value", ["removed-api[foo", "no-such-rule", "removed-api]", "removed-api[a][b]",
                                   "removed-api,nope[x]"])
def test_bad_rule_selection_is_a_usage_error(option: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "examples/manifests", "-t", "1.22", option, value]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"kubehop: error: {option} ") and err.count("\n") == 1


def test_good_rule_selection_still_works(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["scan", "examples/manifests/rbac.yaml", "-t", "1.22", "--only",
                 "removed-api[rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding]", "-o", "csv"]) == 3
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 2 and "ClusterRoleBinding" in rows[1]
    assert main(["releases", "scan", "--storage", "file:examples/releases/helm3-image-manager.yaml", "-t", "1.19",
                 "--skip", "missing-selector[", "-o", "json"]) == 1
    assert "--skip missing-selector[" in capsys.readouterr().err
    assert main(["check", "rollback", "x", "--skip", "selector-missing[x"]) == 1
    assert "--skip selector-missing[x: not a rule ID or a finding tag" in capsys.readouterr().err


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_quiet_and_verbose_are_accepted_by_every_command(path: list[str], parser: argparse.ArgumentParser) -> None:
    flags = {flag for action in parser._actions for flag in action.option_strings}
    assert {"-q", "--quiet", "-v", "--verbose"} <= flags, parser.prog


def test_quiet_hides_convert_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\n"
                        "spec: {template: {metadata: {labels: {app: web}}}}\n")
    assert main(["convert", str(manifest), "-t", "1.22"]) == 0
    out, err = capsys.readouterr()
    assert "apiVersion: apps/v1" in out and err.startswith("# kubehop: ")
    assert main(["convert", str(manifest), "-t", "1.22", "-q"]) == 0
    out, err = capsys.readouterr()
    assert "apiVersion: apps/v1" in out and err == ""


def test_quiet_keeps_the_error_of_an_unreadable_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "examples/releases/helm3-image-manager.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    first = text.index("release: ") + len("release: ")
    broken.write_text(text[:first] + "not~base64" + text[text.index("\n", first):])
    assert main(["releases", "scan", "--storage", f"file:{broken}", "-t", "1.22", "--fail-on", "none",
                 "-o", "json", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kubehop: skipped unreadable record in file:{broken}: ")  # exit 1 is explained


def test_quiet_hides_progress_on_a_terminal() -> None:
    fix = ["releases", "fix", "--storage", "file:examples/releases/helm2-image-manager.yaml", "-t", "1.19",
           "--dry-run", "-o", "json"]
    assert "releases done: 1" in on_a_terminal(*fix, stream="stderr")
    assert on_a_terminal(*fix, "-q", stream="stderr") == ""
