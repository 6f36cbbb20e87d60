"""Version range parsing, the minor-by-minor hop, the kubelet skew policy and kubeadm's etcd per minor."""

from __future__ import annotations

import pytest

from kubehop.errors import UsageError
from kubehop.model import KubeVersion
from kubehop.plan.control_plane import kubelet_deadline
from kubehop.plan.versions import (
    below_recommended,
    etcd_minor,
    hop,
    kubeadm_etcd,
    kubelet_skew,
    oldest_kubelet,
    parse_range,
)


def v(text: str) -> KubeVersion:
    return KubeVersion.parse(text)


@pytest.mark.parametrize(("source", "target"), [("1.16.7", "1.19.3"), ("v1.16.7", "v1.19.3"),
                                                ("1.16.7-eks-x", "1.19"), ("1.16", "1.19.3+k3s1")])
def test_range_accepts_every_spelling(source: str, target: str) -> None:
    start, end = parse_range(source, target)
    assert (start.minor, end.minor) == (16, 19)


def test_downgrade_is_refused_with_the_way_back() -> None:
    with pytest.raises(UsageError) as raised:
        parse_range("1.19.3", "1.16.7")
    message = str(raised.value)
    assert "does not support in-place minor downgrades" in message
    assert "etcd snapshot" in message and "Rollback" in message
    assert "kubehop plan --from 1.16.7 --to 1.19.3" in message


def test_same_minor_is_refused() -> None:
    with pytest.raises(UsageError, match="same minor"):
        parse_range("1.19.1", "1.19.3")


def test_hop_goes_one_minor_at_a_time_keeping_the_given_patches() -> None:
    steps = hop(v("1.16.7"), v("1.19.3"))
    assert [(str(a), str(b)) for a, b in steps] == [("1.16.7", "1.17"), ("1.17", "1.18"), ("1.18", "1.19.3")]
    assert [(str(a), str(b)) for a, b in hop(v("1.21"), v("1.22"))] == [("1.21", "1.22")]


def test_kubelet_skew_is_two_minors_then_three_for_new_kubelets_from_1_28() -> None:
    assert kubelet_skew(v("1.19"), 17) == 2
    assert kubelet_skew(v("1.27"), 25) == 2
    assert kubelet_skew(v("1.28"), 25) == 3
    assert kubelet_skew(v("1.28"), 24) == 2  # kubelets older than 1.25 keep the two-minor rule
    assert str(oldest_kubelet(v("1.17"))) == "1.15"
    assert str(oldest_kubelet(v("1.28"))) == "1.25"
    assert str(oldest_kubelet(v("1.27"))) == "1.25"
    assert str(oldest_kubelet(v("1.30"))) == "1.27"


def test_kubeadm_etcd_follows_patch_backports() -> None:
    assert kubeadm_etcd(v("1.16.7")) == "3.3.15"
    assert kubeadm_etcd(v("1.17")) == "3.4.3"
    assert kubeadm_etcd(v("1.19")) == "3.4.9"
    assert kubeadm_etcd(v("1.19.3")) == "3.4.13"
    assert kubeadm_etcd(v("1.22.17")) == "3.5.6"
    assert kubeadm_etcd(v("1.31")) == ""  # the reference marks it unverified: say nothing
    assert etcd_minor("3.4.13") == "3.4"


def test_etcd_below_the_production_recommendation() -> None:
    assert below_recommended("3.5.0") == "3.5.6"
    assert below_recommended("3.4.13") == "3.4.22"
    assert below_recommended("3.5.6") == "" and below_recommended("3.3.15") == ""


def test_kubelets_may_lag_until_the_skew_policy_says_otherwise() -> None:
    assert str(kubelet_deadline(v("1.16.7"), v("1.19.3"))) == "1.19"
    assert kubelet_deadline(v("1.18"), v("1.19.3")) is None
    assert str(kubelet_deadline(v("1.24"), v("1.30"))) == "1.27"  # a 1.24 kubelet keeps the two-minor rule
    assert str(kubelet_deadline(v("1.25"), v("1.30"))) == "1.29"
