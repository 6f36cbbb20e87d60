"""What replaced hyperkube: its components, their per-component images, and the versions, with sources.

Read once from the shipped data file `data/hyperkube.yaml` into frozen dataclasses.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from kubehop.errors import DataFileError
from kubehop.model import KubeVersion

DATA_FILE = "hyperkube.yaml"


@dataclass(frozen=True)
class Component:
    name: str  # kube-apiserver, kubelet, ...
    aliases: tuple[str, ...]
    image: str  # repository name under the registry; "" when no official image exists
    instead: str  # what to run instead when there is no image


@dataclass(frozen=True)
class HyperkubeFacts:
    deprecated_in: KubeVersion
    deprecated_source: str
    not_published_from: KubeVersion
    not_published_source: str
    registry: str
    registry_source: str
    components: tuple[Component, ...]

    def component(self, word: str) -> Component | None:
        """The component a hyperkube sub-command (or its old short alias) names."""
        word = word.strip().lower()
        return next((c for c in self.components if word == c.name or word in c.aliases), None)

    def image_for(self, component: Component, tag: str) -> str:
        """registry.k8s.io/<component>:<tag> (no tag: the repository alone); "" without an official image."""
        if not component.image:
            return ""
        repository = f"{self.registry}/{component.image}"
        return f"{repository}:{tag}" if tag else repository


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(f"{DATA_FILE}: `{key}` must be a non-empty string")
    return " ".join(value.split())


def parse(raw: Any) -> HyperkubeFacts:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("facts"), Mapping):
        raise DataFileError(f"{DATA_FILE}: expected `facts` and `components`")
    facts = raw["facts"]
    components = []
    for name, entry in (raw.get("components") or {}).items():
        if not isinstance(entry, Mapping):
            raise DataFileError(f"{DATA_FILE}: component {name}: expected a mapping")
        image = str(entry.get("image") or "")
        components.append(Component(str(name), tuple(str(a) for a in entry.get("aliases") or ()), image,
                                    "" if image else _text(entry, "instead")))
    return HyperkubeFacts(
        deprecated_in=KubeVersion.parse(_text(facts, "deprecated_in")),
        deprecated_source=_text(facts, "deprecated_source"),
        not_published_from=KubeVersion.parse(_text(facts, "not_published_from")),
        not_published_source=_text(facts, "not_published_source"),
        registry=_text(facts, "registry"),
        registry_source=_text(facts, "registry_source"),
        components=tuple(components),
    )


@functools.cache
def hyperkube_facts() -> HyperkubeFacts:
    text = resources.files("kubehop.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse(yaml.safe_load(text))
