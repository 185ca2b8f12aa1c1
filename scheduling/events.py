"""Cluster events as the queue sees them, and the record kept for in-flight pods."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag

WILDCARD = "*"


class ActionType(IntFlag):
    """What happened to a resource; a bitmask so registrations can cover several."""

    ADD = 1
    DELETE = 2
    UPDATE = 4
    ALL = ADD | DELETE | UPDATE


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    """A (resource, action) pair with a label, as in upstream ``framework.ClusterEvent``."""

    resource: str
    action_type: ActionType
    label: str

    def is_wildcard(self) -> bool:
        """The wildcard event forces every pod to be reconsidered. O(1)."""
        return self.resource == WILDCARD and self.action_type == ActionType.ALL

    def match(self, event: ClusterEvent) -> bool:
        """Does this registered event cover ``event``? O(1).

        Resources must be equal (or this one the wildcard resource) and the action
        bitmasks must intersect; the wildcard event matches everything.
        """
        if self.is_wildcard():
            return True
        if self.resource != WILDCARD and self.resource != event.resource:
            return False
        # int.__and__ skips building an IntFlag member: this runs for every event.
        return int.__and__(self.action_type, event.action_type) != 0


@dataclass(slots=True, eq=False)
class ClusterEventRecord:
    """One received event kept for in-flight pods: the event plus its old and new objects.

    Built by the tracker that keeps it (the pre-fix tracker adds a counter in a
    subclass) and never changed afterwards.  Identity equality on purpose: two NodeAdd
    events are distinct happenings.
    """

    event: ClusterEvent
    old_obj: object | None = None
    new_obj: object | None = None


NODE_ADD = ClusterEvent("Node", ActionType.ADD, "NodeAdd")
PV_ADD = ClusterEvent("PersistentVolume", ActionType.ADD, "PvAdd")
PVC_ADD = ClusterEvent("PersistentVolumeClaim", ActionType.ADD, "PvcAdd")
CSI_NODE_UPDATE = ClusterEvent("CSINode", ActionType.UPDATE, "CSINodeUpdate")
ASSIGNED_POD_ADD = ClusterEvent("Pod", ActionType.ADD, "AssignedPodAdd")
ASSIGNED_POD_DELETE = ClusterEvent("Pod", ActionType.DELETE, "AssignedPodDelete")
WILDCARD_EVENT = ClusterEvent(WILDCARD, ActionType.ALL, "WildCardEvent")
# Used by the periodic unschedulablePods flush; a wildcard, so it always means "retry".
UNSCHEDULABLE_TIMEOUT = ClusterEvent(WILDCARD, ActionType.ALL, "UnschedulableTimeout")
