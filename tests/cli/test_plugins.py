"""kubehop as a Helm plugin (`helm hop`, with Helm 3 and Helm 4) and a kubectl plugin (`kubectl hop`), with
the real binaries against the kmock API server and real PostgreSQL. Helm's homes are temporary folders, so
the tests never touch the user's helm."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes.client import CoreV1Api

from kubehop import __version__
from kubehop.helm.storage.kube import KubeStorage
from kubehop.helm.storage.sql import SqlStorage
from tests.fix.seed import NAME, history
from tests.fixtures.kube_api import KubeApi
from tests.fixtures.postgres import Postgres
from tests.fixtures.tools import Helm

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no KUBECONFIG/HELM_* from the caller, Helm's homes under `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELM_", "KUBE"))}
    env.update({"KUBEHOP": str(BIN / "kubehop"), "HOME": str(home), "HELM_CONFIG_HOME": str(home / "config"),
                "HELM_DATA_HOME": str(home / "data"), "HELM_CACHE_HOME": str(home / "cache"),
                # Helm 4 installs into $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says: keep them one.
                "HELM_PLUGINS": str(home / "data" / "plugins")})
    env.update(extra)
    return env


def _run(helm: Helm, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([helm.path, *args], env=env, capture_output=True, text=True, timeout=120, check=False,
                          cwd=ROOT)


@pytest.fixture
def installed(any_helm: Helm, tmp_path: Path) -> tuple[Helm, Path]:
    """The plugin installed from the repository root, as `helm plugin install <clone>` does."""
    done = _run(any_helm, _env(tmp_path), "plugin", "install", str(ROOT))
    assert done.returncode == 0, done.stderr
    return any_helm, tmp_path


@pytest.fixture(scope="session")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin archives, built by the build script as a release would build them."""
    dest = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_plugin.py"), "--dest", str(dest)], check=True,
                   capture_output=True, timeout=60)
    return dest


