"""The protocol shared by the in-flight trackers, and selection by name.

A tracker remembers which pods are in flight (popped, attempt not finished) and which
cluster events arrived meanwhile, so that a failed pod can be judged against exactly
the events that happened during its attempt.

Notation for costs: I = pods in flight, E = events kept, k_P = events after P's marker,
m_P = other pods' elements after P's element.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from scheduling.events import ClusterEvent, ClusterEventRecord
from scheduling.list_tracker import ListTracker
from scheduling.marker_tracker import MarkerTracker
from scheduling.pod import Pod


class InFlightTracker(Protocol):
    """What the queue needs from an in-flight tracker."""

    name: str

    def pod_popped(self, pod: Pod) -> None:
        """Pod goes in flight (called by Pop)."""

    def event_received(self, event: ClusterEvent, old_obj: object | None, new_obj: object | None) -> None:
        """Keep a record of the event for the pods now in flight; ignored when none is."""

    def is_in_flight(self, uid: str) -> bool:
        """Has the pod been popped and not yet done?"""

    def concurrent_events(self, uid: str) -> Iterator[ClusterEventRecord]:
        """The events this tracker believes arrived since the pod's Pop, oldest first.

        Raises KeyError if the pod is not in flight.
        """

    def done(self, uid: str) -> None:
        """Pod leaves flight; unknown pods are ignored (Done may run twice)."""

    def in_flight_count(self) -> int:
        """Number of pods in flight."""

    def in_flight_uids(self) -> list[str]:
        """UIDs of the pods in flight."""

    def has_events(self) -> bool:
        """Is any event kept at all?"""

    def events_kept(self) -> int:
        """Number of event records kept."""

    def list_length(self) -> int:
        """Number of nodes in the tracker's list."""


TRACKER_NAMES: tuple[str, ...] = ("marker", "list")


def new_tracker(name: str) -> InFlightTracker:
    """Build the tracker called ``name`` (one of TRACKER_NAMES)."""
    if name == "marker":
        return MarkerTracker()
    if name == "list":
        return ListTracker()
    raise ValueError(f"unknown tracker {name!r}; choose one of {', '.join(TRACKER_NAMES)}")
