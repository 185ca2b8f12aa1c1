"""The exemplar pod: a realistic pod of a Deployment, about 10 KB as JSON.

Upstream moved its storage benchmarks from the bare test pod to a realistic exemplar
(kubernetes #139404, 2026) because object size drives the cost of copies, memory and
garbage collection. This one has what a Deployment's pod carries once it runs: metadata
with labels, annotations, an owner reference and managed fields; a spec with an
init container, an application container and a sidecar (command, environment, ports, resources, probes,
volume mounts), volumes and the default tolerations; a status with conditions and
container statuses. Its name and UID are drawn from the population's seeded source.

The shape follows Go's ``v1.Pod``: ``metadata``, ``spec`` and ``status`` are structs held
by value, so :meth:`ExemplarPod.struct_copy` copies those three and shares everything
they point to (lists and maps, which are slice and map headers in Go). What Go would
allocate per decoded pod but is the same in every pod (an image name, a mount path) is
one shared string here: Python keeps one copy of an equal literal, which makes a
Python pod smaller than its JSON (the README's memory table gives bytes per pod).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass

_new_object = object.__new__


@dataclass(slots=True)
class OwnerReference:
    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool = True
    block_owner_deletion: bool = True


@dataclass(slots=True)
class ManagedFieldsEntry:
    manager: str
    operation: str
    api_version: str
    time: str
    fields_type: str
    fields_v1: str  # raw JSON, as Go's FieldsV1{Raw []byte}


@dataclass(slots=True)
class ObjectMeta:
    name: str
    generate_name: str
    namespace: str
    uid: str
    resource_version: str
    creation_timestamp: str
    labels: dict[str, str]
    annotations: dict[str, str]
    owner_references: list[OwnerReference]
    managed_fields: list[ManagedFieldsEntry]

    def struct_copy(self) -> ObjectMeta:
        new = _new_object(ObjectMeta)
        new.name, new.generate_name, new.namespace, new.uid = self.name, self.generate_name, self.namespace, self.uid
        new.resource_version, new.creation_timestamp = self.resource_version, self.creation_timestamp
        new.labels, new.annotations = self.labels, self.annotations
        new.owner_references, new.managed_fields = self.owner_references, self.managed_fields
        return new


@dataclass(slots=True)
class EnvVar:
    name: str
    value: str


@dataclass(slots=True)
class ContainerPort:
    name: str
    container_port: int
    protocol: str = "TCP"


@dataclass(slots=True)
class VolumeMount:
    name: str
    mount_path: str
    read_only: bool = False


@dataclass(slots=True)
class Probe:
    path: str
    port: int
    initial_delay_seconds: int
    period_seconds: int
    timeout_seconds: int = 1
    success_threshold: int = 1
    failure_threshold: int = 3


@dataclass(slots=True)
class Container:
    name: str
    image: str
    command: list[str]
    args: list[str]
    env: list[EnvVar]
    ports: list[ContainerPort]
    requests: dict[str, str]
    limits: dict[str, str]
    volume_mounts: list[VolumeMount]
    liveness_probe: Probe | None
    readiness_probe: Probe | None
    image_pull_policy: str = "IfNotPresent"
    termination_message_path: str = "/dev/termination-log"
    termination_message_policy: str = "File"


@dataclass(slots=True)
class Volume:
    name: str
    source: dict[str, object]


@dataclass(slots=True)
class Toleration:
    key: str
    operator: str
    effect: str
    toleration_seconds: int


@dataclass(slots=True)
class PodSpec:
    init_containers: list[Container]
    containers: list[Container]
    volumes: list[Volume]
    tolerations: list[Toleration]
    node_name: str
    service_account_name: str
    restart_policy: str
    dns_policy: str
    scheduler_name: str
    termination_grace_period_seconds: int
    priority: int
    enable_service_links: bool
    preemption_policy: str

    def struct_copy(self) -> PodSpec:
        new = _new_object(PodSpec)
        new.init_containers, new.containers = self.init_containers, self.containers
        new.volumes, new.tolerations = self.volumes, self.tolerations
        new.node_name, new.service_account_name = self.node_name, self.service_account_name
        new.restart_policy, new.dns_policy, new.scheduler_name = self.restart_policy, self.dns_policy, self.scheduler_name
        new.termination_grace_period_seconds, new.priority = self.termination_grace_period_seconds, self.priority
        new.enable_service_links, new.preemption_policy = self.enable_service_links, self.preemption_policy
        return new


@dataclass(slots=True)
class PodCondition:
    type: str
    status: str
    last_transition_time: str


@dataclass(slots=True)
class ContainerStatus:
    name: str
    ready: bool
    started: bool
    restart_count: int
    image: str
    image_id: str
    container_id: str
    running_since: str


@dataclass(slots=True)
class PodStatus:
    phase: str
    conditions: list[PodCondition]
    host_ip: str
    pod_ip: str
    pod_ips: list[str]
    start_time: str
    container_statuses: list[ContainerStatus]
    qos_class: str

    def struct_copy(self) -> PodStatus:
        new = _new_object(PodStatus)
        new.phase, new.conditions, new.host_ip, new.pod_ip = self.phase, self.conditions, self.host_ip, self.pod_ip
        new.pod_ips, new.start_time = self.pod_ips, self.start_time
        new.container_statuses, new.qos_class = self.container_statuses, self.qos_class
        return new


@dataclass(slots=True)
class ExemplarPod:
    """A realistic pod: ``metadata``, ``spec`` and ``status`` as in ``v1.Pod``.

    ``namespace``, ``name``, ``node_name``, ``restart_policy``, ``phase`` and ``labels``
    read through to them, so the suite addresses both pod profiles alike.
    """

    metadata: ObjectMeta
    spec: PodSpec
    status: PodStatus

    @property
    def namespace(self) -> str:
        return self.metadata.namespace

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def node_name(self) -> str:
        return self.spec.node_name

    @property
    def restart_policy(self) -> str:
        return self.spec.restart_policy

    @property
    def phase(self) -> str:
        return self.status.phase

    @property
    def labels(self) -> Mapping[str, str]:
        return self.metadata.labels

    def struct_copy(self) -> ExemplarPod:
        """Go's struct copy of a ``v1.Pod``: new ``metadata``, ``spec`` and ``status``
        structs (held by value), everything below them shared. Cost: four objects."""
        new = _new_object(ExemplarPod)
        new.metadata = self.metadata.struct_copy()
        new.spec = self.spec.struct_copy()
        new.status = self.status.struct_copy()
        return new


def exemplar_json(pod: ExemplarPod) -> str:
    """The pod as JSON (field names as in the Python model), for its size."""
    return json.dumps(dataclasses.asdict(pod), separators=(",", ":"))


_ALPHANUMERIC = "bcdfghjklmnpqrstvwxz2456789"  # k8s rand.String's alphabet
_TIME = "2026-05-04T10:21:37Z"
_IMAGE = "registry.example/shop/checkout:v2.14.3"
_SIDECAR_IMAGE = "registry.example/mesh/proxy:1.22.1"
_MANAGED_SPEC = json.dumps({"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {},
                                                                                 "f:tier": {}, "f:version": {}},
                                           "f:ownerReferences": {".": {}, "k:{\"uid\":\"...\"}": {}}},
                            "f:spec": {"f:containers": {"k:{\"name\":\"checkout\"}": {
                                ".": {}, "f:env": {".": {}, **{f"k:{{\"name\":\"VAR_{i}\"}}": {".": {}, "f:name": {},
                                                                                               "f:value": {}}
                                                             for i in range(16)}},
                                "f:image": {}, "f:imagePullPolicy": {}, "f:livenessProbe": {}, "f:name": {},
                                "f:ports": {}, "f:readinessProbe": {}, "f:resources": {}, "f:volumeMounts": {}},
                                "k:{\"name\":\"proxy\"}": {".": {}, "f:image": {}, "f:name": {}, "f:resources": {}}},
                                "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {},
                                "f:schedulerName": {}, "f:terminationGracePeriodSeconds": {}, "f:volumes": {}}})
_MANAGED_STATUS = json.dumps({"f:status": {"f:conditions": {f"k:{{\"type\":\"{kind}\"}}": {
    ".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}
    for kind in ("ContainersReady", "Initialized", "PodReadyToStartContainers", "Ready")},
    "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {}, "f:podIP": {},
    "f:podIPs": {".": {}, "k:{\"ip\":\"...\"}": {".": {}, "f:ip": {}}}, "f:startTime": {}}})


def _uid(rng: random.Random) -> str:
    """A version-4 UUID's text from ``rng`` (not ``uuid.uuid4``, which reads os.urandom)."""
    digits = f"{rng.getrandbits(128):032x}"
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{digits[16:20]}-{digits[20:]}"


