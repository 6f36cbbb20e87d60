"""Choosing the version to convert to: the newest one the target serves, chained where needed."""

from __future__ import annotations

import pytest

from kubehop.convert.serving import Action, plan_for
from kubehop.model import KubeVersion


@pytest.mark.parametrize(
    ("api_version", "kind", "target", "action", "to"),
    [
        ("extensions/v1beta1", "Ingress", "1.13", Action.KEEP, None),
        ("extensions/v1beta1", "Ingress", "1.14", Action.CONVERT, "networking.k8s.io/v1beta1"),
        ("extensions/v1beta1", "Ingress", "1.18", Action.CONVERT, "networking.k8s.io/v1beta1"),
        ("extensions/v1beta1", "Ingress", "1.19", Action.CONVERT, "networking.k8s.io/v1"),
        ("extensions/v1beta1", "Ingress", "1.22", Action.CONVERT, "networking.k8s.io/v1"),
        ("networking.k8s.io/v1", "Ingress", "1.22", Action.KEEP, None),
        ("extensions/v1beta1", "Deployment", "1.8", Action.CONVERT, "apps/v1beta2"),
        ("extensions/v1beta1", "Deployment", "1.9", Action.CONVERT, "apps/v1"),
        ("apps/v1beta2", "DaemonSet", "1.8", Action.KEEP, None),
        ("extensions/v1beta1", "PodSecurityPolicy", "1.16", Action.CONVERT, "policy/v1beta1"),
        ("policy/v1beta1", "PodSecurityPolicy", "1.24", Action.KEEP, None),
        ("policy/v1beta1", "PodSecurityPolicy", "1.25", Action.REMOVE, None),
        ("extensions/v1beta1", "PodSecurityPolicy", "1.25", Action.REMOVE, None),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.12", Action.CONVERT, "autoscaling/v2beta2"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.23", Action.CONVERT, "autoscaling/v2"),
        ("batch/v2alpha1", "ScheduledJob", "1.8", Action.CONVERT, "batch/v1beta1"),
        ("batch/v1beta1", "CronJob", "1.20", Action.KEEP, None),
        ("batch/v1beta1", "CronJob", "1.21", Action.CONVERT, "batch/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.26", Action.CONVERT,
         "flowcontrol.apiserver.k8s.io/v1beta3"),
        ("settings.k8s.io/v1alpha1", "PodPreset", "1.20", Action.REMOVE, None),
        ("v1", "Endpoints", "1.37", Action.KEEP, None),
        ("example.com/v1", "Widget", "1.37", Action.KEEP, None),
    ],
)
def test_plan(api_version: str, kind: str, target: str, action: Action, to: str | None) -> None:
    plan = plan_for(api_version, kind, KubeVersion.parse(target))
    assert plan.action is action
    assert (plan.to.api_version if plan.to else None) == to
