"""Build an official-client ApiClient from --kubeconfig/--context, and read the server version."""

from __future__ import annotations

import os
from typing import Any

from kubehop.errors import ClusterError
from kubehop.model import KubeVersion


def api_client(kubeconfig: str | None = None, context: str | None = None) -> Any:
    """An ApiClient for the kubeconfig (default $KUBECONFIG, then ~/.kube/config) and context.

    Inside a pod with no kubeconfig, the in-cluster service account is used.
    """
    from kubernetes import config
    from kubernetes.config.config_exception import ConfigException

    path = kubeconfig or os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")
    first = path.split(os.pathsep)[0]
    if not kubeconfig and not os.path.exists(first) and os.environ.get("KUBERNETES_SERVICE_HOST"):
        config.load_incluster_config()  # type: ignore[no-untyped-call]
        from kubernetes import client

        return client.ApiClient()
    try:
        return config.new_client_from_config(  # type: ignore[no-untyped-call]
            config_file=first, context=context, persist_config=False
        )
    except (ConfigException, OSError, TypeError, ValueError) as exc:
        raise ClusterError(f"{first}: cannot load kubeconfig (context {context or 'current'}): {exc}") from exc


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
    """The namespace set on the kubeconfig context, if any (Helm's default namespace after $HELM_NAMESPACE)."""
    from kubernetes import config
    from kubernetes.config.config_exception import ConfigException

    path = (kubeconfig or os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")).split(os.pathsep)[0]
    if not os.path.exists(path):
        return None
    try:
        contexts, current = config.list_kube_config_contexts(config_file=path)  # type: ignore[no-untyped-call]
    except (ConfigException, OSError, TypeError, ValueError):
        return None
    chosen = next((c for c in contexts if c.get("name") == context), None) if context else current
    namespace = ((chosen or {}).get("context") or {}).get("namespace")
    return str(namespace) if namespace else None