def template_hash(rng: random.Random) -> str:
    """A ReplicaSet's pod-template hash: 10 characters of k8s rand.String's alphabet."""
    return "".join(rng.choices(_ALPHANUMERIC, k=10))


def exemplar_pod(rng: random.Random, namespace: str, name: str, node_name: str, template_hash: str) -> ExemplarPod:
    """One exemplar pod in ``namespace`` on ``node_name``, its UID, IP and container IDs from ``rng``.

    ``name`` is the population's drawn name; the pod is named as a Deployment's pods are,
    ``checkout-<template_hash>-<name>``: one Deployment per namespace, so within a
    namespace the keys keep the order of the drawn names.
    """
    full_name = f"checkout-{template_hash}-{name}"
    uid = _uid(rng)
    ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    host_ip = f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    env = [EnvVar(f"VAR_{i}", f"value-{i}-{template_hash}") for i in range(16)]
    mounts = [VolumeMount("config", "/etc/checkout", True), VolumeMount("cache", "/var/cache/checkout"),
              VolumeMount("kube-api-access", "/var/run/secrets/kubernetes.io/serviceaccount", True)]
    containers = [
        Container("checkout", _IMAGE, ["/bin/checkout"], ["--port=8080", "--metrics-port=9090", "--log-level=info"],
                  env, [ContainerPort("http", 8080), ContainerPort("metrics", 9090)],
                  {"cpu": "250m", "memory": "256Mi"}, {"cpu": "1", "memory": "512Mi"}, mounts,
                  Probe("/healthz", 8080, 10, 10), Probe("/ready", 8080, 5, 5)),
        Container("proxy", _SIDECAR_IMAGE, [], ["proxy", "sidecar", "--concurrency=2"],
                  [EnvVar("POD_NAME", full_name), EnvVar("POD_NAMESPACE", namespace), EnvVar("INSTANCE_IP", ip)],
                  [ContainerPort("proxy-admin", 15000)], {"cpu": "100m", "memory": "128Mi"},
                  {"cpu": "500m", "memory": "256Mi"}, mounts[2:], None, Probe("/healthz/ready", 15021, 1, 2)),
    ]
    init_containers = [
        Container("init-config", _SIDECAR_IMAGE, ["/bin/sh", "-c"], ["cp /defaults/* /etc/checkout/ && chmod 0640 /etc/checkout/*"],
                  [EnvVar("CONFIG_SOURCE", "/defaults"), EnvVar("POD_NAMESPACE", namespace)], [],
                  {"cpu": "10m", "memory": "16Mi"}, {"cpu": "100m", "memory": "64Mi"}, mounts[:1], None, None),
    ]
    volumes = [Volume("config", {"configMap": {"name": "checkout-config", "defaultMode": 420}}),
               Volume("cache", {"emptyDir": {"sizeLimit": "1Gi"}}),
               Volume("kube-api-access", {"projected": {"defaultMode": 420, "sources": [
                   {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                   {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                   {"downwardAPI": {"items": [{"path": "namespace",
                                               "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
               ]}})]
    tolerations = [Toleration("node.kubernetes.io/not-ready", "Exists", "NoExecute", 300),
                   Toleration("node.kubernetes.io/unreachable", "Exists", "NoExecute", 300)]
    metadata = ObjectMeta(
        full_name, f"checkout-{template_hash}-", namespace, uid, str(rng.randrange(1, 10**9)), _TIME,
        {"app": "checkout", "tier": "backend", "version": "v2.14.3", "pod-template-hash": template_hash},
        {"kubectl.kubernetes.io/restartedAt": _TIME, "prometheus.io/scrape": "true", "prometheus.io/port": "9090",
         "sidecar.istio.io/status": '{"initContainers":null,"containers":["proxy"],"volumes":["cache"],'
                                    '"imagePullSecrets":null,"revision":"default"}'},
        [OwnerReference("apps/v1", "ReplicaSet", f"checkout-{template_hash}", _uid(rng))],
        [ManagedFieldsEntry("kube-controller-manager", "Update", "v1", _TIME, "FieldsV1", _MANAGED_SPEC),
         ManagedFieldsEntry("kubelet", "Update", "v1", _TIME, "FieldsV1", _MANAGED_STATUS)])
    spec = PodSpec(init_containers, containers, volumes, tolerations, node_name, "checkout", "Always", "ClusterFirst",
                   "default-scheduler", 30, 0, True, "PreemptLowerPriority")
    status = PodStatus(
        "Running",
        [PodCondition(kind, "True", _TIME) for kind in
         ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")],
        host_ip, ip, [ip], _TIME,
        [ContainerStatus(container.name, True, True, 0, container.image, f"{container.image}@sha256:{rng.getrandbits(256):064x}",
                         f"containerd://{rng.getrandbits(256):064x}", _TIME) for container in containers],
        "Burstable")
    return ExemplarPod(metadata, spec, status)
