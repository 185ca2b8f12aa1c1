"""The fix (kubernetes PR #120413, v1.28.2+ and v1.29.0+): the "list" tracker.

``in_flight_events`` holds pods and events in one list in arrival order; a pod's own
element is its marker and stays until the pod is done, so it can never be removed while
needed.  Only events at the head are pruned, so the head is always a pod (or the list is
empty) and every kept event was received after some still-in-flight pod's Pop.

Notation: I = pods in flight, E = events kept, k_P = events after P's element,
m_P = other pods' elements after P's element, p = events pruned by one Done.
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduling.events import ClusterEvent, ClusterEventRecord
from scheduling.linkedlist import Element, LinkedList
from scheduling.pod import Pod


class ListTracker:
    """Post-fix tracker. Costs: Pop O(1), event O(1), failure walk O(k_P + m_P),
    Done O(1 + p), amortised O(1) per event since each event is pruned once."""

    name = "list"

    def __init__(self) -> None:
        self.in_flight_events: LinkedList[Pod | ClusterEventRecord] = LinkedList()
        self.in_flight_pods: dict[str, Element[Pod | ClusterEventRecord]] = {}

    def pod_popped(self, pod: Pod) -> None:
        """Append the pod's own element and index it. O(1)."""
        self.in_flight_pods[pod.uid] = self.in_flight_events.push_back(pod)

    def event_received(self, event: ClusterEvent, old_obj: object | None, new_obj: object | None) -> None:
        """Append the event; nothing kept if no pod is in flight. O(1)."""
        if self.in_flight_pods:
            self.in_flight_events.push_back(ClusterEventRecord(event, old_obj, new_obj))

    def is_in_flight(self, uid: str) -> bool:
        """O(1)."""
        return uid in self.in_flight_pods

    def concurrent_events(self, uid: str) -> Iterator[ClusterEventRecord]:
        """Events after the pod's element, skipping other pods. O(k_P + m_P)."""
        element = self.in_flight_pods[uid].next()
        while element is not None:
            value = element.value
            if isinstance(value, ClusterEventRecord):
                yield value
            element = element.next()

    def done(self, uid: str) -> None:
        """Unlink the pod's element, then prune events at the head. O(1 + p)."""
        element = self.in_flight_pods.pop(uid, None)
        if element is None:
            return
        events = self.in_flight_events
        events.remove(element)
        head = events.front()
        while head is not None and isinstance(head.value, ClusterEventRecord):
            events.remove(head)
            head = events.front()

    def in_flight_count(self) -> int:
        """O(1)."""
        return len(self.in_flight_pods)

    def in_flight_uids(self) -> list[str]:
        """O(I)."""
        return list(self.in_flight_pods)

    def has_events(self) -> bool:
        """Upstream's test: more elements than in-flight pods. O(1)."""
        return len(self.in_flight_events) > len(self.in_flight_pods)

    def events_kept(self) -> int:
        """O(1)."""
        return len(self.in_flight_events) - len(self.in_flight_pods)

    def list_length(self) -> int:
        """Pods plus events: I + E. O(1)."""
        return len(self.in_flight_events)

    def list_values(self) -> list[Pod | ClusterEventRecord]:
        """The mixed list front to back, for the tests. O(I + E)."""
        return list(self.in_flight_events)
