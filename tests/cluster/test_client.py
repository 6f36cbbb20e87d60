from __future__ import annotations

from pathlib import Path

import pytest

from kubehop.cluster import api_client, server_version
from kubehop.cluster.client import context_namespace
from kubehop.errors import ClusterError
from kubehop.model import KubeVersion
from tests.fixtures.kube_api import KubeApi, write_kubeconfig


def test_server_version_over_http(kube_api: KubeApi) -> None:
    # kmock's emulator answers GET /version with gitVersion v1.26.4+k3s1.
    assert server_version(api_client(str(kube_api.kubeconfig), "kmock")) == KubeVersion(1, 26, 4)


def test_unknown_context_is_a_cluster_error(kube_api: KubeApi) -> None:
    with pytest.raises(ClusterError, match=r"context .absent. not found"):
        api_client(str(kube_api.kubeconfig), "absent")


def test_unreachable_server(tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:9")
    with pytest.raises(ClusterError, match="cannot read the server version"):
        server_version(api_client(str(config)))


def test_context_namespace(kube_api: KubeApi, tmp_path: Path) -> None:
    assert context_namespace(str(kube_api.kubeconfig)) == "default"
    assert context_namespace(str(tmp_path / "missing")) is None
