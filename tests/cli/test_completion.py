"""`kubehop completion SHELL`: scripts generated from the parser; the bash one is run by a real bash."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from kubehop.cli import build_parser, main, subcommand_parsers


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def complete(bash_script: Path, *words: str) -> list[str]:
    """What bash offers for the command line `words` (the last one is the word being completed)."""
    program = f"""
source {shlex.quote(str(bash_script))}
COMP_WORDS=({" ".join(shlex.quote(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={shlex.quote(" ".join(words))}
_kubehop_complete kubehop "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True,
                          check=True)
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def bash_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "kubehop.bash"
    path.write_text(script("bash", capsys))
    return path


def test_bash_parses_the_script_and_registers_it(bash_script: Path) -> None:
    subprocess.run(["bash", "-n", str(bash_script)], check=True)
    done = subprocess.run(["bash", "--norc", "-c", f"source {bash_script}; complete -p kubehop kubectl-hop"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["complete -o default -F _kubehop_complete kubehop",
                                        "complete -o default -F _kubehop_complete kubectl-hop"]


def test_bash_completes_commands_subcommands_options_and_choices(bash_script: Path) -> None:
    top = [action.dest for action in build_parser()._subparsers._group_actions[0]._choices_actions]  # type: ignore[union-attr]
    assert complete(bash_script, "kubehop", "") == top
    assert complete(bash_script, "kubehop", "re") == ["releases"]
    assert complete(bash_script, "kubehop", "-q", "releases", "") == ["list", "scan", "fix", "backup",
                                                                       "restore-backup"]
    assert complete(bash_script, "kubehop", "etcd", "v") == ["verify"]
    assert complete(bash_script, "kubehop", "releases", "scan", "--tar") == ["--target"]
    assert complete(bash_script, "kubehop", "scan", "-o", "") == ["table", "json", "yaml", "markdown", "csv",
                                                                   "sarif", "junit", "html"]
    assert complete(bash_script, "kubehop", "completion", "") == []  # a positional: -o default offers files
    assert "--backup-dir" in complete(bash_script, "kubehop", "convert", "--")


def test_every_command_and_option_is_in_every_script(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    scripts = {shell: script(shell, capsys) for shell in ("bash", "zsh", "fish")}
    for sub in subcommand_parsers(parser):
        name = sub.prog.split()[-1]
        flags = [flag for action in sub._actions for flag in action.option_strings if flag.startswith("--")]
        for shell, text in scripts.items():
            spelt = [f"-l {flag[2:]} " if shell == "fish" else flag for flag in flags]
            assert name in text and all(flag in text for flag in spelt), (shell, sub.prog, flags)
    assert scripts["zsh"].startswith("#compdef kubehop kubectl-hop\n") and "bashcompinit" in scripts["zsh"]
    assert "complete -c kubehop -f -n '__fish_use_subcommand' -a scan -d 'find API versions" in scripts["fish"]
    assert ("complete -c kubehop -f -n '__fish_seen_subcommand_from releases; and not __fish_seen_subcommand_from"
            " list scan fix backup restore-backup' -a fix") in scripts["fish"]
    assert "complete -c kubehop -n '__fish_seen_subcommand_from scan' -s o -l output -x -a 'table json" in \
        scripts["fish"]


def test_zsh_loads_the_script_and_offers_the_subcommand_path(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kubehop.zsh"
    path.write_text(script("zsh", capsys))
    subprocess.run(["zsh", "-n", str(path)], check=True)
    # zsh's bashcompinit runs the bash function with 0-based arrays; zsh filters COMPREPLY by the prefix itself.
    program = f"""source {shlex.quote(str(path))}
setopt ksharrays
COMP_WORDS=(kubehop releases scan --tar); COMP_CWORD=3; _kubehop_complete; print -l -- "${{COMPREPLY[@]}}"
print -- ---
COMP_WORDS=(kubehop scan -o x); COMP_CWORD=3; _kubehop_complete; print -l -- "${{COMPREPLY[@]}}"
"""
    done = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, check=True)
    options, choices = done.stdout.split("---\n")
    assert "--target" in options.split() and "--storage" in options.split() and "--cluster" not in options.split()
    assert choices.split() == ["table", "json", "yaml", "markdown", "csv", "sarif", "junit", "html"]


def test_fish_completes_commands_subcommands_options_and_choices(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kubehop.fish"
    path.write_text(script("fish", capsys))
    subprocess.run(["fish", "--no-execute", str(path)], check=True)
    empty = tmp_path / "empty"  # no file names to offer
    empty.mkdir()

    def complete(line: str) -> list[str]:
        done = subprocess.run(["fish", "--no-config", "-c", f"source {path}; complete -C{shlex.quote(line)}"],
                              capture_output=True, text=True, check=True, cwd=empty)
        return [entry.split("\t")[0] for entry in done.stdout.splitlines()]

    assert complete("kubehop re") == ["releases"]
    assert complete("kubehop releases ") == ["backup", "fix", "list", "restore-backup", "scan"]
    assert complete("kubehop releases scan --tar") == ["--target"]
    assert complete("kubehop scan -o ") == sorted(["table", "json", "yaml", "markdown", "csv", "sarif", "junit", "html"])
