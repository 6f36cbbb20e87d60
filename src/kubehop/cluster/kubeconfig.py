"""Find cluster credentials exactly as kubectl does, and load them with the official client.

The order is kubectl's: `--kubeconfig FILE` (that file alone; a missing one is an error), else the
`$KUBECONFIG` list (files merged in order, missing ones skipped, the first file to set an entry or
`current-context` wins), else `~/.kube/config`; with none of these files present, inside a pod the
service account (`$KUBERNETES_SERVICE_HOST`/`_PORT` and its token and CA files; `$KUBEHOP_SERVICE_ACCOUNT_DIR`
names another folder holding them, for tests that run the in-cluster command outside a pod). The merge itself is
the official client's `KubeConfigMerger`; only kubectl's "first file sets current-context" rule is
applied on top (the client lets the last file win). Every failure is one line naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubehop.errors import ClusterError

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
SERVICE_ACCOUNT_DIR_ENV = "KUBEHOP_SERVICE_ACCOUNT_DIR"
IN_CLUSTER = "in-cluster"


@dataclass(frozen=True)
class KubeAccess:
    """Where the credentials came from, the context they select and its namespace."""

    source: str  # the kubeconfig file(s) as named to the user, or "in-cluster"
    context: str
    namespace: str | None
    loader: Any = field(repr=False, compare=False)  # the official client's loader, ready to configure a client

    def configuration(self) -> Any:
        """A fresh kubernetes.client.Configuration for this context."""
        from kubernetes import client
        from kubernetes.config.config_exception import ConfigException

        config = type.__call__(client.Configuration)
        try:
            self.loader.load_and_set(config)
        except (ConfigException, OSError, TypeError, ValueError, KeyError) as exc:
            raise ClusterError(f"{self.source}: cannot use context {self.context!r}: {_one_line(exc)}") from exc
        return config


def kubeconfig_files(kubeconfig: str | None, env: Mapping[str, str]) -> tuple[list[str], str]:
    """(the existing files to merge, how the user named them); --kubeconfig must exist, the rest may not."""
    if kubeconfig:
        path = os.path.expanduser(kubeconfig)
        if not os.path.exists(path):
            raise ClusterError(f"kubeconfig {kubeconfig}: no such file")
        return [path], kubeconfig
    listed = env.get("KUBECONFIG", "")
    named = [p for p in listed.split(os.pathsep) if p] if listed else ["~/.kube/config"]
    expanded = [os.path.expanduser(p) for p in named]
    return [p for p in dict.fromkeys(expanded) if os.path.exists(p) and not _empty(p)], os.pathsep.join(named)


def _empty(path: str) -> bool:
    """An empty file in the list is an empty config to kubectl, not an error."""
    try:
        return os.path.isfile(path) and not Path(path).read_bytes().strip()
    except OSError:
        return False


def resolve(kubeconfig: str | None = None, context: str | None = None, *,
            env: Mapping[str, str] | None = None, service_account_dir: Path = SERVICE_ACCOUNT_DIR) -> KubeAccess:
    """The credentials kubectl would use for these options (an empty context means the current one)."""
    env = os.environ if env is None else env
    files, named = kubeconfig_files(kubeconfig, env)
    if files:
        return _from_files(files, named, context or None)
    if env.get("KUBERNETES_SERVICE_HOST") and env.get("KUBERNETES_SERVICE_PORT"):
        if context:
            raise ClusterError(f"context {context!r} not found: no kubeconfig ({named}: no such file), "
                               "running in-cluster")
        if service_account_dir == SERVICE_ACCOUNT_DIR and env.get(SERVICE_ACCOUNT_DIR_ENV):
            service_account_dir = Path(env[SERVICE_ACCOUNT_DIR_ENV])
        return _in_cluster(env, service_account_dir)
    hint = "" if env.get("KUBECONFIG") else " (set KUBECONFIG or pass --kubeconfig)"
    raise ClusterError(f"kubeconfig {named}: no such file{hint}")


def _from_files(files: list[str], named: str, context: str | None) -> KubeAccess:
    import yaml
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger

    merger = KubeConfigMerger("")  # type: ignore[no-untyped-call]  # no paths: files are added below
    current = ""
    for path in files:
        try:
            merger.load_config(path)  # type: ignore[no-untyped-call]
        except yaml.YAMLError as exc:
            raise ClusterError(f"kubeconfig {path}: not valid YAML: {_one_line(exc)}") from exc
        except ConfigException as exc:
            raise ClusterError(f"kubeconfig {path}: {_one_line(exc)}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ClusterError(f"kubeconfig {path}: cannot read: {_one_line(exc)}") from exc
        except (AttributeError, KeyError, TypeError) as exc:
            raise ClusterError(f"kubeconfig {path}: not a kubeconfig (clusters, contexts and users must be "
                               "lists of named entries)") from exc
        current = current or str(merger.config_files[path].get("current-context") or "")
    merged = merger.config
    merged.value["current-context"] = current  # kubectl: the first file to set current-context wins
    source = files[0] if len(files) == 1 else named
    chosen = context or current
    if not chosen:
        raise ClusterError(f"kubeconfig {source}: no current context set (pass --context)")
    names = list(dict.fromkeys(str(c.get("name")) for path in files
                               for c in merger.config_files[path].get("contexts") or []))
    if chosen not in names:
        known = ", ".join(names) or "none"
        raise ClusterError(f"kubeconfig {source}: context {chosen!r} not found (contexts: {known})")
    try:
        loader = KubeConfigLoader(  # type: ignore[no-untyped-call]
            config_dict=merged, config_base_path=None, active_context=chosen)
    except (ConfigException, TypeError, ValueError, KeyError) as exc:
        raise ClusterError(f"kubeconfig {source}: cannot use context {chosen!r}: {_one_line(exc)}") from exc
    namespace = (loader.current_context.get("context") or {}).get("namespace")
    return KubeAccess(source, chosen, str(namespace) if namespace else None, loader)


def _in_cluster(env: Mapping[str, str], account: Path) -> KubeAccess:
    from kubernetes.config.incluster_config import InClusterConfigLoader

    for name in ("token", "ca.crt"):
        if not (account / name).is_file():
            raise ClusterError(f"in-cluster config: {account / name}: no such file "
                               "(no kubeconfig and no service account token)")
    loader = InClusterConfigLoader(token_filename=str(account / "token"),  # type: ignore[no-untyped-call]
                                   cert_filename=str(account / "ca.crt"), environ=env)
    try:
        namespace = (account / "namespace").read_text(encoding="utf-8").strip() or None
    except OSError:
        namespace = None
    return KubeAccess(IN_CLUSTER, IN_CLUSTER, namespace, loader)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
