"""Ingress and IngressClass: extensions/v1beta1 -> networking.k8s.io/v1beta1 -> networking.k8s.io/v1.

v1 renames spec.backend to spec.defaultBackend, nests serviceName/servicePort under
backend.service.{name, port.number|port.name}, and requires pathType on every path (the v1beta1
default ImplementationSpecific keeps the old matching). Sources: Kubernetes v1.20.2
pkg/apis/{extensions,networking}/v1beta1/{conversion,defaults}.go and networking validation; the
deprecation guide (v1.22).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.common import decision, info, renamed
from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Edge,
    Note,
    fresh,
    gvk,
    spec_of,
    with_api,
)

V1 = "networking.k8s.io/v1"
V1BETA1 = "networking.k8s.io/v1beta1"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def _backend(old: Any, where: str, notes: list[Note]) -> Any:
    if not isinstance(old, Mapping):
        return old
    new: dict[str, Any] = {}
    service_name = old.get("serviceName")
    service_port = old.get("servicePort")
    if service_name is not None or service_port is not None:
        service: dict[str, Any] = {"name": service_name}
        if isinstance(service_port, bool) or service_port is None:
            notes.append(decision(f"{where}.servicePort is missing: v1 needs service.port.number or .name"))
        elif isinstance(service_port, int):
            service["port"] = {"number": service_port}
        elif isinstance(service_port, str) and service_port.isdigit():
            service["port"] = {"number": int(service_port)}
            notes.append(info(
                f"{where}.servicePort {service_port!r} is a quoted number: written as port.number (as a name it "
                "would be refused: port names need a letter)"
            ))
        else:
            service["port"] = {"name": str(service_port)}
        new["service"] = service
    for key, value in old.items():
        if key not in ("serviceName", "servicePort"):
            new[key] = value  # resource backends are unchanged
    return new


def _to_v1(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
    """extensions/networking v1beta1 Ingress -> networking.k8s.io/v1."""
    out = with_api(fresh(obj), gvk(V1, "Ingress"))
    spec = spec_of(out)
    notes: list[Note] = []
    if "backend" in spec:
        rebuilt: dict[str, Any] = {}
        for key, value in spec.items():
            if key == "backend":
                rebuilt["defaultBackend"] = _backend(value, "spec.backend", notes)
            else:
                rebuilt[key] = value
        out["spec"] = spec = rebuilt
        notes.append(info("spec.backend renamed spec.defaultBackend"))
    defaulted = 0
    for r, rule in enumerate(spec.get("rules") or ()):
        http = rule.get("http") if isinstance(rule, dict) else None
        paths = http.get("paths") if isinstance(http, dict) else None
        for p, path in enumerate(paths if isinstance(paths, list) else ()):
            if not isinstance(path, dict):
                continue
            if "backend" in path:
                path["backend"] = _backend(path["backend"], f"spec.rules[{r}].http.paths[{p}].backend", notes)
            if not path.get("pathType"):
                rebuilt_path = {"path": path.pop("path")} if "path" in path else {}
                rebuilt_path["pathType"] = "ImplementationSpecific"
                rebuilt_path.update(path)
                assert isinstance(paths, list)
                paths[p] = rebuilt_path
                defaulted += 1
    if defaulted:
        notes.append(
            info(
                f"pathType: ImplementationSpecific set on {defaulted} path(s), the v1beta1 default; "
                "Prefix or Exact give portable matching"
            )
        )
    annotations = (out.get("metadata") or {}).get("annotations") or {}
    if CLASS_ANNOTATION in annotations:
        if spec.get("ingressClassName"):
            notes.append(
                decision(
                    f"both the {CLASS_ANNOTATION} annotation and spec.ingressClassName are set, which v1 "
                    "rejects "
                    "on create: keep one"
                )
            )
        else:
            notes.append(
                info(
                    f"annotation {CLASS_ANNOTATION} kept (still honoured by controllers); "
                    "spec.ingressClassName "
                    "is its replacement"
                )
            )
    return ConversionResult(out, tuple(notes))


CONVERTERS: dict[Edge, Converter] = {
    (gvk("extensions/v1beta1", "Ingress"), gvk(V1BETA1, "Ingress")): renamed(V1BETA1, "Ingress"),
    (gvk(V1BETA1, "Ingress"), gvk(V1, "Ingress")): _to_v1,
    (gvk("extensions/v1beta1", "Ingress"), gvk(V1, "Ingress")): _to_v1,
    (gvk(V1BETA1, "IngressClass"), gvk(V1, "IngressClass")): renamed(V1, "IngressClass"),
}
