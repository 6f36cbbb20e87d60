"""The error text Helm prints when the apiserver rejects an object (reference section 4).

apiserver:  `<Kind>.<group> "<name>" is invalid: <field error>` or `... is invalid: [<e1>, <e2>]`
Helm 3:     PATCH `cannot patch "<name>" with kind <Kind>: <apiserver error>`;
            --force PUT `failed to replace object: <apiserver error>`;
            create `failed to create resource: <apiserver error>`;
            several objects joined with ` && `; `helm upgrade` prefixes `UPGRADE FAILED: `;
            the CLI prints `Error: ` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubehop.check.change import CheckContext, FieldError, Mode, ObjectKey, Operation
from kubehop.check.gofmt import go_string_map
from kubehop.model import KubeVersion

MISMATCH = "`selector` does not match template `labels`"
IMMUTABLE = "field is immutable"

# Field errors in the order the apiserver reports them: spec validation, then update validation.
ORDER_REQUIRED = 10
ORDER_MISMATCH = 20
ORDER_IMMUTABLE = 30
ORDER_FORBIDDEN = 40
ORDER_OTHER = 50


def mismatch_error(labels: dict[str, str] | None) -> FieldError:
    value = go_string_map(labels)
    return FieldError(ORDER_MISMATCH, f"spec.template.metadata.labels: Invalid value: {value}: {MISMATCH}")


def immutable_error(path: str, value: str, order: int = ORDER_IMMUTABLE) -> FieldError:
    return FieldError(order, f"{path}: Invalid value: {value}: {IMMUTABLE}")


def apiserver_error(key: ObjectKey, errors: Iterable[FieldError]) -> str:
    texts = [e.text for e in sorted(set(errors))]
    body = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    return f'{key.qualified_kind} "{key.name}" is invalid: {body}'


def helm_object_error(key: ObjectKey, mode: Mode, apiserver: str) -> str:
    if mode is Mode.PUT:
        return f"failed to replace object: {apiserver}"
    if mode is Mode.CREATE:
        return f"failed to create resource: {apiserver}"
    return f'cannot patch "{key.name}" with kind {key.kind}: {apiserver}'


def helm_cli_error(ctx: CheckContext, object_errors: Sequence[str]) -> str:
    """The `Error: ...` line of `helm upgrade` / `helm rollback` for these per-object errors."""
    joined = " && ".join(object_errors)
    if ctx.operation is Operation.UPGRADE:
        return f"Error: UPGRADE FAILED: {joined}"
    return f"Error: {joined}"


def statefulset_forbidden(kube: KubeVersion | None) -> tuple[str, frozenset[str]]:
    """The StatefulSet spec-update message and the spec fields it allows, by server version.

    Wordings from reference section 4 and public error reports; which minor release added
    ordinals and revisionHistoryLimit is inferred from those reports (reference section 8).
    """
    minor = kube.minor if kube is not None else 99
    allowed: tuple[str, ...]
    if minor <= 21:
        allowed = ("replicas", "template", "updateStrategy")
        return ("updates to statefulset spec for fields other than 'replicas', 'template', and 'updateStrategy' "
                "are forbidden", frozenset(allowed))
    if minor == 22:
        allowed = ("replicas", "template", "updateStrategy", "minReadySeconds")
    elif minor <= 25:
        allowed = ("replicas", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
    elif minor <= 33:
        allowed = ("replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy",
                   "minReadySeconds")
    else:
        allowed = ("replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                   "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
    listed = ", ".join(f"'{a}'" for a in allowed[:-1]) + f" and '{allowed[-1]}'"
    return f"updates to statefulset spec for fields other than {listed} are forbidden", frozenset(allowed)


def build_error(ctx: CheckContext, stage: str, errors: Sequence[str]) -> str:
    """Helm's failure to build a manifest: client-go aggregates every object's error as `[e1, e2]`."""
    body = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    if ctx.helm_version < (3, 0, 0):
        return body
    return f"unable to build kubernetes objects from {stage} release manifest: {body}"
