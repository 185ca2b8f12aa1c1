"""Invariant checks of the in-flight tracking, returning human-readable violations.

(i)   pod elements of the list = keys of inFlightPods (the check of upstream's test
      helper ``expectInFlightPods``, added by #120413 to scheduling_queue_test.go), each
      key mapping to its own node;
(ii)  "list": the head is a pod or the list is empty;
(iii) kept events: every kept event is still needed by an in-flight pod popped before it
      ("list": implied by (ii) and arrival order; "marker": each event's count equals the
      number of in-flight pods whose walk reaches it, which flags detached markers and
      leaked events).  The other half, "no needed event was dropped", needs history and
      is checked by the hypothesis reference-model test (tests/test_scheduling_stateful.py);
(iv)  each pod is in at most one of activeQ, backoffQ, unschedulablePods, in flight
      (exactly one for pods not yet scheduled: see ``pod_places``).

All checks are O(I * E) at worst; they are for tests, not hot paths.
"""

from __future__ import annotations

from collections import Counter

from scheduling.events import ClusterEventRecord
from scheduling.list_tracker import ListTracker
from scheduling.marker_tracker import MarkerTracker
from scheduling.pod import Pod
from scheduling.queue import PriorityQueue
from scheduling.reference import TeeTracker
from scheduling.tracker import InFlightTracker


def _list_tracker_violations(tracker: ListTracker) -> list[str]:
    problems: list[str] = []
    pods_in_list = [v.uid for v in tracker.in_flight_events if isinstance(v, Pod)]
    duplicates = [uid for uid, n in Counter(pods_in_list).items() if n > 1]
    if duplicates:
        problems.append(f"pods with several elements in the list: {duplicates}")
    if set(pods_in_list) != set(tracker.in_flight_pods):
        problems.append(f"pod elements {sorted(pods_in_list)} != inFlightPods keys {sorted(tracker.in_flight_pods)}")
    for uid, element in tracker.in_flight_pods.items():
        value = element.value
        if element.is_detached() or not isinstance(value, Pod) or value.uid != uid:
            problems.append(f"inFlightPods[{uid!r}] is not that pod's element in the list")
    head = tracker.in_flight_events.front()
    if head is not None and isinstance(head.value, ClusterEventRecord):
        problems.append(f"list head is the event {head.value.event.label}, not a pod")
    return problems


def _marker_tracker_violations(tracker: MarkerTracker) -> list[str]:
    problems: list[str] = []
    reaching: Counter[int] = Counter()
    for uid, in_flight in tracker.in_flight_pods.items():
        marker = in_flight.previous_event
        if marker is not None and marker.is_detached():
            problems.append(f"marker of in-flight pod {uid!r} was removed from the list")
        for record in tracker.concurrent_events(uid):
            reaching[id(record)] += 1
    for received in tracker.received_events:
        label = received.event.label
        count = received.in_flight_pods_num
        if count <= 0:
            problems.append(f"event {label} kept with count {count}")
        if count != reaching[id(received)]:
            problems.append(f"event {label} has count {count} but {reaching[id(received)]} in-flight pods reach it")
    return problems


def tracker_violations(tracker: InFlightTracker) -> list[str]:
    """Violations of (i)-(iii) for a tracker (a TeeTracker is checked on both sides)."""
    if isinstance(tracker, TeeTracker):
        return tracker_violations(tracker.primary) + tracker_violations(tracker.shadow)
    problems: list[str] = []
    if tracker.in_flight_count() == 0 and tracker.events_kept() > 0:
        problems.append(f"{tracker.events_kept()} events kept with no pod in flight")
    if isinstance(tracker, ListTracker):
        problems += _list_tracker_violations(tracker)
    elif isinstance(tracker, MarkerTracker):
        problems += _marker_tracker_violations(tracker)
    return problems


def pod_places(queue: PriorityQueue) -> dict[str, list[str]]:
    """Where each known pod is: activeQ, backoffQ, unschedulablePods and/or "in flight".

    A pod whose attempt succeeded is in none; a caller that knows which pods should
    still exist can check that each of them has exactly one place.  O(A + B + U + I).
    """
    places: dict[str, list[str]] = {}
    for pinfo in queue.active_q:
        places.setdefault(pinfo.pod.uid, []).append("activeQ")
    for pinfo in queue.backoff_q:
        places.setdefault(pinfo.pod.uid, []).append("backoffQ")
    for pinfo in queue.unschedulable_pods.values():
        places.setdefault(pinfo.pod.uid, []).append("unschedulablePods")
    for uid in queue.tracker.in_flight_uids():
        places.setdefault(uid, []).append("in flight")
    return places


def queue_violations(queue: PriorityQueue) -> list[str]:
    """Violations of (iv), plus the tracker's own when queueing hints are enabled."""
    problems = [
        f"unschedulablePods key {key!r} holds pod {pinfo.pod.full_name!r}"
        for key, pinfo in queue.unschedulable_pods.items()
        if key != pinfo.pod.full_name
    ]
    places = pod_places(queue)
    problems += [f"pod {uid!r} is in several places: {where}" for uid, where in places.items() if len(where) > 1]
    if queue.queueing_hints_enabled:
        problems += tracker_violations(queue.tracker)
    elif queue.tracker.in_flight_count() or queue.tracker.events_kept():
        problems.append("hints are disabled but the tracker holds pods or events")
    return problems


def assert_invariants(queue: PriorityQueue) -> None:
    """Raise AssertionError listing every violation, if any."""
    problems = queue_violations(queue)
    if problems:
        raise AssertionError("queue invariants violated:\n  " + "\n  ".join(problems))
