"""Release records for tests, built the way Helm writes them (Helm 3 JSON; Helm 2 protobuf via protoc)."""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from kubehop.helm.codec_v3 import release_from_json
from kubehop.helm.release import Release

PROTO_DIR = Path(__file__).parent / "proto"

DAEMONSET = """apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: image-manager
spec:
  template:
    metadata:
      labels:
        app: image-manager
    spec:
      containers:
        - name: manager
          image: example/image-manager:0.1.0
"""


def manifest_for(name: str = "demo") -> str:
    return f"---\n# Source: {name}/templates/daemonset.yaml\n" + DAEMONSET.replace("image-manager", name)


def helm3_body(
    name: str = "demo",
    namespace: str = "default",
    version: int = 1,
    status: str = "deployed",
    manifest: str | None = None,
    hooks: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "info": {
            "first_deployed": "2020-03-01T10:11:12.123456789+02:00",
            "last_deployed": "2020-03-02T10:11:12.5+02:00",
            "deleted": "",
            "description": "Install complete" if version == 1 else "Upgrade complete",
            "status": status,
        },
        "chart": {
            "metadata": {"name": name, "version": "0.1.0", "appVersion": "1.0", "apiVersion": "v2",
                         "type": "application"},
            "lock": None,
            "templates": [{"name": "templates/daemonset.yaml", "data": "YXBpVmVyc2lvbjogdjEK"}],
            "values": {"replicas": 1},
            "schema": None,
            "files": None,
        },
        "config": {"image": {"tag": "0.1.0"}},
        "manifest": manifest if manifest is not None else manifest_for(name),
        "hooks": hooks or [],
        "version": version,
        "namespace": namespace,
    }
    body.update(extra)
    return body


def helm3_release(**kwargs: Any) -> Release:
    return release_from_json(helm3_body(**kwargs))


_HAPI: ModuleType | None = None


def hapi() -> ModuleType:
    """The Helm 2 schema compiled with protoc (grpcio-tools), independent of kubehop's hand codec."""
    global _HAPI
    if _HAPI is None:
        from grpc_tools import protoc

        out = Path(tempfile.mkdtemp(prefix="hapi-"))
        include = Path(protoc.__file__).parent / "_proto"
        code = protoc.main(["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={out}",
                            str(PROTO_DIR / "hapi.proto")])
        if code:
            raise RuntimeError("protoc failed on tests/helm/proto/hapi.proto")
        sys.path.insert(0, str(out))
        _HAPI = importlib.import_module("hapi_pb2")
    return _HAPI


def helm2_proto(
    name: str = "demo", version: int = 1, status: str = "DEPLOYED", namespace: str = "default",
    manifest: str | None = None, hooks: list[dict[str, Any]] | None = None,
) -> Any:
    pb = hapi()
    rel = pb.Release(name=name, version=version, namespace=namespace,
                     manifest=manifest if manifest is not None else manifest_for(name))
    rel.info.status.code = pb.Status.Code.Value(status)
    rel.info.status.notes = "Thank you for installing."
    rel.info.first_deployed.seconds = 1583050272
    rel.info.last_deployed.seconds = 1583136672
    rel.info.last_deployed.nanos = 500000000
    rel.info.Description = "Install complete"
    rel.chart.metadata.name = name
    rel.chart.metadata.version = "0.1.0"
    rel.chart.metadata.appVersion = "1.0"
    rel.chart.metadata.apiVersion = "v1"
    rel.chart.metadata.annotations["team"] = "imaging"
    rel.chart.templates.add(name="templates/daemonset.yaml", data=b"apiVersion: v1\n")
    rel.chart.values.raw = "replicas: 1\n"
    rel.chart.files.add(type_url="README.md", value=b"# demo\n")
    sub = rel.chart.dependencies.add()
    sub.metadata.name = "sub"
    rel.config.raw = "image:\n  tag: 0.1.0\n"
    for hook in hooks or []:
        rel.hooks.add(**hook)
    return rel
