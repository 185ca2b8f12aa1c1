"""Ground truth for concurrent events, for the simulation and tests.

``ReferenceTracker`` is the naive design (close to an early #118438 iteration that gave
each in-flight pod its own event slice): every event is copied into the log of every pod
in flight.  It is obviously correct and O(I) per event, which is why upstream did not
ship it.  ``TeeTracker`` runs a tracker under test and a reference on the same calls.
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduling.events import ClusterEvent, ClusterEventRecord
from scheduling.pod import Pod
from scheduling.tracker import InFlightTracker


class ReferenceTracker:
    """Per-pod event logs. Pop O(1), event O(I), failure walk O(k_P), Done O(1)."""

    name = "reference"

    def __init__(self) -> None:
        self._logs: dict[str, list[ClusterEventRecord]] = {}

    def pod_popped(self, pod: Pod) -> None:
        self._logs[pod.uid] = []

    def event_received(self, event: ClusterEvent, old_obj: object | None, new_obj: object | None) -> None:
        record = ClusterEventRecord(event, old_obj, new_obj)
        for log in self._logs.values():
            log.append(record)

    def is_in_flight(self, uid: str) -> bool:
        return uid in self._logs

    def concurrent_events(self, uid: str) -> Iterator[ClusterEventRecord]:
        return iter(self._logs[uid])

    def done(self, uid: str) -> None:
        self._logs.pop(uid, None)

    def in_flight_count(self) -> int:
        return len(self._logs)

    def in_flight_uids(self) -> list[str]:
        return list(self._logs)

    def has_events(self) -> bool:
        """O(I)."""
        return any(self._logs.values())

    def events_kept(self) -> int:
        """Distinct records referenced by some log. O(total log length)."""
        return len({id(record) for log in self._logs.values() for record in log})

    def list_length(self) -> int:
        """Total log entries (this design has no shared list). O(I)."""
        return sum(len(log) for log in self._logs.values())


class TeeTracker:
    """Forwards every change to ``primary`` and ``shadow``; answers from ``primary``.

    Each operation costs the sum of both trackers' costs.
    """

    def __init__(self, primary: InFlightTracker, shadow: InFlightTracker) -> None:
        self.primary = primary
        self.shadow = shadow
        self.name = primary.name

    def pod_popped(self, pod: Pod) -> None:
        self.primary.pod_popped(pod)
        self.shadow.pod_popped(pod)

    def event_received(self, event: ClusterEvent, old_obj: object | None, new_obj: object | None) -> None:
        self.primary.event_received(event, old_obj, new_obj)
        self.shadow.event_received(event, old_obj, new_obj)

    def is_in_flight(self, uid: str) -> bool:
        return self.primary.is_in_flight(uid)

    def concurrent_events(self, uid: str) -> Iterator[ClusterEventRecord]:
        return self.primary.concurrent_events(uid)

    def done(self, uid: str) -> None:
        self.primary.done(uid)
        self.shadow.done(uid)

    def in_flight_count(self) -> int:
        return self.primary.in_flight_count()

    def in_flight_uids(self) -> list[str]:
        return self.primary.in_flight_uids()

    def has_events(self) -> bool:
        return self.primary.has_events()

    def events_kept(self) -> int:
        return self.primary.events_kept()

    def list_length(self) -> int:
        return self.primary.list_length()
