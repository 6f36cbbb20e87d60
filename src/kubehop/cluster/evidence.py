"""Which apiVersions a live object was written with, from the traces the API server keeps (sans-IO).

The API server converts on read: an object created as extensions/v1beta1 is listed as apps/v1, so its
own apiVersion says nothing. What does say something:
- `kubectl.kubernetes.io/last-applied-configuration`: the manifest of the last `kubectl apply`. It goes
  stale when other clients (`kubectl edit`, `patch`, another tool) write later; it is copied onto other
  kinds (a ControllerRevision carries its DaemonSet's), and then describes a different object;
- `metadata.managedFields[*].apiVersion`: the version each manager last wrote with. The entry of the
  manager that wrote the annotation is the same write, so it corroborates the annotation rather than
  counting on its own; control-plane managers are upgraded with the cluster and are not evidence;
- tool annotations holding the original manifest (kapp's `kapp.k14s.io/original`, via --annotation).
The storage version in etcd is not visible through the API at all (see `kubehop etcd inspect`).

Secrets: a `kubectl apply`ed Secret's annotation holds its data. `data` and `stringData` are dropped the
moment the annotation is parsed, and no annotation text ever goes into a message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_FIELDS = ("data", "stringData")
# Control-plane components are upgraded with the cluster and write with the versions it serves: their
# managedFields entries say nothing about clients that break (every Endpoints object would be "deprecated").
CONTROL_PLANE_MANAGERS = frozenset({"kube-apiserver", "kube-controller-manager", "kube-scheduler",
                                    "cloud-controller-manager"})


@dataclass(frozen=True)
class LiveRef:
    """Where a live object was listed: its resource (plural.group), served version, kind and identity."""

    group: str
    version: str
    resource: str
    kind: str
    namespace: str
    name: str

    @property
    def resource_label(self) -> str:
        return f"{self.resource}.{self.group}" if self.group else self.resource

    def path(self, context: str) -> str:
        scope = f"{self.namespace}/" if self.namespace else ""
        return f"cluster:{context}/{scope}{self.resource_label}/{self.name}"


@dataclass(frozen=True)
class Write:
    """One managedFields entry."""

    manager: str
    operation: str
    api_version: str
    time: str
    subresource: str
    owns: frozenset[str]  # annotations whose value this manager set

    @property
    def label(self) -> str:
        return f"{self.operation or '?'} {self.time or 'unknown time'}" + (
            f" ({self.subresource})" if self.subresource else "")


@dataclass(frozen=True)
class Evidence:
    """One apiVersion the object was written with, the sources saying so, and the body to check."""

    api_version: str
    kind: str
    sources: tuple[str, ...]  # "last-applied", "annotation:<name>", "managedFields:<manager>", "served"
    body: Mapping[str, Any]
    details: tuple[tuple[str, str], ...] = ()
    stale: str = ""  # why the annotation may no longer describe the object; "" when it is not known to be

    @property
    def primary(self) -> str:
        return self.sources[0]


@dataclass(frozen=True)
class ObjectEvidence:
    evidence: tuple[Evidence, ...]
    problems: tuple[str, ...] = ()  # annotations that could not be used (unparseable, other kind)


def writes(metadata: Mapping[str, Any]) -> list[Write]:
    found = []
    for entry in metadata.get("managedFields") or ():
        if not isinstance(entry, Mapping):
            continue
        owned = ((entry.get("fieldsV1") or {}).get("f:metadata") or {}).get("f:annotations") or {}
        found.append(Write(
            manager=str(entry.get("manager") or "unknown"), operation=str(entry.get("operation") or ""),
            api_version=str(entry.get("apiVersion") or ""), time=str(entry.get("time") or ""),
            subresource=str(entry.get("subresource") or ""),
            owns=frozenset(k[2:] for k in owned if isinstance(k, str) and k.startswith("f:")),
        ))
    return found


def _annotation_body(text: str, kind: str, is_secret: bool) -> tuple[dict[str, Any] | None, str]:
    """The manifest in an annotation, or None and why it cannot be used (never quoting the text)."""
    try:
        body = json.loads(text)
    except ValueError:
        return None, "is not valid JSON"
    if not isinstance(body, dict) or not isinstance(body.get("apiVersion"), str):
        return None, "holds no apiVersion"
    if is_secret:
        for key in SECRET_FIELDS:
            body.pop(key, None)
    if body.get("kind") != kind:
        other = body.get("kind") or "kindless object"
        return None, f"describes a {other}, not this {kind} (copied from another object)"
    return body, ""


def staleness(annotation: str, body_api_version: str, history: Sequence[Write]) -> str:
    """Why an annotation may be stale: a later spec write by another manager, or a writer at another version."""
    writers = [w for w in history if annotation in w.owns]
    if not writers:
        return ""
    last = max(writers, key=lambda w: w.time)
    later = sorted((w for w in history if w.manager != last.manager and not w.subresource and w.time > last.time),
                   key=lambda w: w.time)
    if later:
        other = later[-1]
        return (f"{other.manager} wrote it later ({other.operation} at {other.api_version}, {other.time}) "
                f"than {last.manager} set the annotation ({last.time})")
    if last.api_version and last.api_version != body_api_version:
        return f"the annotation was last written by {last.manager} through {last.api_version}"
    return ""


def object_evidence(obj: Mapping[str, Any], kind: str, annotations: Sequence[str] = ()) -> ObjectEvidence:
    """The apiVersions one live object was written with; one Evidence per distinct apiVersion."""
    metadata = obj.get("metadata") or {}
    values = metadata.get("annotations") or {}
    history = writes(metadata)
    is_secret = kind == "Secret"
    found: dict[str, Evidence] = {}
    problems: list[str] = []
    covered: set[str] = set()
    for name in dict.fromkeys((LAST_APPLIED, *annotations)):
        text = values.get(name)
        if not isinstance(text, str) or not text.strip():
            continue
        label = "last-applied" if name == LAST_APPLIED else f"annotation:{name}"
        body, problem = _annotation_body(text, kind, is_secret)
        if body is None:
            problems.append(f"{label} {problem}")
            continue
        api_version = str(body["apiVersion"]).strip()
        stale = staleness(name, api_version, history)
        writers = [w for w in history if name in w.owns and w.api_version == api_version]
        covered.update(w.manager for w in writers)
        details = [(f"freshness:{label}", _freshness(stale, history, metadata.get("generation")))]
        if writers:
            details.append((f"writer:{label}", ", ".join(f"{w.manager} {w.label}" for w in writers)))
        _add(found, Evidence(api_version, kind, (label,), _identity(body, metadata), tuple(details), stale))
    for write in history:
        if write.manager in covered or write.manager in CONTROL_PLANE_MANAGERS or not write.api_version:
            continue
        body = {"apiVersion": write.api_version, "kind": kind, "metadata": _identity({}, metadata)["metadata"]}
        _add(found, Evidence(write.api_version, kind, (f"managedFields:{write.manager}",), body,
                             ((f"managedFields:{write.manager}", write.label),)))
    return ObjectEvidence(tuple(found.values()), tuple(problems))


def served_evidence(obj: Mapping[str, Any], api_version: str, kind: str) -> Evidence:
    """The version the cluster serves the object at, used when that version is the kind's last one."""
    body = {"apiVersion": api_version, "kind": kind, "metadata": _identity({}, obj.get("metadata") or {})["metadata"]}
    return Evidence(api_version, kind, ("served",), body,
                    (("served", f"the cluster serves {kind} only through {api_version}"),))