@pytest.fixture(scope="session")
def archive_url(archives: Path) -> Iterator[str]:
    """The archives served over HTTP as a release page serves them (Helm 3 installs archives from URLs only)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(archives), **kwargs)

        def guess_type(self, path: Any) -> str:
            return "application/gzip"

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_plugin_manifests_carry_the_package_version(archives: Path) -> None:
    plugin = yaml.safe_load((ROOT / "plugin.yaml").read_text())
    assert (plugin["name"], plugin["version"]) == ("hop", __version__)
    assert plugin["command"] == "$HELM_PLUGIN_DIR/helm-plugin/hop.sh" and (ROOT / "helm-plugin/hop.sh").is_file()
    krew = yaml.safe_load((ROOT / "plugins" / "krew" / "hop.yaml").read_text())
    assert (krew["apiVersion"], krew["kind"], krew["metadata"]["name"]) == (
        "krew.googlecontainertools.github.com/v1alpha2", "Plugin", "hop")
    assert krew["spec"]["version"] == f"v{__version__}"
    [platform] = krew["spec"]["platforms"]
    archive = archives / f"kubectl-hop-{__version__}.tar.gz"
    assert platform["uri"].endswith(archive.name) and platform["bin"] == "kubectl-hop"
    # The archives are reproducible, so the manifest's checksum is the one of the archive the build makes.
    assert platform["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()


def test_helm_plugin_installs_from_the_repository_and_from_the_archive(
        any_helm: Helm, tmp_path: Path, archives: Path, archive_url: str) -> None:
    env = _env(tmp_path)
    assert _run(any_helm, env, "plugin", "install", str(ROOT)).returncode == 0
    listed = _run(any_helm, env, "plugin", "list")
    assert any(line.split()[:2] == ["hop", __version__] for line in listed.stdout.splitlines()), listed.stdout
    assert _run(any_helm, env, "hop", "--version").stdout.startswith(f"kubehop {__version__}")
    assert _run(any_helm, env, "plugin", "uninstall", "hop").returncode == 0
    name = f"hop-{__version__}.tgz"
    if any_helm.major >= 4:  # Helm 4 installs a local archive; unsigned, so without verification
        done = _run(any_helm, env, "plugin", "install", str(archives / name), "--verify=false")
    else:  # Helm 3 installs archives from http(s) URLs
        done = _run(any_helm, env, "plugin", "install", f"{archive_url}/{name}")
    assert done.returncode == 0, done.stderr
    version = _run(any_helm, env, "hop", "--version")
    assert version.returncode == 0 and version.stdout.startswith(f"kubehop {__version__}"), version.stderr


def test_helm_plugin_installs_from_a_git_repository_url(any_helm: Helm, tmp_path: Path) -> None:
    # `helm plugin install <repository URL>` clones the repository and needs plugin.yaml at its root.
    repo = tmp_path / "kubehop"
    (repo / "helm-plugin").mkdir(parents=True)
    (repo / "plugin.yaml").write_bytes((ROOT / "plugin.yaml").read_bytes())
    (repo / "helm-plugin" / "hop.sh").write_bytes((ROOT / "helm-plugin" / "hop.sh").read_bytes())
    (repo / "helm-plugin" / "hop.sh").chmod(0o755)
    git = ["git", "-C", str(repo), "-c", "user.name=kubehop", "-c", "user.email=kubehop@localhost"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "plugin"]):
        subprocess.run([*git, *args], check=True, capture_output=True, timeout=30)
    env = _env(tmp_path / "home")
    verify = ["--verify=false"] if any_helm.major >= 4 else []  # Helm 4 verifies by default; git has no .prov
    done = _run(any_helm, env, "plugin", "install", f"file://{repo}", *verify)
    assert done.returncode == 0, done.stderr
    version = _run(any_helm, env, "hop", "--version")
    assert version.returncode == 0 and version.stdout.startswith(f"kubehop {__version__}"), version.stderr


def test_helm_hop_without_kube_context(installed: tuple[Helm, Path], kube_api: KubeApi) -> None:
    helm, home = installed
    ns = kube_api.namespace()
    storage = KubeStorage(kube_api.api_client(), kind="Secret", helm_major=3)
    for release in history(3, ns):
        storage.create(release)
    env = _env(home, KUBECONFIG=str(kube_api.kubeconfig))  # helm passes HELM_KUBECONTEXT= (empty)

    listed = _run(helm, env, "-n", ns, "hop", "releases", "list", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert [(r["name"], r["namespace"], r["revision"]) for r in json.loads(listed.stdout)["releases"]] == [
        (NAME, ns, 2)]

    fixed = _run(helm, env, "-n", ns, "hop", "releases", "fix", NAME, "--dry-run", "--target", "1.19")
    assert fixed.returncode == 0, fixed.stderr
    assert f"=== {ns}/{NAME} (Helm v3): would fix" in fixed.stdout
    secrets = CoreV1Api(kube_api.api_client()).list_namespaced_secret(ns).items
    assert sorted(str(s.metadata.name) for s in secrets if s.metadata) == [
        f"sh.helm.release.v1.{NAME}.v1", f"sh.helm.release.v1.{NAME}.v2"]  # a dry run writes nothing

    checked = _run(helm, env, "-n", ns, "hop", "check", "rollback", NAME, "--kube-version", "1.19",
                   "--helm-version", "3.17.3", "-o", "json")
    assert checked.returncode in (0, 3), checked.stderr
    report = json.loads(checked.stdout)["check"]
    assert (report["release"], report["namespace"], report["currentRevision"], report["targetRevision"]) == (
        NAME, ns, 2, 1), report


def test_helm_hop_honours_kube_context_and_kubeconfig_flags(installed: tuple[Helm, Path], kube_api: KubeApi,
                                                             tmp_path: Path) -> None:
    helm, home = installed
    ns = kube_api.namespace()
    env = _env(home)  # no KUBECONFIG: helm --kubeconfig hands it to the plugin
    config = str(kube_api.kubeconfig)
    done = _run(helm, env, "--kubeconfig", config, "--kube-context", "kmock", "-n", ns, "hop", "releases", "list")
    assert done.returncode == 0 and done.stdout == "no releases found\n", done.stderr
    done = _run(helm, env, "--kubeconfig", config, "--kube-context", "absent", "hop", "releases", "list")
    assert done.returncode == 1 and "context 'absent' not found" in done.stderr
    # kubehop's one line, then Helm's own `Error: plugin "hop" exited with error`.
    assert done.stderr.splitlines()[0].startswith("kubehop: error: kubeconfig ") and "Traceback" not in done.stderr
    done = _run(helm, env, "--kubeconfig", str(tmp_path / "missing"), "hop", "releases", "list")
    assert done.returncode == 1 and "no such file" in done.stderr, done.stderr


def test_helm_hop_honours_the_sql_driver(installed: tuple[Helm, Path], kube_api: KubeApi,
                                         postgres: Postgres) -> None:
    helm, home = installed
    url = postgres.fresh_database()
    env = _env(home, KUBECONFIG=str(kube_api.kubeconfig), HELM_DRIVER="sql", HELM_DRIVER_SQL_CONNECTION_STRING=url)
    assert _run(helm, env, "list", "-A").returncode == 0  # Helm creates its SQL schema
    storage = SqlStorage(url)
    try:
        for release in history(3, "imaging"):
            storage.create(release)
    finally:
        storage.close()
    listed = _run(helm, env, "-n", "imaging", "hop", "releases", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[1].split()[:3] == [NAME, "imaging", "2"]
    assert listed.stdout.splitlines()[1].split()[-1] == "sql"


def test_helm_plugin_runs_kubehop_with_helms_namespace(installed: tuple[Helm, Path]) -> None:
    helm, home = installed
    done = _run(helm, _env(home), "-n", "tools", "hop", "scan", str(ROOT / "examples/charts/image-manager"),
                "--target", "1.19", "-o", "json")
    assert done.returncode == 3, done.stderr
    assert '"kind": "DaemonSet"' in done.stdout and '"namespace": "tools"' in done.stdout


def test_krew_archive_launcher_runs_as_a_kubectl_plugin(archives: Path, tmp_path: Path) -> None:
    import tarfile

    with tarfile.open(archives / f"kubectl-hop-{__version__}.tar.gz") as tar:
        tar.extractall(tmp_path / "krew", filter="data")
    launcher = tmp_path / "krew" / "kubectl-hop"
    assert launcher.stat().st_mode & 0o111
    kubectl = BIN / "kubectl"
    cmd = [str(kubectl), "hop", "--version"] if kubectl.exists() else [str(launcher), "--version"]
    env = {**os.environ, "PATH": f"{launcher.parent}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(f"kubehop {__version__}"), done.stderr
    missing = subprocess.run([str(launcher), "--version"], env={**env, "KUBEHOP": str(tmp_path / "nowhere")},
                             capture_output=True, text=True, check=False, timeout=60)
    assert missing.returncode == 1 and "kubehop not found" in missing.stderr


def test_kubectl_plugin_is_installed_on_path() -> None:
    plugin = BIN / "kubectl-hop"
    if not plugin.exists():
        pytest.fail("kubectl-hop console script missing: reinstall kubehop (pip install -e .)")
    kubectl = BIN / "kubectl"
    cmd = [str(kubectl), "hop", "--version"] if kubectl.exists() else [str(plugin), "--version"]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("kubehop ")
