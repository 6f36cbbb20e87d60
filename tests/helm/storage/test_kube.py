from __future__ import annotations

import base64
from typing import Any

import pytest

from kubehop.errors import ConflictError, HelmRecordError, RecordNotFoundError
from kubehop.helm.codec import decode_body, evolve
from kubehop.helm.codec_v2 import release_from_proto
from kubehop.helm.release import BadRecord, StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.kube import KubeStorage
from tests.fixtures.kube_api import KubeApi
from tests.helm.factories import helm2_proto, helm3_release


def records(storage: KubeStorage, query: Query) -> list[StoredRecord]:
    found = list(storage.list(query))
    assert not any(isinstance(r, BadRecord) for r in found)
    return [r for r in found if isinstance(r, StoredRecord)]


@pytest.mark.parametrize("kind", ["Secret", "ConfigMap"])
def test_helm3_create_list_get_update_delete(kube_api: KubeApi, kind: str) -> None:
    ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind=kind, helm_major=3, page_size=2)
    for version in (1, 2, 3):
        storage.create(helm3_release(namespace=ns, version=version, status="superseded"), labels={"team": "a"})
    storage.create(helm3_release(name="other", namespace=ns))

    history = records(storage, Query(name="demo", namespace=ns))
    assert [r.version for r in history] == [1, 2, 3]
    assert all(r.labels["team"] == "a" and r.labels["owner"] == "helm" for r in history)
    assert len(records(storage, Query(namespace=ns))) == 4
    assert [r.name for r in records(storage, Query(namespace=ns, status="deployed"))] == ["other"]

    got = storage.get(ns, "sh.helm.release.v1.demo.v3")
    assert got.raw["metadata"]["name"] == "sh.helm.release.v1.demo.v3" and got.resource_version
    if kind == "Secret":
        assert got.raw["type"] == "helm.sh/release.v1"
        # data.release is base64 twice over: the Secret's own and Helm's.
        assert base64.b64decode(got.raw["data"]["release"]).decode() == got.payload
    else:
        assert got.raw["data"]["release"] == got.payload
    release = decode_body(got.payload, 3, key=got.key)
    updated = storage.update(evolve(release, status="deployed"), got)
    assert updated.status == "deployed" and "modifiedAt" in updated.labels and updated.labels["team"] == "a"

    with pytest.raises(ConflictError):
        storage.update(evolve(release, status="failed"), got)  # stale resourceVersion
    with pytest.raises(ConflictError):
        storage.create(helm3_release(namespace=ns, version=3))
    with pytest.raises(ConflictError):
        storage.delete(got)
    storage.delete(updated)
    with pytest.raises(RecordNotFoundError):
        storage.get(ns, "sh.helm.release.v1.demo.v3")


def test_listing_pages_with_limit_and_continue(kube_api: KubeApi) -> None:
    ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind="Secret", helm_major=3, page_size=3)
    for version in range(1, 9):
        storage.create(helm3_release(namespace=ns, version=version))
    before = len(kube_api.emulator.list_requests)
    assert sorted(r.version for r in records(storage, Query(name="demo", namespace=ns))) == list(range(1, 9))
    requests = kube_api.emulator.list_requests[before:]
    assert [r.get("limit") for r in requests] == ["3", "3", "3"]
    assert [bool(r.get("continue")) for r in requests] == [False, True, True]
    assert all(r["labelSelector"] == "owner=helm,name=demo" for r in requests)


def test_all_namespaces_listing(kube_api: KubeApi) -> None:
    ns1, ns2 = kube_api.namespace(), kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind="Secret", helm_major=3)
    storage.create(helm3_release(name="spread", namespace=ns1))
    storage.create(helm3_release(name="spread", namespace=ns2))
    assert {r.namespace for r in records(storage, Query(name="spread"))} == {ns1, ns2}


@pytest.mark.parametrize("kind", ["ConfigMap", "Secret"])
def test_tiller_records(kube_api: KubeApi, kind: str) -> None:
    tiller_ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind=kind, helm_major=2, tiller_namespace=tiller_ns)
    name = f"rel-{tiller_ns}"
    release = release_from_proto(helm2_proto(name=name, status="SUPERSEDED").SerializeToString())
    created = storage.create(release)
    assert created.namespace == tiller_ns and created.key == f"{name}.v1"
    assert created.labels["OWNER"] == "TILLER" and created.labels["STATUS"] == "SUPERSEDED"
    assert "CREATED_AT" in created.labels
    if kind == "Secret":
        assert created.raw.get("type", "Opaque") == "Opaque"
    found = records(storage, Query(name=name, status="superseded"))
    assert [r.key for r in found] == [f"{name}.v1"]
    decoded = decode_body(found[0].payload, 2, key=found[0].key)
    assert decoded.body == release.body
    updated = storage.update(evolve(decoded, status="deployed"), found[0])
    assert updated.labels["STATUS"] == "DEPLOYED" and "MODIFIED_AT" in updated.labels
    assert "CREATED_AT" not in updated.labels  # Tiller rebuilds labels on every write


def test_undecodable_object_is_reported_not_fatal(kube_api: KubeApi) -> None:
    ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind="Secret", helm_major=3)
    storage.create(helm3_release(namespace=ns, version=1))
    from kubernetes import client

    bad: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                           "metadata": {"name": "sh.helm.release.v1.demo.v2", "namespace": ns,
                                        "labels": {"owner": "helm", "name": "demo", "version": "2",
                                                   "status": "deployed"}},
                           "data": {"release": base64.b64encode(b"%%%").decode()}}
    client.CoreV1Api(kube_api.api_client()).create_namespaced_secret(ns, bad)
    found = list(storage.list(Query(namespace=ns)))
    assert [type(r).__name__ for r in found] == ["StoredRecord", "StoredRecord"]
    problem = next(r for r in found if isinstance(r, StoredRecord) and r.version == 2)
    with pytest.raises(HelmRecordError, match=r"sh\.helm\.release\.v1\.demo\.v2: payload is not base64"):
        decode_body(problem.payload, 3, key=problem.key)


def test_listing_streams_one_page_at_a_time(kube_api: KubeApi) -> None:
    ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind="ConfigMap", helm_major=3, page_size=2)
    for version in range(1, 6):
        storage.create(helm3_release(namespace=ns, version=version))
    before = len(kube_api.emulator.list_requests)
    stream = storage.list(Query(namespace=ns))
    next(stream)
    assert len(kube_api.emulator.list_requests) - before == 1  # only the first page was fetched
    assert len(list(stream)) == 4
    assert len(kube_api.emulator.list_requests) - before == 3


def test_api_errors_are_storage_errors(kube_api: KubeApi, tmp_path: Any) -> None:
    from kubehop.cluster import api_client
    from kubehop.errors import StorageError
    from tests.fixtures.kube_api import write_kubeconfig

    dead = api_client(str(write_kubeconfig(tmp_path / "config", "http://127.0.0.1:9")))
    dead.configuration.retries = 0
    with pytest.raises(StorageError, match="cannot reach the Kubernetes API"):
        list(KubeStorage(dead, kind="Secret", helm_major=3).list(Query(namespace="x")))
