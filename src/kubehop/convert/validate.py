"""Is a converted object valid at the target? kubehop's own field checks for every target, plus
the `kubernetes-validate` JSON schemas (strict: unknown fields are errors) where they exist:
the target's own schema from 1.25 on, the 1.25 schema for older targets when the apiVersion is
still served by 1.25."""

from __future__ import annotations

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


def schema_problems(obj: Mapping[str, Any], release: str) -> list[str] | None:
    """Problems against the schema of `release`; None when the package has no schema for the object."""
    import kubernetes_validate
    import kubernetes_validate.utils as kv

    try:
        kubernetes_validate.validate(dict(obj), release, strict=True)
    except kv.SchemaNotFoundError:
        return None
    except kv.ValidationError as exc:
        where = ".".join(str(p) for p in exc.path) or "(object)"
        return [f"{where}: {exc.message}"]
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
