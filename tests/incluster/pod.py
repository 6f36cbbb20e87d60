"""What a pod gets, outside a pod: a TLS front for the API emulator and a service-account folder.

The in-cluster loader only speaks https to $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT with the
service account's CA and token; kmock serves plain http. TlsFront terminates TLS with a certificate
from a throw-away CA and relays the bytes to the emulator, keeping the request heads it saw (to check
the token the client sent).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tests.fixtures.etcd import make_tls


@dataclass
class Pod:
    host: str
    port: int
    account: Path  # token, ca.crt, namespace
    heads: list[bytes] = field(default_factory=list)

    def env(self, home: Path) -> dict[str, str]:
        return {"KUBERNETES_SERVICE_HOST": self.host, "KUBERNETES_SERVICE_PORT": str(self.port),
                "KUBEHOP_SERVICE_ACCOUNT_DIR": str(self.account), "HOME": str(home),
                "KUBECONFIG": str(home / "no-kubeconfig")}


def _pump(source: socket.socket, sink: socket.socket, seen: list[bytes] | None) -> None:
    try:
        while data := source.recv(65536):
            if seen is not None:
                seen.append(data.split(b"\r\n\r\n", 1)[0])
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def pod_for(api_url: str, directory: Path, namespace: str, token: str = "pod-token") -> Iterator[Pod]:
    tls = make_tls(directory / "tls")
    account = directory / "serviceaccount"
    account.mkdir(parents=True)
    (account / "token").write_text(token, encoding="utf-8")
    (account / "ca.crt").write_bytes(Path(tls.ca).read_bytes())
    (account / "namespace").write_text(namespace, encoding="utf-8")
    upstream = urlparse(api_url)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.server_cert, tls.server_key)
    listener = socket.create_server(("127.0.0.1", 0))
    pod = Pod("127.0.0.1", listener.getsockname()[1], account)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
                client = context.wrap_socket(raw, server_side=True)
            except OSError:
                continue
            backend = socket.create_connection((upstream.hostname or "127.0.0.1", upstream.port or 80))
            threading.Thread(target=_pump, args=(client, backend, pod.heads), daemon=True).start()
            threading.Thread(target=_pump, args=(backend, client, None), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield pod
    finally:
        stop.set()
        listener.close()
        thread.join(5)
