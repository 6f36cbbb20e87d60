"""Every subcommand on generated bad files, bad flags and a bad environment, in-process through
`kubehop.cli.main(argv)`: the exit code is one the README documents, nothing escapes as a traceback,
and each run takes at most 10 s and 500 MB.

Nothing leaves the machine: every kubeconfig, SQL connection string and etcd endpoint the test gives
points at an unused loopback port, and an audit hook refuses any connection or name lookup that is
not loopback while the test runs. Every file written goes to a fresh temporary folder (also the
working directory of the run).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import logging
import os
import resource
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kubehop.cli import main

MAX_SECONDS = 10.0
MAX_BYTES = 500 * 1024 * 1024
HANG_SECONDS = 60  # a run still going after this is stopped (and fails) instead of blocking the suite

OLD = b"""---
# Source: web/templates/ingress.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend: {serviceName: web, servicePort: 80}
---
apiVersion: apps/v1beta2
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api}]
"""


def _bomb(levels: int) -> bytes:
    lines = ["apiVersion: extensions/v1beta1", "kind: Ingress", "metadata: {name: x}", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


def _store(manifest: bytes) -> bytes:
    """A Helm 3 release record (a Secret in a List, as `kubectl get -o yaml` exports it) holding `manifest`."""
    body = {"name": "web", "namespace": "apps", "version": 1, "info": {"status": "deployed"},
            "chart": {"metadata": {"name": "web", "version": "1.0.0"}},
            "manifest": manifest.decode("utf-8", "replace"), "hooks": []}
    payload = base64.b64encode(base64.b64encode(gzip.compress(json.dumps(body).encode()))).decode()
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
              "metadata": {"name": "sh.helm.release.v1.web.v1", "namespace": "apps",
                           "labels": {"owner": "helm", "name": "web", "status": "deployed", "version": "1"}},
              "data": {"release": payload}}
    return yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [secret]}).encode()


BROKEN = [
    b"apiVersion: v1\nkind: [unclosed\n",
    b"\tapiVersion: v1\n\tkind: Pod\n",
    b"---\n--- {a: 1\n...\n%YAML 9.9\n---\n",
    b"apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: a}\nmetadata: {name: b}\n",
    b'{\n\t"apiVersion": "extensions/v1beta1",\n\t"kind": "Ingress",\n\t"metadata": {"name": "t"}\n}\n',
    b"apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: 5\nspec: {rules: 5, backend: [1]}\n",
    b"apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nspec: {versions: x, validation: 5}\n",
    b"apiVersion: v1\nkind: List\nitems: [1, {kind: 5}, {apiVersion: extensions/v1beta1, kind: Ingress}]\n",
    b"key: !!python/object/apply:os.system [echo hi]\n",
    b"apiVersion: v1\nkind: ConfigMap\ndata: " + b"[" * 3000 + b"]" * 3000 + b"\n",
    b'{"apiVersion": "v1", "kind": "A", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}\n",
    b"apiVersion: extensions/v1beta1\nkind: Ingress\nspec: " + b"[" * 900 + b"]" * 900 + b"\n",
    b"members: " + b"[" * 900 + b"]" * 900 + b"\napis: " + b"[" * 900 + b"]" * 900 + b"\n",
    b'{"format": "kubehop-release-backup", "version": 1, "storage": "file:x"}\n{"type": "record", "raw": 5}\n',
    b"members: [{name: a}, 5]\n",
    b"\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\n",
    b"\xff\xfea\x00p\x00i\x00",
]

CONTENT = st.one_of(
    st.binary(max_size=3000),
    st.just(b""),
    st.integers(0, len(OLD)).map(lambda n: OLD[:n]),
    st.binary(min_size=1, max_size=32).map(lambda b: OLD + b"\xff" + b),
    st.sampled_from(BROKEN),
    st.sampled_from([4, 6, 9]).map(_bomb),
    st.integers(1, 4).map(lambda n: OLD + b"apiVersion: v1\nkind: ConfigMap\ndata: {x: '" + b"y" * (n << 20) + b"'}\n"),
    st.integers(1, 3).map(lambda n: OLD + b"---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n" * (n * 700)),
    st.one_of(st.sampled_from(BROKEN), st.just(OLD), st.binary(max_size=200)).map(_store),
    st.just(OLD),
)

TARGETS = st.sampled_from(["1.22", "1.16", "v1.25.3", "1.8", "1.37", "0.9", "1.x", "", "99.1", "-1"])

# {F}: the bad file, {D}: its folder, {C}: a chart whose Chart.yaml and template are the bad file,
# {T}/{U}: versions, {O}: a path that does not exist yet.
COMMANDS: list[list[str]] = [
    ["scan", "{F}", "-t", "{T}"],
    ["scan", "{D}", "-t", "{T}", "-o", "sarif"],
    ["scan", "-", "-t", "{T}", "--full-parse"],
    ["scan", "{F}", "-t", "{T}", "--lifecycle", "{F}"],
    ["scan", "{F}", "-t", "{T}", "--output-file", "{D}"],
    ["convert", "{F}", "-t", "{T}"],
    ["convert", "{D}", "-t", "{T}", "--write"],
    ["convert", "{F}", "-t", "{T}", "--check", "-o", "json", "--out-dir", "{O}"],
    ["convert", "{F}", "-t", "{T}", "--live", "{F}"],
    ["releases", "list", "--storage", "file:{F}", "-o", "json"],
    ["releases", "scan", "--storage", "file:{F}", "-t", "{T}"],
    ["releases", "fix", "--all", "--storage", "file:{F}", "-t", "{T}"],
    ["releases", "fix", "web", "-n", "apps", "--storage", "file:{F}", "-t", "{T}", "--dry-run", "--revisions", "all"],
    ["releases", "backup", "--all", "--storage", "file:{F}", "--backup", "{O}"],
    ["releases", "restore-backup", "{F}", "--storage", "file:{O}"],
    ["releases", "list"],
    ["check", "upgrade", "web", "--manifest", "{F}", "--current-manifest", "{F}", "--kube-version", "{T}",
     "--helm-version", "3.12"],
    ["check", "rollback", "web", "--manifest", "{F}", "--current-manifest", "{F}", "--live", "{F}",
     "--kube-version", "{T}", "--helm-version", "2.17"],
    ["check", "upgrade", "web", "--manifest", "{F}", "--storage", "file:{F}", "--kube-version", "{T}"],
    ["plan", "--from", "{T}", "--to", "{U}", "{F}"],
    ["plan", "--from", "1.16", "--to", "1.19", "--inventory", "{F}", "-o", "shell"],
    ["plan", "--from", "1.16", "--to", "{U}", "--releases", "--storage", "file:{F}"],
    ["etcd", "verify", "{F}"],
    ["etcd", "status", "{F}", "-w", "json"],
    ["etcd", "inspect", "{F}", "-t", "{T}"],
    ["etcd", "diff", "{F}", "{F}", "--export", "{O}"],
    ["etcd", "restore-plan", "{F}", "--cluster-file", "{F}"],
    ["etcd", "restore-plan", "{F}", "--member", "{T}", "-o", "shell"],
    ["etcd", "restore", "{F}", "--cluster-file", "{F}"],
    ["etcd", "backup", "{O}", "--timeout", "2"],
    ["demo", "--examples", "{D}"],
    ["scan", "{C}", "-t", "{T}", "--set", "a=b"],
    ["scan", "{F}", "-t", "{T}", "--cluster"],
    ["convert", "{F}", "-t", "{T}", "--cluster"],
    ["check", "upgrade", "web", "--chart", "{C}", "--current-manifest", "{F}", "--kube-version", "{T}",
     "--helm-version", "3.12"],
]

BAD_FLAGS = st.sampled_from(["--bogus", "-o", "--output=xml", "--target=", "--fail-on=maybe", "--revisions=some",
                             "--", "-", "-v", "-q", "--help", "--version", "-n", "--storage=memory", "--skip=nope"])

ENVIRONMENTS = st.fixed_dictionaries({
    "KUBECONFIG": st.sampled_from(["{K}", "{B}", "{O}", "{F}", ""]),
    "HELM_DRIVER": st.sampled_from([None, "bogus", "sql", "configmap", "secret", "memory"]),
    "HELM_DRIVER_SQL_CONNECTION_STRING": st.sampled_from([None, "garbage", "postgresql://127.0.0.1:{P}/helm"]),
    "HELM_NAMESPACE": st.sampled_from([None, "", "Not_A_Namespace"]),
    "ETCDCTL_ENDPOINTS": st.sampled_from([None, "", "http://127.0.0.1:{P}", ",,,", "unix:///nonexistent.sock"]),
})

# Only what a report may exit with besides 0 (done) and 1 (error): 2 deprecated, 3 removed/rejected/blocked.
FINDING_CODES = {
    ("scan",): {2, 3}, ("releases", "scan"): {2, 3}, ("etcd", "inspect"): {2, 3},
    ("check",): {3}, ("convert",): {3}, ("plan",): {3},
}

# No shrinking: each example already names its command, input and environment, and shrinking large
# inputs through real commands takes minutes.
_PHASES = (Phase.explicit, Phase.generate)

LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}


class Hung(BaseException):
    """A run went on past HANG_SECONDS."""


@dataclass
class Guard:
    active: bool = False

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active:
            return
        if event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and str(address[0]) not in LOOPBACK:
                raise PermissionError(f"the fuzz test must not connect to {address}")
        elif event == "socket.getaddrinfo" and args[0] not in (None, *LOOPBACK) and not str(args[0]).startswith("/"):
            raise PermissionError(f"the fuzz test must not look up {args[0]!r}")


GUARD = Guard()
sys.addaudithook(GUARD)


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill(arg: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


@contextlib.contextmanager
def _sandbox(content: bytes, env: dict[str, str | None]) -> Iterator[dict[str, str]]:
    """A fresh folder (the working directory) with the bad file and a loopback kubeconfig; `env` set."""
    old_cwd, old_env, old_stdin = os.getcwd(), dict(os.environ), sys.stdin
    with tempfile.TemporaryDirectory(prefix="kubehop-fuzz-") as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        bad = root / "in" / "input.yaml"
        bad.write_bytes(content)
        chart = root / "chart"
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_bytes(content)
        (chart / "templates" / "web.yaml").write_bytes(content)
        port = str(_unused_port())
        garbage = root / "garbage-kubeconfig"
        garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff" + content[:64])
        kubeconfig = root / "kubeconfig"
        kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
            f"clusters: [{{name: c, cluster: {{server: 'https://127.0.0.1:{port}'}}}}]\n"
            "users: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n")
        values = {"F": str(bad), "D": str(bad.parent), "C": str(chart), "O": str(root / "out" / "x"), "K": str(kubeconfig), "B": str(garbage),
                  "P": port}
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            os.environ.pop(name, None)
        os.environ["NO_PROXY"] = "*"
        os.environ["HOME"] = str(root)  # no ~/.kube/config of the machine; helm's caches stay in here too
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HELM_CACHE_HOME", "HELM_CONFIG_HOME",
                     "HELM_DATA_HOME"):
            os.environ[name] = str(root / "home" / name.lower())
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = _fill(value, values)
        os.chdir(root)
        stdin = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8")
        sys.stdin = stdin
        try:
            yield values
        finally:
            sys.stdin = old_stdin
            os.chdir(old_cwd)
            os.environ.clear()
            os.environ.update(old_env)


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hung(f"still running after {HANG_SECONDS} s")


def _run(argv: list[str]) -> tuple[int, bool, str, str, float, int]:
    """(exit code, from argparse, stdout, stderr, seconds, peak memory growth in bytes).

    Memory is the growth of the peak resident size (of this process, or of a helm/etcdctl child):
    ru_maxrss only grows, so a run that stays below an earlier peak counts as no growth.
    """
    out, err = io.StringIO(), io.StringIO()
    before = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_SECONDS)
    start = time.monotonic()
    parsed = False
    GUARD.active = True
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: usage error, --help, --version
                parsed = True
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        GUARD.active = False
        logging.getLogger().handlers.clear()  # main() attached a handler to this run's stderr
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.monotonic() - start
    after = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return code, parsed, out.getvalue(), err.getvalue(), seconds, (after - before) * 1024


def _allowed(argv: list[str]) -> set[int]:
    words = [a for a in argv if not a.startswith("-")]
    for prefix, codes in FINDING_CODES.items():
        if tuple(words[: len(prefix)]) == prefix:
            return {0, 1} | codes
    return {0, 1}


@settings(max_examples=600, deadline=None, derandomize=True, database=None, phases=_PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(command=st.sampled_from(COMMANDS), content=CONTENT, target=TARGETS, to=TARGETS, env=ENVIRONMENTS,
       flag=st.integers(0, 3).flatmap(lambda n: st.tuples(BAD_FLAGS, st.integers(0, 12)) if n == 0 else st.none()))
def test_every_subcommand_on_bad_input_ends_cleanly(command: list[str], content: bytes, target: str, to: str,
                                                     env: dict[str, str | None],
                                                     flag: tuple[str, int] | None) -> None:
    with _sandbox(content, env) as values:
        argv = [_fill(a, {**values, "T": target, "U": to}) for a in command]
        if flag is not None:
            argv.insert(min(flag[1], len(argv)), flag[0])
        code, parsed, out, err, seconds, grown = _run(argv)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    if parsed:
        assert code in (0, 1, 2), (argv, code, err)  # argparse's usage errors exit 2 (or 1)
    else:
        assert code in _allowed(argv), (argv, code, err)
        if code in (2, 3):
            assert out.strip(), (argv, code)  # findings were reported
        if code == 1:
            assert (err + out).strip(), argv  # an error says why
    assert seconds <= MAX_SECONDS, (argv, seconds)
    assert grown <= MAX_BYTES, (argv, grown)


def test_the_guard_refuses_connections_and_lookups_that_are_not_loopback() -> None:
    GUARD.active = True
    try:
        with socket.socket() as s, contextlib.suppress(ConnectionRefusedError):
            s.connect(("127.0.0.1", _unused_port()))  # loopback: allowed (nothing listens)
        for attempt in (lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
                        lambda: socket.getaddrinfo("example.com", 443)):
            try:
                attempt()
            except PermissionError as exc:
                assert "must not" in str(exc)
            else:
                raise AssertionError("the guard let a non-loopback address through")
    finally:
        GUARD.active = False
