"""Which version of an API family a target Kubernetes version serves, and so where to convert to.

The lifecycle data says when an apiVersion was removed and which version replaces it; it does not
list the intermediate versions a chain passes through (extensions/v1beta1 Ingress is served
next to networking.k8s.io/v1beta1 from 1.14 and networking.k8s.io/v1 from 1.19). This table lists
each family's versions oldest first with the release that introduced and removed each.
Sources: the Kubernetes deprecation guide and the OpenAPI specification of each release, as for
src/kubehop/data/api_lifecycle.yaml (tests/convert/test_registry.py checks the two agree).
`None` = before 1.8 / not removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubehop.model import GroupVersionKind, KubeVersion


@dataclass(frozen=True)
class Served:
    api_version: str
    kind: str
    introduced: str | None
    removed: str | None

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind.from_api_version(self.api_version, self.kind)

    def served_at(self, target: KubeVersion) -> bool:
        if self.introduced is not None and target < KubeVersion.parse(self.introduced):
            return False
        return self.removed is None or target < KubeVersion.parse(self.removed)


def _series(kind: str, *rows: tuple[str, str | None, str | None]) -> tuple[Served, ...]:
    return tuple(Served(api, kind, intro, removed) for api, intro, removed in rows)


def _dra(kind: str, alpha: tuple[tuple[str, str | None, str | None], ...]) -> tuple[Served, ...]:
    return _series(
        kind,
        *alpha,
        ("resource.k8s.io/v1beta1", "1.32", None),
        ("resource.k8s.io/v1beta2", "1.33", None),
        ("resource.k8s.io/v1", "1.34", None),
    )


_WORKLOAD_V1 = ("apps/v1", "1.9", None)
_V1BETA2 = ("apps/v1beta2", "1.8", "1.16")

SERIES: tuple[tuple[Served, ...], ...] = (
    _series(
        "Deployment",
        ("extensions/v1beta1", None, "1.16"),
        ("apps/v1beta1", None, "1.16"),
        _V1BETA2,
        _WORKLOAD_V1,
    ),
    _series("DaemonSet", ("extensions/v1beta1", None, "1.16"), _V1BETA2, _WORKLOAD_V1),
    _series("StatefulSet", ("apps/v1beta1", None, "1.16"), _V1BETA2, _WORKLOAD_V1),
    _series(
        "ReplicaSet",
        ("extensions/v1beta1", None, "1.16"),
        ("apps/v1beta1", None, "1.16"),
        _V1BETA2,
        _WORKLOAD_V1,
    ),
    _series("ControllerRevision", ("apps/v1beta1", None, "1.16"), _V1BETA2, _WORKLOAD_V1),
    _series(
        "Ingress",
        ("extensions/v1beta1", None, "1.22"),
        ("networking.k8s.io/v1beta1", "1.14", "1.22"),
        ("networking.k8s.io/v1", "1.19", None),
    ),
    _series("IngressClass", ("networking.k8s.io/v1beta1", "1.18", "1.22"), ("networking.k8s.io/v1", "1.19", None)),
    _series("NetworkPolicy", ("extensions/v1beta1", None, "1.16"), ("networking.k8s.io/v1", None, None)),
    _series("PodSecurityPolicy", ("extensions/v1beta1", None, "1.16"), ("policy/v1beta1", "1.10", "1.25")),
    (
        Served("extensions/v1beta1", "ThirdPartyResource", None, "1.8"),
        *_series(
            "CustomResourceDefinition",
            ("apiextensions.k8s.io/v1beta1", None, "1.22"),
            ("apiextensions.k8s.io/v1", "1.16", None),
        ),
    ),
    (
        Served("admissionregistration.k8s.io/v1alpha1", "ExternalAdmissionHookConfiguration", None, "1.9"),
        *_series(
            "ValidatingWebhookConfiguration",
            ("admissionregistration.k8s.io/v1beta1", "1.9", "1.22"),
            ("admissionregistration.k8s.io/v1", "1.16", None),
        ),
    ),
    _series(
        "MutatingWebhookConfiguration",
        ("admissionregistration.k8s.io/v1beta1", "1.9", "1.22"),
        ("admissionregistration.k8s.io/v1", "1.16", None),
    ),
    _series("InitializerConfiguration", ("admissionregistration.k8s.io/v1alpha1", None, "1.14")),
    _series(
        "HorizontalPodAutoscaler",
        ("autoscaling/v2alpha1", None, "1.8"),
        ("autoscaling/v2beta1", "1.8", "1.25"),
        ("autoscaling/v2beta2", "1.12", "1.26"),
        ("autoscaling/v2", "1.23", None),
    ),
    (
        Served("batch/v2alpha1", "ScheduledJob", None, "1.8"),
        *_series(
            "CronJob",
            ("batch/v2alpha1", None, "1.21"),
            ("batch/v1beta1", "1.8", "1.25"),
            ("batch/v1", "1.21", None),
        ),
    ),
    _series("PodDisruptionBudget", ("policy/v1beta1", None, "1.25"), ("policy/v1", "1.21", None)),
    _series(
        "CertificateSigningRequest",
        ("certificates.k8s.io/v1beta1", None, "1.22"),
        ("certificates.k8s.io/v1", "1.19", None),
    ),
    *(
        _series(
            k,
            ("rbac.authorization.k8s.io/v1alpha1", None, "1.23"),
            ("rbac.authorization.k8s.io/v1beta1", None, "1.22"),
            ("rbac.authorization.k8s.io/v1", "1.8", None),
        )
        for k in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
    ),
    _series(
        "PriorityClass",
        ("scheduling.k8s.io/v1alpha1", "1.8", "1.23"),
        ("scheduling.k8s.io/v1beta1", "1.11", "1.22"),
        ("scheduling.k8s.io/v1", "1.14", None),
    ),
    _series("StorageClass", ("storage.k8s.io/v1beta1", None, "1.22"), ("storage.k8s.io/v1", None, None)),
    _series(
        "VolumeAttachment",
        ("storage.k8s.io/v1alpha1", "1.9", "1.23"),
        ("storage.k8s.io/v1beta1", "1.10", "1.22"),
        ("storage.k8s.io/v1", "1.13", None),
    ),
    _series("CSIDriver", ("storage.k8s.io/v1beta1", "1.14", "1.22"), ("storage.k8s.io/v1", "1.19", None)),
    _series("CSINode", ("storage.k8s.io/v1beta1", "1.14", "1.22"), ("storage.k8s.io/v1", "1.17", None)),
    _series(
        "CSIStorageCapacity",
        ("storage.k8s.io/v1alpha1", "1.19", "1.24"),
        ("storage.k8s.io/v1beta1", "1.21", "1.27"),
        ("storage.k8s.io/v1", "1.24", None),
    ),
    _series(
        "VolumeAttributesClass",
        ("storage.k8s.io/v1alpha1", "1.29", "1.35"),
        ("storage.k8s.io/v1beta1", "1.31", "1.37"),
        ("storage.k8s.io/v1", "1.34", None),
    ),
    _series(
        "RuntimeClass",
        ("node.k8s.io/v1alpha1", "1.12", "1.24"),
        ("node.k8s.io/v1beta1", "1.14", "1.25"),
        ("node.k8s.io/v1", "1.20", None),
    ),
    _series(
        "EndpointSlice",
        ("discovery.k8s.io/v1alpha1", "1.16", "1.17"),
        ("discovery.k8s.io/v1beta1", "1.17", "1.25"),
        ("discovery.k8s.io/v1", "1.21", None),
    ),
    _series("Event", ("events.k8s.io/v1beta1", None, "1.25"), ("events.k8s.io/v1", "1.19", None)),
    _series("Lease", ("coordination.k8s.io/v1beta1", None, "1.22"), ("coordination.k8s.io/v1", "1.14", None)),
    _series(
        "LeaseCandidate",
        ("coordination.k8s.io/v1alpha1", "1.31", "1.32"),
        ("coordination.k8s.io/v1alpha2", "1.32", None),
        ("coordination.k8s.io/v1beta1", "1.33", None),
    ),
    _series(
        "APIService",
        ("apiregistration.k8s.io/v1beta1", None, "1.22"),
        ("apiregistration.k8s.io/v1", "1.10", None),
    ),
    *(
        _series(
            k,
            ("flowcontrol.apiserver.k8s.io/v1alpha1", "1.18", "1.21"),
            ("flowcontrol.apiserver.k8s.io/v1beta1", "1.20", "1.26"),
            ("flowcontrol.apiserver.k8s.io/v1beta2", "1.23", "1.29"),
            ("flowcontrol.apiserver.k8s.io/v1beta3", "1.26", "1.32"),
            ("flowcontrol.apiserver.k8s.io/v1", "1.29", None),
        )
        for k in ("FlowSchema", "PriorityLevelConfiguration")
    ),
    _series(
        "TokenReview",
        ("authentication.k8s.io/v1beta1", None, "1.22"),
        ("authentication.k8s.io/v1", None, None),
    ),
    *(
        _series(k, ("authorization.k8s.io/v1beta1", None, "1.22"), ("authorization.k8s.io/v1", None, None))
        for k in (
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
            "SubjectAccessReview",
        )
    ),
    _series(
        "SelfSubjectReview",
        ("authentication.k8s.io/v1alpha1", "1.26", "1.32"),
        ("authentication.k8s.io/v1beta1", "1.27", "1.33"),
        ("authentication.k8s.io/v1", "1.28", None),
    ),
    *(
        _series(
            k,
            ("audit.k8s.io/v1alpha1", None, "1.24"),
            ("audit.k8s.io/v1beta1", None, "1.24"),
            ("audit.k8s.io/v1", "1.13", None),
        )
        for k in ("Policy", "Event")
    ),
    *(
        _series(
            k,
            ("admissionregistration.k8s.io/v1alpha1", "1.26", "1.32"),
            ("admissionregistration.k8s.io/v1beta1", "1.28", "1.34"),
            ("admissionregistration.k8s.io/v1", "1.30", None),
        )
        for k in ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")
    ),
    *(
        _series(
            k,
            ("admissionregistration.k8s.io/v1alpha1", "1.32", None),
            ("admissionregistration.k8s.io/v1beta1", "1.34", None),
            ("admissionregistration.k8s.io/v1", "1.36", None),
        )
        for k in ("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding")
    ),
    _series(
        "ClusterTrustBundle",
        ("certificates.k8s.io/v1alpha1", "1.27", "1.37"),
        ("certificates.k8s.io/v1beta1", "1.33", None),
        ("certificates.k8s.io/v1", "1.37", None),
    ),
    _series(
        "PodCertificateRequest",
        ("certificates.k8s.io/v1alpha1", "1.34", "1.35"),
        ("certificates.k8s.io/v1beta1", "1.35", None),
        ("certificates.k8s.io/v1", "1.37", None),
    ),
    _series(
        "StorageVersionMigration",
        ("storagemigration.k8s.io/v1alpha1", "1.30", "1.35"),
        ("storagemigration.k8s.io/v1beta1", "1.35", None),
        ("storagemigration.k8s.io/v1", "1.37", None),
    ),
    *(
        _series(
            k,
            ("networking.k8s.io/v1alpha1", "1.27", "1.31"),
            ("networking.k8s.io/v1beta1", "1.31", "1.37"),
            ("networking.k8s.io/v1", "1.33", None),
        )
        for k in ("IPAddress", "ServiceCIDR")
    ),
    _series("ClusterCIDR", ("networking.k8s.io/v1alpha1", "1.25", "1.29")),
    _series("AuditSink", ("auditregistration.k8s.io/v1alpha1", "1.13", "1.19")),
    _series("PodPreset", ("settings.k8s.io/v1alpha1", None, "1.20")),
    _series("PodScheduling", ("resource.k8s.io/v1alpha1", "1.26", "1.27")),
    # v1alpha3 PodSchedulingContext is not a replacement of v1alpha2 (lifecycle: none for either).
    _series("PodSchedulingContext", ("resource.k8s.io/v1alpha2", "1.27", "1.31")),
    _series("PodSchedulingContext", ("resource.k8s.io/v1alpha3", "1.31", "1.32")),
    _series("ResourceClaimParameters", ("resource.k8s.io/v1alpha2", "1.30", "1.31")),
    _series("ResourceClassParameters", ("resource.k8s.io/v1alpha2", "1.30", "1.31")),
    _dra(
        "ResourceClaim",
        (
            ("resource.k8s.io/v1alpha1", "1.26", "1.27"),
            ("resource.k8s.io/v1alpha2", "1.27", "1.31"),
            ("resource.k8s.io/v1alpha3", "1.31", "1.34"),
        ),
    ),
    _dra(
        "ResourceClaimTemplate",
        (
            ("resource.k8s.io/v1alpha1", "1.26", "1.27"),
            ("resource.k8s.io/v1alpha2", "1.27", "1.31"),
            ("resource.k8s.io/v1alpha3", "1.31", "1.34"),
        ),
    ),
    _dra(
        "ResourceSlice",
        (("resource.k8s.io/v1alpha2", "1.30", "1.31"), ("resource.k8s.io/v1alpha3", "1.31", "1.34")),
    ),
    (
        *_series(
            "ResourceClass",
            ("resource.k8s.io/v1alpha1", "1.26", "1.27"),
            ("resource.k8s.io/v1alpha2", "1.27", "1.31"),
        ),
        *_dra("DeviceClass", (("resource.k8s.io/v1alpha3", "1.31", "1.34"),)),
    ),
    _series(
        "DeviceTaintRule",
        ("resource.k8s.io/v1alpha3", "1.33", None),
        ("resource.k8s.io/v1beta2", "1.36", None),
        ("resource.k8s.io/v1", "1.37", None),
    ),
    _series(
        "Workload",
        ("scheduling.k8s.io/v1alpha1", "1.35", "1.36"),
        ("scheduling.k8s.io/v1alpha2", "1.36", "1.37"),
        ("scheduling.k8s.io/v1beta1", "1.37", None),
    ),
    _series(
        "PodGroup",
        ("scheduling.k8s.io/v1alpha2", "1.36", "1.37"),
        ("scheduling.k8s.io/v1beta1", "1.37", None),
    ),
)
