"""One exception hierarchy; the CLI maps every KubehopError to exit code 1 and a one-line message."""

from __future__ import annotations


class KubehopError(Exception):
    """Base of every error kubehop reports to the user."""


class UsageError(KubehopError):
    """A command-line argument or option is wrong (bad version, unknown rule, missing file)."""


class DataFileError(KubehopError):
    """An API lifecycle data file is malformed or holds duplicate rows."""


class ManifestError(KubehopError):
    """A manifest or chart could not be read or rendered."""


class HelmRecordError(KubehopError):
    """A Helm release record cannot be decoded or encoded."""

    def __init__(self, message: str, *, key: str = "") -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


class StorageError(KubehopError):
    """A release storage backend failed (API error, SQL error, unreadable file)."""


class ConflictError(StorageError):
    """A record changed since it was read (optimistic concurrency); nothing was overwritten."""


class ConversionError(KubehopError):
    """An object cannot be converted to the requested API version."""


class ClusterError(KubehopError):
    """The Kubernetes API could not be reached or answered with an error."""


class SnapshotError(KubehopError):
    """An etcd snapshot is unreadable, truncated or fails its integrity check."""


class EtcdError(KubehopError):
    """etcd or etcdctl/etcdutl failed or reported an unhealthy cluster."""


class RecordNotFoundError(StorageError):
    """A release record asked for by key does not exist in the storage backend."""


class ClusterRequestError(ClusterError):
    """The Kubernetes API answered one request with an error status (kept in `status`)."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class ResourceForbiddenError(ClusterRequestError):
    """401/403 on one request: the credentials may not read that resource (others may still be readable)."""
