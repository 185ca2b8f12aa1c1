"""The benchmark's pod: the small apiserver test Pod (``example.Pod``), its storage key
and its attributes for selection (``GetPodAttrs`` in cacher_test.go)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

RESOURCE_PREFIX = "/pods"

# The benchmark's pods have no labels; sharing one read-only empty mapping saves a dict per pod.
NO_LABELS: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class Pod:
    """A pod with just what LIST selection looks at. Treated as immutable once stored:
    the storage and the cache share it, as upstream shares the decoded object."""

    namespace: str
    name: str
    node_name: str
    restart_policy: str = "Always"
    phase: str = "Pending"
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)


def pod_key(namespace: str, name: str) -> str:
    """``NamespaceKeyFunc``: ``/pods/<namespace>/<name>``."""
    return f"{RESOURCE_PREFIX}/{namespace}/{name}"


def pod_attrs(obj: object) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Labels and selectable fields of a pod (the test pod's GetAttrs)."""
    if not isinstance(obj, Pod):
        raise TypeError(f"expected a Pod, got {type(obj).__name__}")
    return obj.labels, {
        "metadata.name": obj.name,
        "metadata.namespace": obj.namespace,
        "spec.nodeName": obj.node_name,
        "spec.restartPolicy": obj.restart_policy,
        "status.phase": obj.phase,
    }
