"""Helm 3's SQL driver (PostgreSQL, table releases_v1 created by Helm's own migrations)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

from kubehop.errors import ConflictError, RecordNotFoundError, StorageError
from kubehop.helm.codec import encode_body
from kubehop.helm.records import custom_labels
from kubehop.helm.release import HELM3_SECRET_TYPE, BadRecord, Release, StoredRecord
from kubehop.helm.storage.base import Query

DEFAULT_PAGE_SIZE = 100
# Unquoted createdAt/modifiedAt in Helm's migration fold to lower case in PostgreSQL.
_COLUMNS = "key, type, body, name, namespace, version, status, owner, createdat, modifiedat"
_LABELS = ("(SELECT coalesce(json_object_agg(c.key, c.value), '{}'::json) FROM custom_labels_v1 c "
           "WHERE c.releasekey = r.key AND c.releasenamespace = r.namespace)")


def _record(row: Mapping[str, Any], storage: str) -> StoredRecord | BadRecord:
    key, namespace = str(row["key"]), str(row["namespace"])
    if row["type"] != HELM3_SECRET_TYPE:
        return BadRecord(storage=storage, key=key, namespace=namespace, raw=row,
                         error=f"{namespace}/{key}: unknown release format version {row['type']!r}")
    labels = {str(k): str(v) for k, v in (row.get("custom_labels") or {}).items()}
    labels.update(name=str(row["name"]), owner=str(row["owner"]), status=str(row["status"]),
                  version=str(row["version"]))
    if row["createdat"]:
        labels["createdAt"] = str(row["createdat"])
    if row["modifiedat"]:
        labels["modifiedAt"] = str(row["modifiedat"])
    return StoredRecord(
        storage=storage, key=key, namespace=namespace, helm_major=3, labels=labels, payload=str(row["body"]),
        raw=dict(row), resource_version=f"{row['createdat']}.{row['modifiedat']}", kind="releases_v1",
    )


class SqlStorage:
    def __init__(self, connection_string: str, *, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        import psycopg
        from psycopg.rows import dict_row

        try:
            self._conn = psycopg.connect(connection_string, row_factory=dict_row, autocommit=False)
        except psycopg.Error as exc:
            raise StorageError(f"sql: cannot connect to PostgreSQL ({exc})") from exc
        self._page_size = page_size
        self._errors: tuple[type[Exception], ...] = (psycopg.Error,)
        self._unique_violation: type[Exception] = psycopg.errors.UniqueViolation
        self._check_schema()

    def close(self) -> None:
        self._conn.close()

    @property
    def name(self) -> str:
        return "sql"

    @property
    def helm_major(self) -> int:
        return 3

    def _check_schema(self) -> None:
        with self._conn.cursor() as cur:
            cur.execute("SELECT to_regclass('releases_v1') AS t, to_regclass('custom_labels_v1') AS l")
            row = cur.fetchone()
        self._conn.rollback()
        if not row or row["t"] is None or row["l"] is None:
            raise StorageError("sql: tables releases_v1/custom_labels_v1 are missing; Helm creates them on "
                               "first use (run any helm command with HELM_DRIVER=sql once)")

    def list(self, query: Query) -> Iterator[StoredRecord | BadRecord]:
        where, params = ["owner = 'helm'"], []
        for column, value in (("namespace", query.namespace), ("name", query.name), ("status", query.status)):
            if value:
                where.append(f"{column} = %s")
                params.append(value)
        sql = (f"SELECT {_COLUMNS}, {_LABELS} AS custom_labels FROM releases_v1 r "
               f"WHERE {' AND '.join(where)} ORDER BY namespace, name, version")
        try:
            # A server-side cursor keeps one page of rows in memory at a time.
            with self._conn.transaction(), self._conn.cursor(name="kubehop_list") as cur:
                cur.itersize = self._page_size
                cur.execute(sql, params)
                for row in cur:
                    yield _record(row, self.name)
        except self._errors as exc:
            raise StorageError(f"sql: listing releases failed ({exc})") from exc

    def get(self, namespace: str, key: str) -> StoredRecord:
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute(f"SELECT {_COLUMNS}, {_LABELS} AS custom_labels FROM releases_v1 r "
                            "WHERE key = %s AND namespace = %s", (key, namespace))
                row = cur.fetchone()
        except self._errors as exc:
            raise StorageError(f"sql: reading {namespace}/{key} failed ({exc})") from exc
        if row is None:
            raise RecordNotFoundError(f"sql: {namespace}/{key} not found")
        record = _record(row, self.name)
        if isinstance(record, BadRecord):
            raise StorageError(record.error)
        return record

    def create(self, release: Release, *, labels: Mapping[str, str] = {}, namespace: str | None = None) -> StoredRecord:
        namespace = namespace or release.namespace or "default"
        now = int(time.time())
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute(
                    "INSERT INTO releases_v1 (key, type, body, name, namespace, version, status, owner, createdat) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, 'helm', %s)",
                    (release.key, HELM3_SECRET_TYPE, encode_body(release), release.name, namespace,
                     release.version, release.status, now),
                )
                for label, value in custom_labels(labels, 3).items():
                    cur.execute("INSERT INTO custom_labels_v1 (releasekey, releasenamespace, key, value) "
                                "VALUES (%s, %s, %s, %s)", (release.key, namespace, label, value))
        except self._unique_violation as exc:
            raise ConflictError(f"sql: {namespace}/{release.key} already exists") from exc
        except self._errors as exc:
            raise StorageError(f"sql: creating {namespace}/{release.key} failed ({exc})") from exc
        return self.get(namespace, release.key)

    def update(self, release: Release, expected: StoredRecord) -> StoredRecord:
        # No resourceVersion in SQL: compare-and-swap on the row as it was read.
        raw = expected.raw
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                # The row keeps its name and version (Helm finds revisions by them, whatever the body says).
                cur.execute(
                    "UPDATE releases_v1 SET body = %s, status = %s, owner = 'helm', "
                    "modifiedat = %s WHERE key = %s AND namespace = %s AND body = %s AND status = %s "
                    "AND modifiedat = %s",
                    (encode_body(release), release.status, int(time.time()),
                     expected.key, expected.namespace, raw["body"], raw["status"], raw["modifiedat"]),
                )
                changed = cur.rowcount
        except self._errors as exc:
            raise StorageError(f"sql: updating {expected.namespace}/{expected.key} failed ({exc})") from exc
        if changed != 1:
            self.get(expected.namespace, expected.key)  # raises RecordNotFoundError when it is gone
            raise ConflictError(f"sql: {expected.namespace}/{expected.key} changed since it was read; nothing written")
        return self.get(expected.namespace, expected.key)

    def delete(self, expected: StoredRecord) -> None:
        raw = expected.raw
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute(
                    "DELETE FROM releases_v1 WHERE key = %s AND namespace = %s AND body = %s AND modifiedat = %s",
                    (expected.key, expected.namespace, raw["body"], raw["modifiedat"]),
                )
                if cur.rowcount != 1:
                    where = f"{expected.namespace}/{expected.key}"
                    raise ConflictError(f"sql: {where} changed or is gone; not deleted")
                cur.execute("DELETE FROM custom_labels_v1 WHERE releasekey = %s AND releasenamespace = %s",
                            (expected.key, expected.namespace))
        except self._errors as exc:
            raise StorageError(f"sql: deleting {expected.namespace}/{expected.key} failed ({exc})") from exc

    def put_raw(self, raw: Mapping[str, Any]) -> StoredRecord:
        """Write a row back exactly as a backup holds it (every column and custom label); for restores."""
        key, namespace = str(raw["key"]), str(raw["namespace"])
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute("DELETE FROM releases_v1 WHERE key = %s AND namespace = %s", (key, namespace))
                cur.execute("DELETE FROM custom_labels_v1 WHERE releasekey = %s AND releasenamespace = %s",
                            (key, namespace))
                cur.execute(
                    "INSERT INTO releases_v1 (key, type, body, name, namespace, version, status, owner, createdat, "
                    "modifiedat) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (key, raw["type"], raw["body"], raw["name"], namespace, raw["version"], raw["status"],
                     raw["owner"], raw["createdat"], raw["modifiedat"]),
                )
                for label, value in (raw.get("custom_labels") or {}).items():
                    cur.execute("INSERT INTO custom_labels_v1 (releasekey, releasenamespace, key, value) "
                                "VALUES (%s, %s, %s, %s)", (key, namespace, label, value))
        except self._errors as exc:
            raise StorageError(f"sql: restoring {namespace}/{key} failed ({exc})") from exc
        return self.get(namespace, key)
