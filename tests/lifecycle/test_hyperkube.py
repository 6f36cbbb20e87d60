"""The hyperkube facts file: versions, components and a source for every fact."""

from __future__ import annotations

import pytest

from kubehop.errors import DataFileError
from kubehop.lifecycle.hyperkube import hyperkube_facts, parse
from kubehop.model import KubeVersion


def test_shipped_facts() -> None:
    facts = hyperkube_facts()
    assert (facts.deprecated_in, facts.not_published_from) == (KubeVersion(1, 17), KubeVersion(1, 19))
    assert "#83454" in facts.deprecated_source and "#88676" in facts.not_published_source
    assert facts.registry == "registry.k8s.io" and "k8s-gcr-io-freeze" in facts.registry_source
    names = {c.name for c in facts.components}
    assert {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet"} <= names
    assert facts.component("apiserver") == facts.component("kube-apiserver")
    assert facts.component("Proxy") is not None and facts.component("etcd") is None
    kubelet = facts.component("kubelet")
    assert kubelet is not None and facts.image_for(kubelet, "v1.19.0") == "" and "pkgs.k8s.io" in kubelet.instead
    scheduler = facts.component("scheduler")
    assert scheduler is not None and facts.image_for(scheduler, "v1.18.2") == "registry.k8s.io/kube-scheduler:v1.18.2"


def test_a_broken_file_is_one_clear_error() -> None:
    with pytest.raises(DataFileError, match="expected `facts`"):
        parse({"components": {}})
    raw = {"facts": {"deprecated_in": "1.17", "deprecated_source": "s", "not_published_from": "1.19",
                     "not_published_source": "s", "registry": "r", "registry_source": "s"},
           "components": {"kubelet": {"image": ""}}}
    with pytest.raises(DataFileError, match="`instead` must be a non-empty string"):
        parse(raw)
