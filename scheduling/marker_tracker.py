"""The first design (kubernetes PR #118438, v1.28.0-v1.28.1): the buggy "marker" tracker.

``received_events`` is a list of events only.  At Pop a pod remembers the newest event
(the tail) as its ``previous_event`` marker.  Each event counts the pods that were in
flight when it arrived and is removed, wherever it is in the list, once they are all
done.  Such an event can be another in-flight pod's marker: the marker is then detached,
``next()`` on it returns None, and that pod sees no concurrent events at all.

The smallest sequence that shows it, with plugin P's hint answering Queue for E2 (the
interleaving of the post-fix ``Test_InFlightPods`` case "pod is enqueued to activeQ
because the failed plugin has a hint fn and it returns Queue for a concurrent event that
was received while some other pod was in flight", in scheduling_queue_test.go):

1. Pop A (no event yet: A's marker is None).
2. Event E1 arrives, count 1.
3. Pop B: B's marker is E1.
4. Event E2 arrives, count 2.
5. A finishes (success or failure, both end in Done): E1 reaches 0 and is removed, so
   B's marker is detached; E2 drops to 1.
6. B fails, rejected by P: the walk from its detached marker finds no event, so B is
   parked in unschedulablePods (the fix sends it to backoffQ, or to activeQ if P is a
   Pending plugin).
7. B's Done walks nothing either, so E2 is never released (the choice made in
   ``MarkerTracker.done``).
8. Unless a later event makes P answer Queue, only the 5-minute unschedulablePods flush
   (30 s ticker) requeues B: 300-330 s after its failure instead of a 1 s backoff.

Notation: I = pods in flight, E = events kept, k_P = events after P's marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scheduling.events import ClusterEvent, ClusterEventRecord
from scheduling.linkedlist import Element, LinkedList
from scheduling.pod import Pod


@dataclass(slots=True, eq=False)
class ReceivedEvent(ClusterEventRecord):
    """An event record in ``received_events`` with its reference count.

    [unconfirmed] The description of #120413 only states the rule: an event is removed
    once all pods in flight at its arrival are done.  We implement it as a per-event count
    set to the in-flight pod count at arrival and decremented by each such pod's Done
    (the field name ``inFlightPodsNum`` is a guess).  Reason: with one marker per pod and
    no per-pod event list, a counter is the only O(1)-per-event state that can express
    that rule, and an earlier #118438 iteration used counters (alculquicondor's review
    asked to decrement only events that happened after the pod became in flight).
    """

    in_flight_pods_num: int = 0


@dataclass(slots=True, eq=False)
class InFlightPod:
    """Upstream's pre-fix in-flight record: only the marker."""

    previous_event: Element[ReceivedEvent] | None


class MarkerTracker:
    """Pre-fix tracker. Costs: Pop O(1), event O(1), failure walk O(k_P), Done O(k_P)."""

    name = "marker"

    def __init__(self) -> None:
        self.received_events: LinkedList[ReceivedEvent] = LinkedList()
        self.in_flight_pods: dict[str, InFlightPod] = {}

    def pod_popped(self, pod: Pod) -> None:
        """Remember the newest event (or None if there is none) as the marker. O(1)."""
        self.in_flight_pods[pod.uid] = InFlightPod(self.received_events.back())

    def event_received(self, event: ClusterEvent, old_obj: object | None, new_obj: object | None) -> None:
        """Append with a count of the pods in flight now; nothing kept if none is. O(1)."""
        if self.in_flight_pods:
            self.received_events.push_back(ReceivedEvent(event, old_obj, new_obj, len(self.in_flight_pods)))

    def is_in_flight(self, uid: str) -> bool:
        """O(1)."""
        return uid in self.in_flight_pods

    def _walk_start(self, uid: str) -> Element[ReceivedEvent] | None:
        marker = self.in_flight_pods[uid].previous_event
        if marker is None:
            # The list was empty at Pop, so everything in it arrived later.
            return self.received_events.front()
        # If the marker has been removed this is None (Go semantics): the bug.
        return marker.next()

    def concurrent_events(self, uid: str) -> Iterator[ClusterEventRecord]:
        """Events after the marker, oldest first; none if the marker was removed. O(k_P)."""
        element = self._walk_start(uid)
        while element is not None:
            yield element.value
            element = element.next()

    def done(self, uid: str) -> None:
        """Decrement every event after the marker and drop those reaching 0. O(k_P).

        [unconfirmed] What pre-fix Done did with a detached marker (step 7 of the
        sequence in the module docstring).  Choice: it walks from ``marker.next()``
        exactly like the failure path, so a detached marker walks nothing and the later
        events it should have released keep a count above zero forever: a leak, reported
        by the invariant checks.  Reason: Go's ``container/list`` does not export whether
        an element is still in a list (``Element.list`` is private), so the pre-fix code
        had no way to notice the detachment and fall back to the front; and the failure
        path, as the #118438 review shows it, also starts at ``previousEvent.Next()``.
        """
        if uid not in self.in_flight_pods:
            return
        element = self._walk_start(uid)
        del self.in_flight_pods[uid]
        while element is not None:
            # Read the successor first: removing the element clears its next pointer.
            following = element.next()
            received = element.value
            received.in_flight_pods_num -= 1
            if received.in_flight_pods_num == 0:
                # Removal anywhere in the list, even if it is another pod's marker.
                self.received_events.remove(element)
            element = following

    def in_flight_count(self) -> int:
        """O(1)."""
        return len(self.in_flight_pods)

    def in_flight_uids(self) -> list[str]:
        """O(I)."""
        return list(self.in_flight_pods)

    def has_events(self) -> bool:
        """O(1)."""
        return len(self.received_events) > 0

    def events_kept(self) -> int:
        """O(1)."""
        return len(self.received_events)

    def list_length(self) -> int:
        """Events only: pods have no node in this design. O(1)."""
        return len(self.received_events)

    def list_values(self) -> list[Pod | ClusterEventRecord]:
        """The event records front to back, for the tests. O(E)."""
        return list(self.received_events)
