"""Convert one stored revision (its manifest and every hook's manifest) and build the rewritten Release.

The field-level converters do the work; this module only walks the parts of a release and puts the
converted text back into the record body, keeping every other field (unknown ones too) as stored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubehop.convert.live import LiveIndex
from kubehop.convert.manifest import ManifestChange, convert_manifest
from kubehop.convert.model import NO_DECISIONS, Decisions
from kubehop.errors import HelmRecordError, KubehopError
from kubehop.helm import codec_v2, codec_v3, wire
from kubehop.helm.codec import evolve
from kubehop.helm.release import Release
from kubehop.model import GroupVersionKind, KubeVersion


@dataclass(frozen=True)
class PartConversion:
    """The manifest, or one hook's manifest, before and after conversion."""

    part: str  # "manifest" or "hook NAME"
    hook_index: int | None
    before: str
    after: str
    changes: tuple[ManifestChange, ...]
    notes: tuple[str, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # read as Helm reads it, worth a look (repeated keys)

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class RevisionConversion:
    revision: int
    parts: tuple[PartConversion, ...]

    @property
    def changed(self) -> bool:
        return any(p.changed for p in self.parts)

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f"{p.part}: {e}" for p in self.parts for e in p.errors)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(n for p in self.parts for n in p.notes)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for p in self.parts for w in p.warnings)

    @property
    def changes(self) -> tuple[ManifestChange, ...]:
        return tuple(c for p in self.parts for c in p.changes if c.changed)


# Every `apiVersion:` / `kind:` value anywhere in the text (block or flow style, quoted or not, YAML or JSON).
_API_RE = re.compile(r"""["']?\bapiVersion["']?\s*:\s*["']?([^\s"',}\]#]+)""")
_API_WORD_RE = re.compile(r"\bapiVersion\b")
_KIND_RE = re.compile(r"""["']?\bkind["']?\s*:\s*["']?([^\s"',}\]#]+)""")


def may_need_conversion(text: str, target: KubeVersion) -> bool:
    """False only when no apiVersion/kind pair in the text (every pair, over-approximated) would be
    converted, removed or repaired at `target`; then the full parse and conversion can be skipped."""
    from kubehop.convert import REPAIRS
    from kubehop.convert.serving import Action, plan_for

    found = _API_RE.findall(text)
    api_versions, kinds = set(found), set(_KIND_RE.findall(text))
    kinds |= {kind.removesuffix("List") for kind in kinds}  # a typed List's items take the wrapper's apiVersion
    if not api_versions or not kinds:
        return bool(text.strip())
    if len(found) != len(_API_WORD_RE.findall(text)) or any(v.startswith(("!", "&", "*")) or "\\" in v
                                                    for v in (*api_versions, *kinds)):
        return True  # a value only a full parse reads (tagged, anchored, escaped, after a comment): convert it
    return any(plan_for(api, kind, target).action is not Action.KEEP
               or GroupVersionKind.from_api_version(api, kind) in REPAIRS
               for api in api_versions for kind in kinds)


def _convert_part(part: str, hook_index: int | None, text: str, target: KubeVersion, path: str,
                  decisions: Decisions, live: LiveIndex | None = None) -> PartConversion:
    if not may_need_conversion(text, target):
        return PartConversion(part, hook_index, text, text, (), (), ())
    try:
        result = convert_manifest(text, target, live, path=path, decisions=decisions)
    except KubehopError as exc:
        return PartConversion(part, hook_index, text, text, (), (), (f"cannot be read ({exc})",))
    except Exception as exc:  # whatever else stops the conversion fails this release only, with the reason
        reason = f"cannot be converted ({type(exc).__name__}: {' '.join(str(exc).split())})"
        return PartConversion(part, hook_index, text, text, (), (), (reason,))
    errors = tuple(f"{f'{c.kind} {c.name}'.rstrip()} ({c.api_version}): {c.error}" for c in result.changes if c.error)
    notes = tuple(f"{note.kind.value}: {note.message}" for note in result.notes)
    after = text if errors else result.text
    return PartConversion(part, hook_index, text, after, result.changes, notes, errors, result.warnings)


