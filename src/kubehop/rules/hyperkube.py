"""hyperkube: a static pod, DaemonSet or Deployment still runs the hyperkube image or binary.

hyperkube bundled every component in one binary and image. It is deprecated from 1.17 and its images
are not published from 1.19 on (kubernetes/kubernetes#83454, #88676): a control plane or kube-proxy
that runs `hyperkube` has no image for the target and must move to the per-component images
(registry.k8s.io/kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy) before the hop;
the kubelet has no official image at all and runs from the node's package or binary. The finding
names the component (from the hyperkube sub-command, else the container's or object's name), the
image to use at the version the hyperkube tag runs now, and the command without `hyperkube`.
The facts and their sources are in data/hyperkube.yaml.

FAIL at --target 1.19:  a kube-apiserver static pod with image k8s.gcr.io/hyperkube:v1.18.6 and
                        command [/hyperkube, kube-apiserver, ...]
PASS:                   the same with image registry.k8s.io/kube-apiserver:v1.18.6, command [kube-apiserver, ...]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from kubehop.lifecycle.hyperkube import Component, HyperkubeFacts, hyperkube_facts
from kubehop.model import Document, Finding, Severity
from kubehop.rules.context import RuleContext, make_finding

ID = "hyperkube"
SEVERITY = Severity.REMOVED
SUMMARY = "runs the hyperkube image or binary, not published from 1.19: use the per-component images"
# The scan only parses a document for this rule when its text mentions hyperkube.
MENTIONS = "hyperkube"
KINDS = frozenset({"Pod", "DaemonSet", "Deployment", "StatefulSet", "ReplicaSet"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash"})
_WORD = re.compile(r"[^\s;&|'\"]+")
_RELEASE = re.compile(r"^v?(\d+\.\d+\.\d+)")


def interested(api_version: str, kind: str, ctx: RuleContext) -> bool:
    return kind in KINDS and ctx.target >= hyperkube_facts().deprecated_in


def _pod_spec(obj: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    spec = obj.get("spec")
    if not isinstance(spec, Mapping):
        return {}
    if kind != "Pod":
        template = spec.get("template")
        spec = template.get("spec") if isinstance(template, Mapping) else None
    return spec if isinstance(spec, Mapping) else {}


def _containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or ():
            if isinstance(container, Mapping):
                yield container


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, Sequence) and not isinstance(value, str) else []


def image_parts(image: str) -> tuple[str, str]:
    """(repository, tag) of an image reference; the digest is dropped."""
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    repo, _, tag = last.partition(":")
    return (f"{head}/{repo}" if head else repo), tag


def hyperkube_words(argv: Sequence[str]) -> list[str] | None:
    """The words after `hyperkube` in the command (shell scripts too); None when it does not run hyperkube."""
    words = [w for arg in argv for w in _WORD.findall(arg)]
    for index, word in enumerate(words):
        if word.rsplit("/", 1)[-1] == "hyperkube":
            return words[index + 1:]
    return None


def _component(facts: HyperkubeFacts, after: Sequence[str], names: Sequence[str]) -> Component | None:
    first = next((w for w in after if not w.startswith("-")), "")
    found = facts.component(first) if first else None
    if found is not None:
        return found
    for name in names:  # the container's, then the object's name: kube-apiserver-master-1, kube-proxy
        for component in sorted(facts.components, key=lambda c: -len(c.name)):
            if component.name in name or any(re.search(rf"(^|-){a}(-|$)", name) for a in component.aliases):
                return component
    return None


def check(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    if not interested(doc.api_version, doc.kind, ctx):
        return
    facts = hyperkube_facts()
    for container in _containers(_pod_spec(doc.obj, doc.kind)):
        image = str(container.get("image") or "")
        repo, tag = image_parts(image)
        command, args = _strings(container.get("command")), _strings(container.get("args"))
        after = hyperkube_words(command + args)
        by_image = "hyperkube" in repo.rsplit("/", 1)[-1]
        if after is None and not by_image:
            continue
        name = str(container.get("name") or "")
        shown = command + args if after is not None else []
        if after is None and not command:  # the image's entrypoint is hyperkube: args start with the component
            after = args
        yield _finding(doc, ctx, facts, name, image, tag, after or [], shown)


def _finding(doc: Document, ctx: RuleContext, facts: HyperkubeFacts, container: str, image: str, tag: str,
             after: list[str], argv: list[str]) -> Finding:
    component = _component(facts, after, [container, doc.name])
    removed = ctx.target >= facts.not_published_from
    runs = f"{image}" + (f", command `{' '.join(argv)}`" if argv else "")
    message = (f"{doc.kind} {doc.namespace + '/' if doc.namespace else ''}{doc.name or '(unnamed)'}, container "
               f"{container or '(unnamed)'}, runs hyperkube ({runs}): hyperkube is deprecated since "
               f"{facts.deprecated_in} and its images are not published from {facts.not_published_from}")
    details = [("container", container), ("image", image)]
    replacement = ""
    if component is None:
        message += ("; move each component to its own image (" + ", ".join(
            facts.image_for(c, "") for c in facts.components if c.image) + ") at the version it runs now")
    else:
        details.append(("component", component.name))
        release = _RELEASE.match(tag)
        replacement = facts.image_for(component, f"v{release.group(1)}" if release else "")
        if replacement:
            version = "the version it runs now" if release is None else "same version"
            message += (f"; use {replacement}{'' if release else ':<version>'} with command `{component.name}` "
                        f"({version}, before the control plane moves to {facts.not_published_from})")
        else:
            message += f"; run {component.name} from {component.instead}"
    details += [("replacement_image", replacement), ("source", facts.not_published_source)]
    finding = make_finding(doc, ID, SEVERITY if removed else Severity.DEPRECATED, message,
                           sub_id=f"{doc.kind}/{doc.name}/{container}", details=details)
    return replace(finding, replacement=replacement, deprecated_in=str(facts.deprecated_in),
                   removed_in=str(facts.not_published_from))
