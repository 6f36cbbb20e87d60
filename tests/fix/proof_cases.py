"""Releases holding every family of removed APIs kubehop converts (and typed Lists, hooks, CRDs), each with
the target it is fixed for: tests/fix/test_helm_proof.py fixes each and runs the real helm against an API
server that serves exactly that target's group/versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    documents: tuple[tuple[str, str], ...]  # (template, YAML)
    hooks: tuple[tuple[str, str], ...] = ()  # (hook name, YAML)
    expected: str = "fixed"
    args: tuple[str, ...] = field(default=())


RBAC_LISTS = Case("rbac-lists", "1.22", (
    ("roles.yaml", """apiVersion: rbac.authorization.k8s.io/v1beta1
kind: RoleList
items:
- metadata:
    name: reader
  rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
- apiVersion: rbac.authorization.k8s.io/v1beta1
  kind: Role
  metadata:
    name: writer
  rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [update]
"""),
    ("bindings.yaml", """apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRoleBindingList
items:
- metadata:
    name: proof-view
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
  subjects:
  - {kind: ServiceAccount, name: default, namespace: default}
"""),
), hooks=(
    ("pre-upgrade-role", """apiVersion: rbac.authorization.k8s.io/v1beta1
kind: Role
metadata:
  name: pre-upgrade-role
  annotations:
    helm.sh/hook: pre-upgrade
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
"""),
))

APISERVICE_LIST = Case("apiservice-list", "1.22", (
    ("apiservices.yaml", """apiVersion: apiregistration.k8s.io/v1beta1
kind: APIServiceList
items:
- metadata:
    name: v1beta1.metrics.example.com
  spec:
    group: metrics.example.com
    version: v1beta1
    groupPriorityMinimum: 100
    versionPriority: 100
    insecureSkipTLSVerify: true
    service: {name: metrics, namespace: default}
"""),
))

MIXED_LIST = Case("mixed-list", "1.22", (
    ("everything.yaml", """apiVersion: v1
kind: List
items:
- apiVersion: extensions/v1beta1
  kind: Ingress
  metadata:
    name: web
  spec:
    backend:
      serviceName: web
      servicePort: 80
- apiVersion: networking.k8s.io/v1beta1
  kind: IngressClass
  metadata:
    name: proof
  spec:
    controller: example.com/ingress
- apiVersion: rbac.authorization.k8s.io/v1beta1
  kind: ClusterRole
  metadata:
    name: proof-reader
  rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get]
- apiVersion: apiregistration.k8s.io/v1beta1
  kind: APIService
  metadata:
    name: v1.other.example.com
  spec:
    group: other.example.com
    version: v1
    groupPriorityMinimum: 10
    versionPriority: 10
    service: {name: other, namespace: default}
- apiVersion: rbac.authorization.k8s.io/v1beta1
  kind: RoleBinding
  metadata:
    name: proof-readers
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: proof-reader}
  subjects:
  - {kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}
- apiVersion: scheduling.k8s.io/v1beta1
  kind: PriorityClass
  metadata:
    name: proof-high
  value: 1000
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: plain
  data: {a: b}
"""),
))

# The generic List of a group/version the target serves nothing of: Helm maps `List` only in the
# group/versions discovery lists.
GENERIC_LIST = Case("generic-list", "1.22", (
    ("list.yaml", """apiVersion: extensions/v1beta1
kind: List
items:
- apiVersion: networking.k8s.io/v1beta1
  kind: Ingress
  metadata:
    name: api
  spec:
    backend: {serviceName: api, servicePort: 8080}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data: {mode: fast}
"""),
))

CRD = Case("crd", "1.22", (
    ("crd.yaml", """apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  version: v1
  versions:
  - {name: v1, served: true, storage: true}
  validation:
    openAPIV3Schema:
      type: object
      properties:
        spec:
          type: object
          properties:
            size: {type: integer}
"""),
))

WORKLOADS = Case("workloads", "1.16", (
    ("deployment.yaml", """apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: "registry.example.com/web:1"}
"""),
    ("daemonset.yaml", """apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - {name: agent, image: "registry.example.com/agent:1"}
"""),
    ("statefulset.yaml", """apiVersion: apps/v1beta1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - {name: db, image: "registry.example.com/db:1"}
"""),
    ("replicaset.yaml", """apiVersion: apps/v1beta2
kind: ReplicaSet
metadata:
  name: cache
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
      - {name: cache, image: "registry.example.com/cache:1"}
"""),
    ("more-workloads.yaml", """apiVersion: apps/v1beta2
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - {name: api, image: "registry.example.com/api:1"}
---
apiVersion: apps/v1beta2
kind: DaemonSet
metadata:
  name: logs
