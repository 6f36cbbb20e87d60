"""Is a converted object valid at the target? kubehop's own field checks for every target, plus
the `kubernetes-validate` JSON schemas (strict: unknown fields are errors) where they exist:
the target's own schema from 1.25 on, the 1.25 schema for older targets when the apiVersion is
still served by 1.25."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubehop.convert.checks import own_checks
from kubehop.convert.serving import served_row
from kubehop.model import KubeVersion

FIRST_SCHEMA = KubeVersion(1, 25)


@dataclass(frozen=True)
class Validation:
    problems: tuple[str, ...]
    schema_version: str  # the schema release used, '' when no schema applied

    @property
    def valid(self) -> bool:
        return not self.problems


def _schema_release(obj: Mapping[str, Any], target: KubeVersion) -> str | None:
    import kubernetes_validate.utils as kv

    newest = KubeVersion.parse(kv.latest_version())
    if target >= FIRST_SCHEMA:
        return (target if target <= newest else newest).minor_str
    row = served_row(str(obj.get("apiVersion")), str(obj.get("kind")))
    if row is not None and not row.served_at(FIRST_SCHEMA):
        return None
    return FIRST_SCHEMA.minor_str


@functools.lru_cache(maxsize=8)
def _schema_dir(release: str) -> str:
    """The package's strict schema folder for `release`: the newest schema release not newer than it."""
    import kubernetes_validate.utils as kv

    wanted = kv.major_minor(release)
    version = [v for v in kv.all_versions() if kv.major_minor(v) <= wanted][-1]
    return f"kubernetes-json-schema/v{version}-local-strict"


@functools.lru_cache(maxsize=8)
def _definitions(release: str) -> Any:
    import kubernetes_validate.utils as kv

    return kv.schema_contents(f"{_schema_dir(release)}/_definitions.json", release)


@functools.lru_cache(maxsize=256)
def _validator(release: str, api_version: str, kind: str) -> Any | None:
    """A validator for one kind at one release, built once (the package would re-read its schema files,
    several megabytes, for every object); None when the package has no schema for it."""
    import jsonschema  # type: ignore[import-untyped]
    import kubernetes_validate.utils as kv
    from referencing import Registry, Resource

    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = kv.schema_contents(f"{_schema_dir(release)}/{kind.lower()}-{group_version}.json", release)
    except FileNotFoundError:
        return None
    registry: Registry[Any] = Resource.from_contents(schema) @ Registry()
    registry = Resource.from_contents(_definitions(release)) @ registry
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def schema_problems(obj: Mapping[str, Any], release: str) -> list[str] | None:
    """Problems against the schema of `release` (the kubernetes-validate package's strict schemas, as
    `kubernetes_validate.validate(obj, release, strict=True)` reads them); None when it has none."""
    validator = _validator(release, str(obj.get("apiVersion")), str(obj.get("kind")))
    if validator is None:
        return None
    error = next(iter(_errors(validator, obj)), None)
    if error is None:
        return []
    where = ".".join(str(p) for p in error.path) or "(object)"
    return [f"{where}: {error.message}"]


def _errors(validator: Any, obj: Mapping[str, Any]) -> list[Any]:
    """The error `validate` raises (jsonschema's best match), or none."""
    import jsonschema

    try:
        validator.validate(dict(obj))
    except jsonschema.ValidationError as exc:
        return [exc]
    return []


def validate_object(obj: Mapping[str, Any], target: KubeVersion) -> Validation:
    problems = list(own_checks(obj))
    release = _schema_release(obj, target)
    used = ""
    if release is not None:
        found = schema_problems(obj, release)
        if found is not None:
            used = release
            problems += [p for p in found if p not in problems]
    return Validation(tuple(problems), used)
