"""A tiny Prometheus exporter: serve a metrics file (the report ConfigMap's `metrics.prom`) at /metrics.

The chart mounts the report ConfigMap into the exporter's pod; the kubelet keeps the file current, and
this server reads it on every scrape. It needs no API access. Run as
`python -m kubehop.incluster.exporter --file /report/metrics.prom --port 9102`.
A missing file (no scan has run yet) is answered 503, so Prometheus marks the target down, not empty.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def make_handler(metrics_file: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] not in ("/metrics", "/metrics/"):
                self._answer(404, b"not found: scrape /metrics\n", "text/plain; charset=utf-8")
                return
            try:
                body = metrics_file.read_bytes()
            except OSError:
                self._answer(503, b"no kubehop report yet\n", "text/plain; charset=utf-8")
                return
            self._answer(200, body, CONTENT_TYPE)

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def serve(metrics_file: Path, host: str, port: int) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0: any free port); call serve_forever() on it."""
    return ThreadingHTTPServer((host, port), make_handler(metrics_file))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kubehop.incluster.exporter", description=__doc__)
    parser.add_argument("--file", required=True, type=Path, help="the metrics file to serve")
    parser.add_argument("--port", type=int, default=9102, help="port to listen on (default 9102)")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    args = parser.parse_args(argv)
    server = serve(args.file, args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
