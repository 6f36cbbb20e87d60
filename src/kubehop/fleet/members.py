"""Which clusters make the fleet: `--contexts a,b`, `--all-contexts` of the kubeconfig, or a fleet file.

A fleet file is YAML: a list of `{context, target?, labels?, auditLog?}` (a mapping with a `clusters:` list is
accepted too). Every problem is one line naming the file and the entry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kubehop.cluster.kubeconfig import kubeconfig_files
from kubehop.errors import ClusterError, UsageError
from kubehop.fleet.model import FleetMember


def members_from_contexts(text: str) -> list[FleetMember]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise UsageError("--contexts: no context named")
    return [FleetMember(name) for name in dict.fromkeys(names)]


def all_contexts(kubeconfig: str | None, env: Mapping[str, str] | None = None) -> list[FleetMember]:
    """Every context of the kubeconfig kubectl would read (files of $KUBECONFIG merged, first wins)."""
    import yaml

    files, named = kubeconfig_files(kubeconfig, os.environ if env is None else env)
    if not files:
        raise ClusterError(f"kubeconfig {named}: no such file")
    names: list[str] = []
    for path in files:
        try:
            config = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ClusterError(f"kubeconfig {path}: cannot read: {' '.join(str(exc).split())}") from exc
        contexts = config.get("contexts") if isinstance(config, Mapping) else None
        for entry in contexts or []:
            if isinstance(entry, Mapping) and entry.get("name"):
                names.append(str(entry["name"]))
    if not names:
        raise ClusterError(f"kubeconfig {named}: no contexts")
    return [FleetMember(name) for name in dict.fromkeys(names)]


def load_fleet_file(path: str) -> list[FleetMember]:
    import yaml

    try:
        # Every scalar as the string written: `target: 1.20` is 1.20, not the number 1.2.
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except OSError as exc:
        raise UsageError(f"fleet file {path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"fleet file {path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"fleet file {path}: not valid YAML: {' '.join(str(exc).split())}") from exc
    if isinstance(data, Mapping) and "clusters" in data:
        data = data["clusters"]
    if not isinstance(data, Sequence) or isinstance(data, str) or not data:
        raise UsageError(f"fleet file {path}: expected a list of {{context, target, labels}} entries")
    base = Path(path).parent
    members = [_member(entry, f"fleet file {path}: entry {index}", base) for index, entry in enumerate(data, 1)]
    seen: set[str] = set()
    for member in members:
        if member.context in seen:
            raise UsageError(f"fleet file {path}: context {member.context!r} is listed twice")
        seen.add(member.context)
    return members


def _member(entry: Any, where: str, base: Path) -> FleetMember:
    if not isinstance(entry, Mapping):
        raise UsageError(f"{where}: expected a mapping with a context")
    unknown = sorted(set(map(str, entry)) - {"context", "target", "labels", "auditLog"})
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (known: context, target, labels, auditLog)")
    context = entry.get("context")
    if not isinstance(context, str) or not context.strip():
        raise UsageError(f"{where}: context must be a non-empty string")
    target = entry.get("target")
    if target is not None and not isinstance(target, str):
        raise UsageError(f"{where}: target must be a version such as 1.22")
    labels = entry.get("labels") or {}
    if not isinstance(labels, Mapping):
        raise UsageError(f"{where}: labels must be a mapping")
    audit_log = entry.get("auditLog")
    if audit_log is not None and (not isinstance(audit_log, str) or not audit_log.strip()):
        raise UsageError(f"{where}: auditLog must be a file path")
    if audit_log is not None:
        audit_log = str(base / Path(audit_log).expanduser())  # relative to the fleet file, as kubeconfig paths are
    return FleetMember(context.strip(), target.strip() or None if target is not None else None,
                       tuple(sorted((str(k), str(v)) for k, v in labels.items())), audit_log)


def select(members: list[FleetMember], selector: str | None) -> list[FleetMember]:
    """Members whose labels match every `key=value` of the selector."""
    if not selector:
        return members
    wanted: list[tuple[str, str]] = []
    for term in filter(None, (t.strip() for t in selector.split(","))):
        key, sep, value = term.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--selector {selector!r}: expected key=value[,key=value]")
        wanted.append((key.strip(), value.strip()))
    chosen = [m for m in members if all((k, v) in m.labels for k, v in wanted)]
    if not chosen:
        raise UsageError(f"--selector {selector!r}: no cluster of the fleet has these labels")
    return chosen
