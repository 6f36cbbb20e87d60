"""Cluster access exactly like kubectl: $KUBECONFIG lists, --kubeconfig, --context, in-cluster config, and
one-line errors, against the kmock API server (and a TLS server for the in-cluster service account)."""

from __future__ import annotations

import json
import os
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from kubehop.cli import main
from kubehop.cluster import api_client, server_version
from kubehop.cluster.client import context_name, context_namespace
from kubehop.cluster.kubeconfig import resolve
from kubehop.errors import ClusterError
from kubehop.model import KubeVersion
from tests.fixtures.etcd import make_tls
from tests.fixtures.kube_api import KubeApi

DEAD = "http://127.0.0.1:9"  # nothing listens on the discard port: a client sent there fails


def _config(path: Path, contexts: dict[str, str], current: str | None = None, namespace: str = "") -> Path:
    """A kubeconfig with one cluster/user/context per {context: server URL}."""
    doc: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": f"c-{name}", "cluster": {"server": url}} for name, url in contexts.items()],
        "users": [{"name": f"u-{name}", "user": {"token": f"token-{name}"}} for name in contexts],
        "contexts": [{"name": name, "context": {"cluster": f"c-{name}", "user": f"u-{name}",
                                                **({"namespace": namespace} if namespace else {})}}
                     for name in contexts],
    }
    if current:
        doc["current-context"] = current
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _version(kubeconfig: str | None = None, context: str | None = None) -> KubeVersion:
    return server_version(api_client(kubeconfig, context))


def test_missing_and_empty_files_in_kubeconfig_list_are_skipped(kube_api: KubeApi, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").write_text("", encoding="utf-8")
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(tmp_path / "missing"), str(tmp_path / "empty"), "",
                                                      str(kube_api.kubeconfig)]))
    assert _version() == KubeVersion(1, 26, 4)
    assert context_name() == "kmock" and context_namespace() == "default"


def test_context_defined_only_in_the_second_file_is_found(kube_api: KubeApi, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = _config(tmp_path / "first", {"dead": DEAD}, current="dead")
    second = _config(tmp_path / "second", {"emulator": kube_api.url}, current="emulator", namespace="team-b")
    monkeypatch.setenv("KUBECONFIG", f"{first}{os.pathsep}{second}")
    assert _version(context="emulator") == KubeVersion(1, 26, 4)
    assert context_namespace(context="emulator") == "team-b"
    # kubectl: the first file to set current-context wins (the official client alone lets the last win).
    assert resolve().context == "dead"
    with pytest.raises(ClusterError, match="cannot read the server version"):
        _version()


def test_first_file_wins_for_an_entry_both_define(kube_api: KubeApi, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = _config(tmp_path / "first", {"shared": kube_api.url}, current="shared")
    second = _config(tmp_path / "second", {"shared": DEAD})
    monkeypatch.setenv("KUBECONFIG", f"{first}{os.pathsep}{second}")
    assert _version() == KubeVersion(1, 26, 4)
    monkeypatch.setenv("KUBECONFIG", f"{second}{os.pathsep}{first}")
    with pytest.raises(ClusterError, match="cannot read the server version"):
        _version("", "shared")


def test_kubeconfig_flag_names_one_file_and_beats_the_environment(kube_api: KubeApi, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(_config(tmp_path / "env", {"dead": DEAD}, current="dead")))
    assert _version(str(kube_api.kubeconfig)) == KubeVersion(1, 26, 4)
    with pytest.raises(ClusterError, match=r"^kubeconfig .*/nowhere: no such file$"):
        api_client(str(tmp_path / "nowhere"))


def test_empty_context_means_the_current_one(kube_api: KubeApi) -> None:
    # Helm hands plugins HELM_KUBECONTEXT= (empty) when no --kube-context is given.
    assert _version(str(kube_api.kubeconfig), "") == KubeVersion(1, 26, 4)


def test_errors_are_one_line_and_name_the_file(kube_api: KubeApi, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken"
    broken.write_text("apiVersion: v1\nclusters: [\n  - name: x\n", encoding="utf-8")
    with pytest.raises(ClusterError) as info:
        api_client(str(broken))
    assert str(info.value).startswith(f"kubeconfig {broken}: not valid YAML: ") and "\n" not in str(info.value)
    with pytest.raises(ClusterError, match=r"context 'absent' not found \(contexts: kmock\)"):
        api_client(str(kube_api.kubeconfig), "absent")
    not_config = tmp_path / "list"
    not_config.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ClusterError, match="not a kubeconfig"):
        api_client(str(not_config))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "a") + os.pathsep + str(tmp_path / "b"))
    with pytest.raises(ClusterError, match="no such file"):
        api_client()