spec:
  selector:
    matchLabels: {app: logs}
  template:
    metadata:
      labels: {app: logs}
    spec:
      containers:
      - {name: logs, image: "registry.example.com/logs:1"}
---
apiVersion: extensions/v1beta1
kind: ReplicaSet
metadata:
  name: legacy
spec:
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - {name: legacy, image: "registry.example.com/legacy:1"}
---
apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
      - {name: worker, image: "registry.example.com/worker:1"}
"""),
    ("networkpolicy.yaml", """apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata:
  name: deny
spec:
  podSelector: {}
"""),
    ("psp.yaml", """apiVersion: extensions/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted
spec:
  privileged: false
  seLinux: {rule: RunAsAny}
  runAsUser: {rule: MustRunAsNonRoot}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: [configMap, secret]
"""),
), hooks=(
    ("migrate", """apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    metadata:
      labels: {app: migrate}
    spec:
      containers:
      - {name: migrate, image: "registry.example.com/migrate:1"}
"""),
))

INGRESS_WEBHOOKS = Case("ingress-webhooks", "1.22", (
    ("ingress.yaml", """apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: shop
          servicePort: http
"""),
    ("webhooks.yaml", """apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata:
  name: proof-validate
webhooks:
- name: validate.example.com
  clientConfig:
    service: {name: hooks, namespace: default, path: /validate}
  rules:
  - apiGroups: [""]
    apiVersions: [v1]
    operations: [CREATE]
    resources: [configmaps]
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata:
  name: proof-mutate
webhooks:
- name: mutate.example.com
  clientConfig:
    service: {name: hooks, namespace: default, path: /mutate}
  sideEffects: None
  rules:
  - apiGroups: [""]
    apiVersions: [v1]
    operations: [CREATE]
    resources: [pods]
"""),
), args=("--webhook-side-effects", "None"))

CERTIFICATES_AND_MORE = Case("csr-storage-scheduling", "1.22", (
    ("csr.yaml", """apiVersion: certificates.k8s.io/v1beta1
kind: CertificateSigningRequest
metadata:
  name: proof-client
spec:
  request: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K
  usages: [digital signature, key encipherment, client auth]
"""),
    ("storage.yaml", """apiVersion: storage.k8s.io/v1beta1
kind: CSIDriver
metadata:
  name: csi.example.com
spec:
  attachRequired: false
---
apiVersion: storage.k8s.io/v1beta1
kind: StorageClass
metadata:
  name: fast
provisioner: csi.example.com
---
apiVersion: storage.k8s.io/v1beta1
kind: CSINode
metadata:
  name: node-1
spec:
  drivers:
  - {name: csi.example.com, nodeID: node-1}
---
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttachment
metadata:
  name: attach-1
spec:
  attacher: csi.example.com
  nodeName: node-1
  source: {persistentVolumeName: pv-1}
"""),
    ("lease.yaml", """apiVersion: coordination.k8s.io/v1beta1
kind: Lease
metadata:
  name: leader
spec:
  holderIdentity: a
"""),
    ("priority.yaml", """apiVersion: scheduling.k8s.io/v1beta1
kind: PriorityClass
metadata:
  name: proof-low
value: 10
"""),
), args=("--signer-name", "kubernetes.io/kube-apiserver-client"))

POLICY_BATCH = Case("policy-batch-autoscaling", "1.25", (
    ("pdb.yaml", """apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
"""),
    ("psp.yaml", """apiVersion: policy/v1beta1
kind: PodSecurityPolicyList
items:
- metadata:
    name: restricted
  spec:
    privileged: false
    seLinux: {rule: RunAsAny}
    runAsUser: {rule: RunAsAny}
    supplementalGroups: {rule: RunAsAny}
    fsGroup: {rule: RunAsAny}
"""),
    ("cronjob.yaml", """apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: job, image: "registry.example.com/job:1"}
"""),
    ("hpa.yaml", """apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, targetAverageUtilization: 80}
"""),
    ("runtimeclass.yaml", """apiVersion: node.k8s.io/v1beta1
kind: RuntimeClass
metadata:
  name: gvisor
handler: runsc
"""),
    ("endpointslice.yaml", """apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
metadata:
  name: web-abc
addressType: IPv4
endpoints:
- addresses: [10.0.0.1]
  topology: {kubernetes.io/hostname: node-1}
ports:
- {name: http, port: 80, protocol: TCP}
"""),
), hooks=(
    ("cleanup", """apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: cleanup
  annotations:
    helm.sh/hook: post-install
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - {name: cleanup, image: "registry.example.com/cleanup:1"}
"""),
))

FLOWCONTROL_HPA = Case("flowcontrol-hpa", "1.29", (
    ("flowcontrol.yaml", """apiVersion: flowcontrol.apiserver.k8s.io/v1beta2