def convert_release(release: Release, target: KubeVersion, decisions: Decisions = NO_DECISIONS,
                    live: LiveIndex | None = None) -> RevisionConversion:
    """Convert the manifest and every hook of one revision to what `target` serves (pure)."""
    where = f"{release.name} revision {release.version}"
    parts = [_convert_part("manifest", None, release.manifest, target, f"{where} manifest", decisions, live)]
    for index, hook in enumerate(release.hooks):
        label = f"hook {hook.name or hook.path or index}"
        parts.append(_convert_part(label, index, hook.manifest, target, f"{where} {label}", decisions, live))
    return RevisionConversion(release.version, tuple(parts))


def _hook_manifests(conversion: RevisionConversion) -> dict[int, str]:
    return {p.hook_index: p.after for p in conversion.parts if p.hook_index is not None and p.changed}


def _helm3_body(body: Mapping[str, Any], manifest: str, hooks: Mapping[int, str]) -> dict[str, Any]:
    new = dict(body)
    new["manifest"] = manifest
    if hooks:
        kept: list[Any] = []
        for index, hook in enumerate(body.get("hooks") or []):
            if index not in hooks:
                kept.append(hook)
            elif hooks[index].strip():
                kept.append({**hook, "manifest": hooks[index]})
            # A hook whose only object has no successor at the target goes away with it.
        new["hooks"] = kept
    return new


def _helm2_body(data: bytes, manifest: str, hooks: Mapping[int, str]) -> bytes:
    fields: list[wire.Field] = []
    hook_index = 0
    for field in wire.parse(data):
        if field.number != codec_v2.REL_HOOKS:
            fields.append(field)
            continue
        index, hook_index = hook_index, hook_index + 1
        if index not in hooks:
            fields.append(field)
        elif hooks[index].strip():
            hook = wire.replace(wire.parse(field.data),
                                wire.make_bytes(codec_v2.HOOK_MANIFEST, hooks[index].encode("utf-8")),
                                codec_v2.HOOK_MANIFEST)
            fields.append(wire.make_bytes(codec_v2.REL_HOOKS, wire.serialize(hook)))
    return codec_v2.evolve_proto(wire.serialize(fields), {"manifest": manifest})


def with_conversion(release: Release, conversion: RevisionConversion) -> Release:
    """`release` with its manifest and hooks replaced by the converted text; nothing else changes."""
    manifest = conversion.parts[0].after
    hooks = _hook_manifests(conversion)
    if release.helm_major == 2:
        if not isinstance(release.body, bytes):
            raise HelmRecordError("a Helm 2 release needs a protobuf body", key=release.key)
        return codec_v2.release_from_proto(_helm2_body(release.body, manifest, hooks), key=release.key)
    if not isinstance(release.body, Mapping):
        raise HelmRecordError("a Helm 3 release needs a JSON body", key=release.key)
    return codec_v3.release_from_json(_helm3_body(release.body, manifest, hooks), key=release.key)


def rewrite(
    release: Release,
    conversion: RevisionConversion | None,
    *,
    version: int | None = None,
    status: str | None = None,
    description: str | None = None,
    last_deployed: datetime.datetime | None = None,
    name: str | None = None,
    namespace: str | None = None,
) -> Release:
    """Apply a conversion (if any) and the given field changes to a copy of `release`."""
    converted = with_conversion(release, conversion) if conversion is not None and conversion.changed else release
    return evolve(converted, version=version, status=status, description=description, last_deployed=last_deployed,
                  name=name, namespace=namespace)


def change_lines(changes: Sequence[ManifestChange]) -> list[str]:
    """One line per converted or removed object, for dry-run output and reports."""
    lines = []
    for change in changes:
        where = f"{change.namespace}/{change.name}" if change.namespace else change.name
        items = change.obj.get("items") if change.obj is not None else None
        if isinstance(items, list):  # a List: the wrapper moved with its items
            where = f"({len(items)} item{'s' if len(items) != 1 else ''})"
        subject = f"{change.kind} {where}".rstrip()
        if change.to_api_version:
            lines.append(f"{subject}: {change.api_version} -> {change.to_api_version}")
        else:
            lines.append(f"{subject}: {change.api_version} removed (no replacement at the target)")
    return lines
