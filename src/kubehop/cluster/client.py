"""Build an official-client ApiClient as kubectl finds its credentials, and read the server version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubehop.cluster.kubeconfig import SERVICE_ACCOUNT_DIR, resolve
from kubehop.errors import ClusterError
from kubehop.model import KubeVersion


def api_client(kubeconfig: str | None = None, context: str | None = None, *,
               service_account_dir: Path = SERVICE_ACCOUNT_DIR) -> Any:
    """An ApiClient for the credentials kubectl would use (--kubeconfig, $KUBECONFIG merged, ~/.kube/config,
    else the in-cluster service account); an empty context means the current one (Helm passes
    HELM_KUBECONTEXT empty)."""
    from kubernetes import client

    access = resolve(kubeconfig, context, service_account_dir=service_account_dir)
    return client.ApiClient(configuration=access.configuration())


def server_version(client: Any) -> KubeVersion:
    """The API server's version (GET /version)."""
    from kubernetes import client as k8s
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    try:
        info = k8s.VersionApi(client).get_code()
    except ApiException as exc:
        raise ClusterError(f"cannot read the server version: API answered {exc.status} {exc.reason}") from exc
    except (HTTPError, OSError) as exc:
        raise ClusterError(f"cannot read the server version: {exc}") from exc
    return KubeVersion.parse(str(info.git_version))


def context_namespace(kubeconfig: str | None = None, context: str | None = None) -> str | None:
    """The namespace set on the kubeconfig context, or the pod's in-cluster (Helm's default after $HELM_NAMESPACE).

    None when there is no usable kubeconfig: the command that needs the cluster reports why.
    """
    try:
        return resolve(kubeconfig, context).namespace
    except ClusterError:
        return None


def context_name(kubeconfig: str | None = None, context: str | None = None) -> str:
    """The context a client built from these options talks to (for messages and finding locations)."""
    try:
        return resolve(kubeconfig, context).context
    except ClusterError:
        return context or "current"
