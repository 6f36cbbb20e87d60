"""Helm 3 codec: payload = base64(gzip(JSON of helm.sh/helm/v3 pkg/release.Release))."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kubehop.errors import HelmRecordError
from kubehop.helm.payload import DEFAULT_MAX_INFLATED, unwrap, wrap
from kubehop.helm.release import Hook, Release


def _text(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name)
    return value if isinstance(value, str) else ""


def _mapping(obj: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = obj.get(name)
    return value if isinstance(value, Mapping) else {}


def release_from_json(obj: Mapping[str, Any], *, key: str = "") -> Release:
    """Build the Release view of a decoded Helm 3 JSON object; the object itself is kept as `body`."""
    version = obj.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or not isinstance(obj.get("name"), str):
        raise HelmRecordError("unknown release format: JSON has no string 'name' and integer 'version'", key=key)
    info = _mapping(obj, "info")
    metadata = _mapping(_mapping(obj, "chart"), "metadata")
    hooks = []
    raw_hooks = obj.get("hooks") or []
    if not isinstance(raw_hooks, list):
        raise HelmRecordError("unknown release format: 'hooks' is not a list", key=key)
    for hook in raw_hooks:
        if not isinstance(hook, Mapping):
            raise HelmRecordError("unknown release format: a hook is not an object", key=key)
        events = hook.get("events") or []
        hooks.append(Hook(
            name=_text(hook, "name"), kind=_text(hook, "kind"), path=_text(hook, "path"),
            manifest=_text(hook, "manifest"),
            events=tuple(str(e) for e in events) if isinstance(events, list) else (),
        ))
    return Release(
        name=obj["name"],
        namespace=_text(obj, "namespace"),
        version=version,
        status=_text(info, "status"),
        helm_major=3,
        chart_name=_text(metadata, "name"),
        chart_version=_text(metadata, "version"),
        app_version=_text(metadata, "appVersion"),
        description=_text(info, "description"),
        manifest=_text(obj, "manifest"),
        hooks=tuple(hooks),
        first_deployed=_text(info, "first_deployed"),
        last_deployed=_text(info, "last_deployed"),
        body=obj,
    )


def _loads(data: bytes) -> Any:
    """orjson when installed (several times faster on large manifests), else the standard parser.
    Whatever orjson refuses (lone surrogates, NaN, integers beyond 64 bits) goes to json, which either
    reads it as it always did or raises the error reported to the user."""
    try:
        import orjson
    except ImportError:
        return json.loads(data)
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
    # orjson reads integers beyond 64 bits as floats; the record must keep them exact.
    return json.loads(data) if _has_huge_float(obj) else obj


def _has_huge_float(obj: Any) -> bool:
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) and abs(item) >= 2.0**63:
            return True
    return False


def decode(payload: str, *, key: str = "", limit: int = DEFAULT_MAX_INFLATED) -> Release:
    data = unwrap(payload, key=key, limit=limit)
    try:
        obj = _loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HelmRecordError(f"payload is not JSON ({exc})", key=key) from exc
    if not isinstance(obj, dict):
        raise HelmRecordError("unknown release format: JSON payload is not an object", key=key)
    return release_from_json(obj, key=key)


def body_bytes(obj: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON as Go's encoding/json writes it (key order kept as decoded)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode(release: Release) -> str:
    if not isinstance(release.body, Mapping):
        raise HelmRecordError("a Helm 3 release needs a JSON body", key=release.key)
    return wrap(body_bytes(release.body))


def evolve_json(body: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `body` with top-level and `info` fields replaced; every other field kept as is."""
    new = dict(body)
    info = dict(_mapping(body, "info"))
    for name, value in changes.items():
        if name in ("status", "description", "last_deployed", "first_deployed", "deleted"):
            info[name] = value
        else:
            new[name] = value
    if info or "info" in body:
        new["info"] = info
    return new
