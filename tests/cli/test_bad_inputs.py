"""Inputs that used to hang or end in a traceback: FIFOs, sockets and devices, non-UTF-8 bytes in
every kind of input file and on stdin, report files that cannot be written. Each ends in a note (in a
directory) or a one-line error naming the input with exit code 1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubehop.cli import main

ROOT = Path(__file__).resolve().parents[2]
OLD = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n"
NOT_UTF8 = b"apiVersion: v1\nkind: ConfigMap\ndata: {a: \"\xff\xfe\"}\n"


def kubehop(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, with a time limit: an input that blocks fails the test, not the suite."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "kubehop", *args], input=stdin, capture_output=True,
                          timeout=60, env=env, cwd=cwd, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def one_line_error(err: str, starts: str) -> bool:
    return err.count("\n") == 1 and err.startswith(f"kubehop: error: {starts}") and "Traceback" not in err


@pytest.fixture
def odd_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a manifest, a FIFO, a socket and a link to a character device."""
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "app.yaml").write_text(OLD)
    os.mkfifo(folder / "pipe.yaml")
    os.symlink("/dev/zero", folder / "zero.yaml")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "control.sock"))
    try:
        yield folder
    finally:
        server.close()


def test_scan_skips_fifos_sockets_and_devices_in_a_folder_with_a_note(odd_dir: Path) -> None:
    done = kubehop("scan", str(odd_dir), "--target", "1.22")
    assert done.returncode == 3 and "Ingress/web" in done.stdout
    for name, kind in (("control.sock", "a socket"), ("pipe.yaml", "a FIFO"), ("zero.yaml", "a character device")):
        assert f"kubehop: note: {odd_dir / name}: {kind}, skipped\n" in done.stderr  # notes go to stderr


def test_scan_and_convert_refuse_a_fifo_named_on_the_command_line(odd_dir: Path) -> None:
    for command in (["scan", "--target", "1.22"], ["convert", "--target", "1.22"]):
        done = kubehop(*command, str(odd_dir / "pipe.yaml"))
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr == f"kubehop: error: {odd_dir / 'pipe.yaml'}: a FIFO, not a regular file\n"


def test_convert_skips_fifos_sockets_and_devices_in_a_folder_with_a_note(odd_dir: Path) -> None:
    done = kubehop("convert", str(odd_dir), "--target", "1.22")
    assert done.returncode == 0
    assert "apiVersion: networking.k8s.io/v1\n" in done.stdout
    for name, kind in (("control.sock", "a socket"), ("pipe.yaml", "a FIFO"), ("zero.yaml", "a character device")):
        assert f"kubehop: note: {odd_dir / name}: {kind}, skipped\n" in done.stderr


def test_etcd_check_and_restore_backup_refuse_a_fifo(odd_dir: Path) -> None:
    pipe = str(odd_dir / "pipe.yaml")
    for command in (["etcd", "verify", pipe], ["etcd", "status", pipe], ["etcd", "inspect", pipe],
                    ["releases", "restore-backup", pipe, "--storage", f"file:{odd_dir / 'r.yaml'}"],
                    ["check", "upgrade", "web", "--manifest", pipe, "--current-manifest", str(odd_dir / "app.yaml"),
                     "--kube-version", "1.22", "--helm-version", "3.12"]):
        done = kubehop(*command)
        assert done.returncode == 1 and one_line_error(done.stderr, pipe), (command, done.stderr)
        assert "a FIFO, not a regular file" in done.stderr


def test_non_utf8_stdin_is_a_one_line_error() -> None:
    done = kubehop("scan", "-", "--target", "1.22", stdin=NOT_UTF8)
    assert done.returncode == 1
    assert done.stderr == "kubehop: error: -: standard input is not readable: not UTF-8 text (binary?)\n"


def test_utf16_stdin_is_read() -> None:
    done = kubehop("scan", "-", "--target", "1.22", stdin=OLD.encode("utf-16"))
    assert done.returncode == 3 and "Ingress/web" in done.stdout


def test_non_utf8_lifecycle_file_store_backup_and_cluster_file(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(NOT_UTF8)
    manifest = tmp_path / "app.yaml"
    manifest.write_text(OLD)
    cases = [
        (["scan", str(manifest), "-t", "1.22", "--lifecycle", str(bad)], "lifecycle file is not UTF-8 text"),
        (["releases", "list", "--storage", f"file:{bad}"], "not UTF-8 text"),
        (["releases", "scan", "-t", "1.22", "--storage", f"file:{bad}"], "not UTF-8 text"),
        (["releases", "fix", "--all", "-t", "1.22", "--storage", f"file:{bad}"], "not UTF-8 text"),
        (["releases", "restore-backup", str(bad), "--storage", f"file:{tmp_path / 'r.yaml'}"], "not UTF-8 text"),
        (["etcd", "restore-plan", str(manifest), "--cluster-file", str(bad)], "not UTF-8 text"),
        (["plan", "--from", "1.21", "--to", "1.22", "--inventory", str(bad)], "not UTF-8 text"),
    ]
    for argv, reason in cases:
        assert main(argv) == 1, argv
        _out, err = capsys.readouterr()
        assert one_line_error(err, str(bad)) and reason in err, (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.yaml", "bad.yaml"]  # nothing written


def test_output_file_in_a_missing_folder_or_onto_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(OLD)
    missing = tmp_path / "missing" / "report.txt"
    for output, reason in ((missing, "its directory does not exist"), (tmp_path, "is a directory")):
        for argv in (["scan", str(manifest), "-t", "1.22"], ["convert", str(manifest), "-t", "1.22", "--write"],
                     ["plan", "--from", "1.21", "--to", "1.22", str(manifest)]):
            assert main([*argv, "--output-file", str(output)]) == 1, argv
            _out, err = capsys.readouterr()
            assert err == f"kubehop: error: {output}: cannot write the report: {reason}\n", argv
    assert manifest.read_text() == OLD  # convert --write refused before writing anything
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.yaml"]


def test_inputs_nested_too_deeply_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("members: " + "[" * 5000 + "]" * 5000 + "\n")
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}\n")
    cases = [
        (["releases", "list", "--storage", f"file:{deep_yaml}"], deep_yaml),
        (["etcd", "restore-plan", str(deep_json), "--cluster-file", str(deep_yaml)], deep_yaml),
        (["plan", "--from", "1.21", "--to", "1.22", "--inventory", str(deep_json)], deep_json),
        (["convert", str(deep_json), "-t", "1.22"], deep_json),
        (["releases", "restore-backup", str(deep_json), "--storage", f"file:{tmp_path / 'r.yaml'}"], deep_json),
    ]
    for argv, path in cases:
        assert main(argv) == 1, argv
        _out, err = capsys.readouterr()
        assert one_line_error(err, str(path)), (argv, err)
