from __future__ import annotations

from pathlib import Path

import pytest

from kubehop.errors import UsageError
from kubehop.helm.storage.file import FileStorage
from kubehop.helm.storage.kube import KubeStorage
from kubehop.helm.storage.select import open_storage, storage_spec_from_env
from tests.fixtures.kube_api import KubeApi


@pytest.mark.parametrize(("value", "spec"), [("", "secret"), ("secrets", "secret"), ("secret", "secret"),
                                             ("configmap", "configmap"), ("configmaps", "configmap"),
                                             ("sql", "sql")])
def test_helm_driver_like_helm(value: str, spec: str) -> None:
    assert storage_spec_from_env({"HELM_DRIVER": value}) == spec


def test_memory_driver_is_refused() -> None:
    with pytest.raises(UsageError, match="HELM_DRIVER='memory' is not supported"):
        storage_spec_from_env({"HELM_DRIVER": "memory"})


def test_sql_needs_connection_string() -> None:
    with pytest.raises(UsageError, match="HELM_DRIVER_SQL_CONNECTION_STRING"):
        open_storage("sql", env={})


def test_file_and_kube_storages(tmp_path: Path, kube_api: KubeApi) -> None:
    assert isinstance(open_storage(f"file:{tmp_path}/x.yaml", env={}), FileStorage)
    tiller = open_storage("tiller-secret", kubeconfig=str(kube_api.kubeconfig), env={"TILLER_NAMESPACE": "t"})
    assert isinstance(tiller, KubeStorage) and tiller.name == "tiller-secret" and tiller.helm_major == 2
    assert open_storage(None, kubeconfig=str(kube_api.kubeconfig), env={"HELM_DRIVER": "configmap"}).name == \
        "configmap"