def _freshness(stale: str, history: Sequence[Write], generation: Any) -> str:
    if stale:
        return f"possibly stale: {stale}"
    if not history:
        # No managedFields (written before 1.18, or stripped): generation 1 means never changed since creation.
        return "fresh (generation 1)" if generation == 1 else "unknown (no managedFields)"
    return "fresh (no later write by another manager)"


def _identity(body: dict[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The body with the live object's name and namespace (the annotation may lack the namespace)."""
    own = dict(body.get("metadata") or {})
    own.setdefault("name", metadata.get("name"))
    if metadata.get("namespace"):
        own.setdefault("namespace", metadata.get("namespace"))
    return {**body, "metadata": own}


def _add(found: dict[str, Evidence], new: Evidence) -> None:
    """Merge evidence for the same apiVersion: the first body wins, sources and details add up.

    A fresh source next to a stale one makes the merged evidence fresh: something still writes that way.
    """
    old = found.get(new.api_version)
    if old is None:
        found[new.api_version] = new
        return
    stale = old.stale if (old.stale and new.stale) else ""
    found[new.api_version] = Evidence(old.api_version, old.kind, old.sources + new.sources, old.body,
                                      old.details + new.details, stale)


def strip_secret(obj: dict[str, Any]) -> dict[str, Any]:
    """A listed object without Secret payloads, for servers that ignore the metadata-only request."""
    for key in SECRET_FIELDS:
        obj.pop(key, None)
    return obj


def iter_items(page: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for item in page.get("items") or ():
        if isinstance(item, dict) and isinstance(item.get("metadata"), Mapping):
            yield strip_secret(item)
