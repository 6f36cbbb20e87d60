from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import psycopg
import pytest

from kubehop.errors import ConflictError, RecordNotFoundError, StorageError
from kubehop.helm.codec import decode_body, evolve
from kubehop.helm.release import BadRecord, StoredRecord
from kubehop.helm.storage.base import Query
from kubehop.helm.storage.sql import SqlStorage
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres
from tests.helm.factories import helm3_release

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def helm_schema_url(postgres: Postgres, helm_binary: str, kube_api: KubeApi) -> str:
    """A database whose releases_v1 schema was created by helm's own migrations."""
    url = postgres.fresh_database()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": "/tmp", "KUBECONFIG": str(kube_api.kubeconfig),
           "HELM_DRIVER": "sql", "HELM_DRIVER_SQL_CONNECTION_STRING": url}
    subprocess.run([helm_binary, "list", "-A"], env=env, check=True, capture_output=True, timeout=60)
    return url


@pytest.fixture()
def storage(helm_schema_url: str) -> Iterator[SqlStorage]:
    s = SqlStorage(helm_schema_url, page_size=2)
    yield s
    s.close()


def records(storage: SqlStorage, query: Query) -> list[StoredRecord]:
    return [r for r in storage.list(query) if isinstance(r, StoredRecord)]


def test_crud_and_concurrency(storage: SqlStorage) -> None:
    for version in (1, 2, 3):
        storage.create(helm3_release(name="crud", namespace="team-a", version=version, status="superseded"),
                       labels={"team": "a"})
    history = records(storage, Query(name="crud", namespace="team-a"))
    assert [r.version for r in history] == [1, 2, 3]
    assert history[0].labels["team"] == "a" and history[0].key == "sh.helm.release.v1.crud.v1"
    assert records(storage, Query(name="crud", namespace="other")) == []
    got = storage.get("team-a", "sh.helm.release.v1.crud.v3")
    updated = storage.update(evolve(decode_body(got.payload, 3), status="deployed"), got)
    assert updated.status == "deployed" and updated.raw["modifiedat"] > 0
    assert [r.version for r in records(storage, Query(name="crud", status="deployed"))] == [3]
    with pytest.raises(ConflictError):
        storage.update(evolve(decode_body(got.payload, 3), status="failed"), got)
    with pytest.raises(ConflictError):
        storage.create(helm3_release(name="crud", namespace="team-a", version=1))
    with pytest.raises(ConflictError):
        storage.delete(got)
    storage.delete(updated)
    with pytest.raises(RecordNotFoundError):
        storage.get("team-a", "sh.helm.release.v1.crud.v3")


def test_unknown_type_rows_are_reported(storage: SqlStorage, helm_schema_url: str) -> None:
    storage.create(helm3_release(name="typed", namespace="x"))
    with psycopg.connect(helm_schema_url, autocommit=True) as conn:
        conn.execute("UPDATE releases_v1 SET type = 'helm.sh/release.v9' WHERE name = 'typed'")
    found = list(storage.list(Query(name="typed")))
    assert isinstance(found[0], BadRecord) and "unknown release format version" in found[0].error


def test_missing_schema_is_a_clear_error(postgres: Postgres) -> None:
    with pytest.raises(StorageError, match="releases_v1/custom_labels_v1 are missing"):
        SqlStorage(postgres.fresh_database())


def test_unreachable_database(postgres: Postgres) -> None:
    with pytest.raises(StorageError, match="cannot connect"):
        SqlStorage(f"postgresql://nobody@127.0.0.1:{postgres.port}/absent?sslmode=disable&connect_timeout=3")