kind: PriorityLevelConfiguration
metadata:
  name: proof
spec:
  type: Limited
  limited:
    assuredConcurrencyShares: 5
    limitResponse: {type: Reject}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta2
kind: FlowSchema
metadata:
  name: proof
spec:
  priorityLevelConfiguration: {name: proof}
  matchingPrecedence: 1000
  rules:
  - subjects:
    - kind: Group
      group: {name: system:authenticated}
    resourceRules:
    - {apiGroups: ["*"], resources: ["*"], verbs: ["*"], namespaces: ["*"]}
"""),
    ("flowcontrol-v1beta1.yaml", """apiVersion: flowcontrol.apiserver.k8s.io/v1beta1
kind: FlowSchema
metadata:
  name: proof-old
spec:
  priorityLevelConfiguration: {name: proof}
  matchingPrecedence: 2000
  rules:
  - subjects:
    - kind: ServiceAccount
      serviceAccount: {name: default, namespace: default}
    nonResourceRules:
    - {verbs: [get], nonResourceURLs: [/healthz]}
"""),
    ("hpa.yaml", """apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 80}
"""),
))

NEWEST = Case("newest-families", "1.37", (
    ("admission.yaml", """apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingAdmissionPolicy
metadata:
  name: replicas-limit
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: "object.spec.replicas <= 5"
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replicas-limit
spec:
  policyName: replicas-limit
  validationActions: [Deny]
"""),
    ("capacity.yaml", """apiVersion: storage.k8s.io/v1beta1
kind: CSIStorageCapacity
metadata:
  name: fast-zone-a
storageClassName: fast
capacity: 100Gi
"""),
    ("vac.yaml", """apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClassList
items:
- metadata:
    name: gold
  driverName: csi.example.com
  parameters: {iops: "5000"}
"""),
    ("network.yaml", """apiVersion: networking.k8s.io/v1beta1
kind: ServiceCIDR
metadata:
  name: extra
spec:
  cidrs: [10.96.100.0/24]
---
apiVersion: networking.k8s.io/v1beta1
kind: IPAddress
metadata:
  name: 10.96.100.10
spec:
  parentRef: {group: "", resource: services, name: web, namespace: default}
"""),
    ("flowcontrol.yaml", """apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: PriorityLevelConfiguration
metadata:
  name: proof
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 5
    limitResponse: {type: Reject}
"""),
    ("events.yaml", """apiVersion: events.k8s.io/v1beta1
kind: Event
metadata:
  name: proof.1
eventTime: "2020-01-01T00:00:00.000000Z"
reportingController: example.com/proof
reportingInstance: proof-1
action: Proof
reason: Proof
regarding: {kind: ConfigMap, name: plain, namespace: default}
type: Normal
"""),
))

# No converter links scheduling.k8s.io/v1alpha1 PriorityClass (an alpha API, off by default) to v1beta1:
# the release cannot be made valid at 1.11, so it must never come out `fixed`.
UNCONVERTIBLE = Case("unconvertible", "1.11", (
    ("priority.yaml", """apiVersion: scheduling.k8s.io/v1alpha1
kind: PriorityClass
metadata:
  name: proof-alpha
value: 5
"""),
), expected="failed")

CASES = (RBAC_LISTS, APISERVICE_LIST, MIXED_LIST, GENERIC_LIST, CRD, WORKLOADS, INGRESS_WEBHOOKS, CERTIFICATES_AND_MORE,
         POLICY_BATCH, FLOWCONTROL_HPA, NEWEST, UNCONVERTIBLE)


def manifest(case: Case) -> str:
    """Laid out as Helm stores a manifest: `---` and a `# Source:` comment before each template."""
    return "".join(f"---\n# Source: {case.name}/templates/{template}\n{text}" for template, text in case.documents)


def hooks(case: Case) -> list[dict[str, object]]:
    return [{"name": name, "kind": text.split("kind: ", 1)[1].split("\n", 1)[0],
             "path": f"{case.name}/templates/hooks/{name}.yaml", "manifest": f"# Source: {case.name}/templates/hooks/"
             f"{name}.yaml\n{text}", "events": ["pre-upgrade", "pre-delete"],
             "last_run": {"started_at": "", "completed_at": "", "phase": ""}, "weight": 0}
            for name, text in case.hooks]


def plain_chart(root: Path) -> Path:
    """The chart the proof upgrades to: one ConfigMap, served by every Kubernetes version."""
    chart = root / "proof"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: proof\nversion: 1.0.0\n")
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-proof\ndata: {a: b}\n")
    return chart
