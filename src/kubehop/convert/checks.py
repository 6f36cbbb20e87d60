"""kubehop's own checks of the fields the converters touch, for every target version (the schema
package only has 1.25 and newer). Each check returns human-readable problems naming the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubehop.convert.crd import structural_problems

Check = Callable[[Mapping[str, Any]], list[str]]


def _spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = obj.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _workload(obj: Mapping[str, Any]) -> list[str]:
    spec = _spec(obj)
    selector = spec.get("selector")
    if not isinstance(selector, Mapping):
        return ["spec.selector: Required value"]
    match = selector.get("matchLabels") or {}
    if not match and not selector.get("matchExpressions"):
        return ["spec.selector: empty selector is invalid"]
    template = spec.get("template") if isinstance(spec.get("template"), Mapping) else {}
    assert isinstance(template, Mapping)
    labels = (template.get("metadata") or {}).get("labels") or {}
    if any(labels.get(k) != v for k, v in match.items()):
        return ["spec.template.metadata.labels: `selector` does not match template `labels`"]
    return []


def _ingress_v1_backend(backend: Any, where: str) -> list[str]:
    if not isinstance(backend, Mapping):
        return [f"{where}: Required value"]
    service, resource = backend.get("service"), backend.get("resource")
    if bool(service) == bool(resource):
        return [f"{where}: exactly one of service or resource is required"]
    if service:
        port = service.get("port") or {}
        if ("number" in port) == ("name" in port):
            return [f"{where}.service.port: exactly one of name or number is required"]
    problems = [f"{where}.{old}: not a v1 field" for old in ("serviceName", "servicePort") if old in backend]
    return problems


def _ingress_v1(obj: Mapping[str, Any]) -> list[str]:
    spec = _spec(obj)
    problems = ["spec.backend: not a v1 field (spec.defaultBackend)"] if "backend" in spec else []
    if spec.get("defaultBackend") is not None:
        problems += _ingress_v1_backend(spec["defaultBackend"], "spec.defaultBackend")
    elif not spec.get("rules"):
        problems.append("spec: either defaultBackend or rules must be specified")
    for r, rule in enumerate(spec.get("rules") or ()):
        for p, path in enumerate(((rule or {}).get("http") or {}).get("paths") or ()):
            where = f"spec.rules[{r}].http.paths[{p}]"
            if path.get("pathType") not in ("Exact", "Prefix", "ImplementationSpecific"):
                problems.append(f"{where}.pathType: Required value: pathType must be specified")
            problems += _ingress_v1_backend(path.get("backend"), f"{where}.backend")
    return problems


def _webhooks_v1(obj: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    hooks = obj.get("webhooks") or []
    names = [h.get("name") for h in hooks if isinstance(h, Mapping)]
    for i, hook in enumerate(hooks):
        if hook.get("sideEffects") not in ("None", "NoneOnDryRun"):
            problems.append(f"webhooks[{i}].sideEffects: Required value: must specify one of None, NoneOnDryRun")
        versions = hook.get("admissionReviewVersions") or []
        if not any(v in ("v1", "v1beta1") for v in versions):
            problems.append(f"webhooks[{i}].admissionReviewVersions: Required value: must specify one of v1, v1beta1")
        if names.count(hook.get("name")) > 1:
            problems.append(f"webhooks[{i}].name: Duplicate value: {hook.get('name')!r}")
    return problems


def _crd_v1(obj: Mapping[str, Any]) -> list[str]:
    spec = _spec(obj)
    problems = [
        f"spec.{k}: not a v1 field"
        for k in ("version", "validation", "subresources", "additionalPrinterColumns")
        if k in spec
    ]
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        problems.append("spec.scope: Required value")
    if spec.get("preserveUnknownFields") is True:
        problems.append("spec.preserveUnknownFields: Invalid value: true: cannot set to true")
    for i, version in enumerate(spec.get("versions") or ()):
        schema = ((version or {}).get("schema") or {}).get("openAPIV3Schema")
        if schema is None:
            problems.append(f"spec.versions[{i}].schema.openAPIV3Schema: Required value: schemas are required")
        else:
            problems += [f"spec.versions[{i}].schema: {p}" for p in structural_problems(schema)]
    if not spec.get("versions"):
        problems.append("spec.versions: Required value")
    return problems


def _csr_v1(obj: Mapping[str, Any]) -> list[str]:
    spec = _spec(obj)
    problems = []
    if not spec.get("signerName") or spec.get("signerName") == "kubernetes.io/legacy-unknown":
        problems.append("spec.signerName: Required value (kubernetes.io/legacy-unknown is not allowed)")
    if not spec.get("usages"):
        problems.append("spec.usages: Required value")
    return problems


def _hpa_v2(obj: Mapping[str, Any]) -> list[str]:
    problems = []
    for i, metric in enumerate(_spec(obj).get("metrics") or ()):
        source = (metric or {}).get(
            str((metric or {}).get("type", ""))[:1].lower() + str((metric or {}).get("type", ""))[1:]
        ) or {}
        if not isinstance(source, Mapping) or not (source.get("target") or {}).get("type"):
            problems.append(f"spec.metrics[{i}]: target.type is required")
    return problems


def _cronjob_v1(obj: Mapping[str, Any]) -> list[str]:
    name = str((obj.get("metadata") or {}).get("name") or "")
    problems = [f"metadata.name: must be no more than 52 characters ({len(name)})"] if len(name) > 52 else []
    if "TZ=" in str(_spec(obj).get("schedule") or ""):
        problems.append("spec.schedule: Invalid value: TZ is not supported, use the spec.timeZone field")
    return problems


def _event_v1(obj: Mapping[str, Any]) -> list[str]:
    problems = [] if obj.get("eventTime") else ["eventTime: Required value"]
    return problems + [f"{f}: needs to be unset" for f in _EVENT_DEPRECATED if obj.get(f) is not None]


_EVENT_DEPRECATED = ("deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount")


def _ingress_v1beta1(obj: Mapping[str, Any]) -> list[str]:
    problems = []
    for r, rule in enumerate(_spec(obj).get("rules") or ()):
        for p, path in enumerate(((rule or {}).get("http") or {}).get("paths") or ()):
            backend = (path or {}).get("backend") or {}
            if not backend.get("resource") and (not backend.get("serviceName") or backend.get("servicePort") is None):
                problems.append(f"spec.rules[{r}].http.paths[{p}].backend: serviceName and servicePort are required")
    return problems


CHECKS: dict[tuple[str, str], Check] = {
    **{("apps/v1", k): _workload for k in ("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet")},
    **{("apps/v1beta2", k): _workload for k in ("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet")},
    ("networking.k8s.io/v1", "Ingress"): _ingress_v1,
    ("networking.k8s.io/v1beta1", "Ingress"): _ingress_v1beta1,
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"): _webhooks_v1,
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"): _webhooks_v1,
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"): _crd_v1,
    ("certificates.k8s.io/v1", "CertificateSigningRequest"): _csr_v1,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): _hpa_v2,
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): _hpa_v2,
    ("batch/v1", "CronJob"): _cronjob_v1,
    ("events.k8s.io/v1", "Event"): _event_v1,
}


def own_checks(obj: Mapping[str, Any]) -> list[str]:
    check = CHECKS.get((str(obj.get("apiVersion")), str(obj.get("kind"))))
    return check(obj) if check else []