@pytest.mark.parametrize("case", ["missing", "broken", "unknown-context"])
def test_cli_reports_kubeconfig_errors_in_one_line(case: str, kube_api: KubeApi, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    broken.write_text("clusters: {\n", encoding="utf-8")
    args = {"missing": ["--kubeconfig", str(tmp_path / "missing")], "broken": ["--kubeconfig", str(broken)],
            "unknown-context": ["--kubeconfig", str(kube_api.kubeconfig), "--context", "absent"]}[case]
    assert main(["releases", "list", "--storage", "secret", *args]) == 1
    err = capsys.readouterr().err
    expected = {"missing": "no such file", "broken": "not valid YAML", "unknown-context": "'absent' not found"}
    assert expected[case] in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_cli_merges_kubeconfig_list_like_kubectl(kube_api: KubeApi, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    second = _config(tmp_path / "second", {"emulator": kube_api.url}, namespace=kube_api.namespace())
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(tmp_path / "missing"), str(second)]))
    monkeypatch.delenv("HELM_NAMESPACE", raising=False)
    assert main(["releases", "list", "--storage", "secret", "--context", "emulator"]) == 0
    assert capsys.readouterr().out == "no releases found\n"


VERSION = {"major": "1", "minor": "29", "gitVersion": "v1.29.4", "gitCommit": "0" * 40, "gitTreeState": "clean",
           "buildDate": "2024-04-16T00:00:00Z", "goVersion": "go1.21.9", "compiler": "gc", "platform": "linux/amd64"}


class _ServiceAccountApi(BaseHTTPRequestHandler):
    """An HTTPS API server that answers /version only to the service account's bearer token."""

    token: ClassVar[str] = ""
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        ok = (scheme.lower(), token) == ("bearer", self.token) and self.path.rstrip("/") == "/version"
        body = json.dumps(VERSION if ok else
                          {"kind": "Status", "code": 401, "reason": "Unauthorized"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def pod(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A TLS API server and a service-account folder (token, ca.crt, namespace) as a pod has them."""
    tls = make_tls(tmp_path / "tls")
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text("pod-token", encoding="utf-8")
    (account / "ca.crt").write_bytes(Path(tls.ca).read_bytes())
    (account / "namespace").write_text("payments", encoding="utf-8")
    _ServiceAccountApi.token, _ServiceAccountApi.seen = "pod-token", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ServiceAccountApi)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.server_cert, tls.server_key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, account
    server.shutdown()


def test_in_cluster_service_account_when_no_kubeconfig(pod: tuple[int, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    port, account = pod
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(port))
    access = resolve(service_account_dir=account)
    assert (access.context, access.namespace) == ("in-cluster", "payments")
    assert server_version(api_client(service_account_dir=account)) == KubeVersion(1, 29, 4)
    assert [h.lower() for h in _ServiceAccountApi.seen] == ["bearer pod-token"]
    (account / "token").unlink()
    with pytest.raises(ClusterError, match="token: no such file"):
        api_client(service_account_dir=account)


def test_a_kubeconfig_file_beats_the_service_account(kube_api: KubeApi, pod: tuple[int, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    port, account = pod
    monkeypatch.setenv("KUBECONFIG", str(kube_api.kubeconfig))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(port))
    assert server_version(api_client(service_account_dir=account)) == KubeVersion(1, 26, 4)
    assert _ServiceAccountApi.seen == []
