"""Pods and the per-pod queue bookkeeping (upstream ``QueuedPodInfo``)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SCHEDULER = "default-scheduler"


@dataclass(frozen=True, slots=True)
class Pod:
    """The parts of a pod the queue looks at."""

    uid: str
    name: str
    namespace: str = "default"
    priority: int = 0
    scheduler_name: str = DEFAULT_SCHEDULER

    @property
    def full_name(self) -> str:
        """Key of activeQ, backoffQ and unschedulablePods (namespace/name)."""
        return f"{self.namespace}/{self.name}"


@dataclass(slots=True, eq=False)
class QueuedPodInfo:
    """Mutable queue state of one pod.

    ``timestamp`` is refreshed on every re-add after a failure and drives both backoff
    and the 5-minute flush; ``attempts`` is incremented by Pop; the plugin sets are
    filled by a failed attempt and cleared by the next Pop.
    """

    pod: Pod
    timestamp: float
    attempts: int = 0
    unschedulable_plugins: set[str] = field(default_factory=set)
    pending_plugins: set[str] = field(default_factory=set)
    gated: bool = False

    def rejector_plugins(self) -> set[str]:
        """Unschedulable plus Pending plugins. O(plugins)."""
        return self.unschedulable_plugins | self.pending_plugins
