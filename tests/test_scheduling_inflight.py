"""In-flight tracking: the minimal bug sequence (steps 1-8 in the docstring of
scheduling.marker_tracker), the choices made for [unconfirmed] pre-fix details, and the
invariant checks. Upstream's own Test_InFlightPods table, for both trackers, is
tests/test_upstream_inflight_table.py."""

from __future__ import annotations

import pytest

from scheduling.clock import FakeClock
from scheduling.events import (
    ASSIGNED_POD_ADD,
    CSI_NODE_UPDATE,
    NODE_ADD,
    PV_ADD,
    PVC_ADD,
    ClusterEventRecord,
)
from scheduling.hints import QueueingHint, QueueingHintFunction, QueueingHintMap
from scheduling.invariants import assert_invariants, queue_violations, tracker_violations
from scheduling.list_tracker import ListTracker
from scheduling.marker_tracker import MarkerTracker
from scheduling.pod import DEFAULT_SCHEDULER, Pod, QueuedPodInfo
from scheduling.queue import PriorityQueue
from scheduling.timers import QueueTimers
from scheduling.tracker import TRACKER_NAMES, new_tracker

OBSERVED_EVENTS = (NODE_ADD, PV_ADD, PVC_ADD, CSI_NODE_UPDATE, ASSIGNED_POD_ADD)


def hint(plugin: str, result: QueueingHint) -> QueueingHintFunction:
    return QueueingHintFunction(plugin, lambda pod, old, new: result)


def make_queue(tracker: str, hint_map: QueueingHintMap | None = None) -> tuple[PriorityQueue, FakeClock, QueueTimers]:
    # "observer" registers every event of these tests so none is dropped as
    # uninteresting (upstream's test of that era had no such filter); it never rejects.
    base: QueueingHintMap = {event: [QueueingHintFunction("observer")] for event in OBSERVED_EVENTS}
    for event, functions in (hint_map or {}).items():
        base[event] = base.get(event, []) + functions
    clock = FakeClock()
    queue = PriorityQueue(clock, tracker, {DEFAULT_SCHEDULER: base})
    return queue, clock, QueueTimers(queue, clock)


def describe(values: list[Pod | ClusterEventRecord]) -> list[str]:
    return [value.name if isinstance(value, Pod) else value.event.label for value in values]


def list_of(queue: PriorityQueue) -> list[str]:
    tracker = queue.tracker
    assert isinstance(tracker, (ListTracker, MarkerTracker))
    return describe(tracker.list_values())


QUEUE = QueueingHint.QUEUE
POD1, POD2, POD3 = (Pod(uid=f"pod{i}", name=f"targetpod{i}", priority=10 - i) for i in (1, 2, 3))


# ----- the minimal bug sequence (steps 1-8 of scheduling.marker_tracker) -------------------

A, B = Pod(uid="a", name="A", priority=2), Pod(uid="b", name="B", priority=1)


def minimal_bug_queue(tracker: str, pending: bool) -> tuple[PriorityQueue, QueueTimers, QueuedPodInfo, QueuedPodInfo]:
    """Steps 1-4: Pop A, E1 (NodeAdd), Pop B, E2 (AssignedPodAdd); P's hint says Queue for E2."""
    queue, _, timers = make_queue(tracker, {ASSIGNED_POD_ADD: [hint("P", QUEUE)]})
    queue.add(A)
    queue.add(B)
    a = queue.pop()
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    b = queue.pop()
    queue.move_all_to_active_or_backoff_queue(ASSIGNED_POD_ADD)
    assert a is not None and b is not None and (a.pod, b.pod) == (A, B)
    if pending:
        b.pending_plugins = {"P"}
    else:
        b.unschedulable_plugins = {"P"}
    return queue, timers, a, b


def finish_a(queue: PriorityQueue, a: QueuedPodInfo, a_fails: bool) -> None:
    if a_fails:
        assert queue.add_unschedulable_if_not_present(a, queue.scheduling_cycle) == "backoffQ"
    else:
        queue.done(A.uid)


@pytest.mark.parametrize("a_fails", [False, True], ids=["A succeeds", "A fails"])
def test_minimal_bug_marker_parks_b_until_the_five_minute_flush(a_fails: bool) -> None:
    queue, timers, a, b = minimal_bug_queue("marker", pending=False)
    tracker = queue.tracker
    assert isinstance(tracker, MarkerTracker)
    assert list_of(queue) == ["NodeAdd", "AssignedPodAdd"]
    assert [e.in_flight_pods_num for e in tracker.received_events] == [1, 2]
    b_marker = tracker.in_flight_pods[B.uid].previous_event
    assert b_marker is not None and b_marker.value.event == NODE_ADD
    timers.advance_to(0.2)
    finish_a(queue, a, a_fails)  # step 5: E1's count reaches 0 and E1 is removed
    assert list_of(queue) == ["AssignedPodAdd"]
    assert b_marker.is_detached() and b_marker.next() is None
    assert list(tracker.concurrent_events(B.uid)) == []
    assert "marker of in-flight pod 'b' was removed from the list" in tracker_violations(tracker)
    timers.advance_to(0.5)
    assert queue.add_unschedulable_if_not_present(b, queue.scheduling_cycle) == "unschedulablePods"  # step 6
    # Step 7 (our choice): B's Done walks nothing from the detached marker, so E2 leaks.
    assert list_of(queue) == ["AssignedPodAdd"] and tracker.in_flight_count() == 0
    assert "1 events kept with no pod in flight" in queue_violations(queue)
    # Step 8: only the periodic flush helps; B failed at 0.5, so the first 30 s tick
    # with more than 300 s elapsed is at 330 s.
    timers.advance_to(329.99)
    assert queue.where(B) == "unschedulablePods"
    timers.advance_to(330.0)
    assert queue.where(B) == "activeQ"


@pytest.mark.parametrize("a_fails", [False, True], ids=["A succeeds", "A fails"])
@pytest.mark.parametrize(("pending", "destination"), [(False, "backoffQ"), (True, "activeQ")], ids=["P unschedulable", "P pending"])
def test_minimal_bug_list_requeues_b_at_once(a_fails: bool, pending: bool, destination: str) -> None:
    queue, timers, a, b = minimal_bug_queue("list", pending)
    assert list_of(queue) == ["A", "NodeAdd", "B", "AssignedPodAdd"]
    timers.advance_to(0.2)
    finish_a(queue, a, a_fails)
    assert list_of(queue) == ["B", "AssignedPodAdd"]  # A removed, NodeAdd pruned from the head
    assert_invariants(queue)
    timers.advance_to(0.5)
    assert queue.add_unschedulable_if_not_present(b, queue.scheduling_cycle) == destination
    assert list_of(queue) == []
    assert_invariants(queue)
    timers.advance_to(2.0)  # B's 1 s backoff ends at 1.5: retried on the 2 s tick
    assert queue.where(B) == "activeQ"


# ----- [unconfirmed] pre-fix choices --------------------------------------------------------


def test_marker_counts_pods_in_flight_at_arrival_and_removes_anywhere() -> None:
    queue, _, _ = make_queue("marker")
    for p in (POD1, POD2, POD3):
        queue.add(p)
    queue.pop()
    queue.move_all_to_active_or_backoff_queue(PV_ADD)
    queue.pop()
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    queue.pop()
    queue.move_all_to_active_or_backoff_queue(ASSIGNED_POD_ADD)
    tracker = queue.tracker
    assert isinstance(tracker, MarkerTracker)
    assert [e.in_flight_pods_num for e in tracker.received_events] == [1, 2, 3]
    queue.done(POD2.uid)  # only events after pod2's marker (PvAdd) are decremented
    assert [e.in_flight_pods_num for e in tracker.received_events] == [1, 1, 2]
    queue.done(POD1.uid)  # PvAdd and NodeAdd reach 0, although NodeAdd is pod3's marker
    assert list_of(queue) == ["AssignedPodAdd"]
    assert tracker.in_flight_pods[POD3.uid].previous_event is not None
    assert tracker.in_flight_pods[POD3.uid].previous_event.is_detached()  # type: ignore[union-attr]


def test_marker_leak_outlives_later_pods() -> None:
    queue, _, _, b = minimal_bug_queue("marker", pending=False)
    queue.done(A.uid)
    queue.add_unschedulable_if_not_present(b, queue.scheduling_cycle)
    later = Pod(uid="c", name="C")
    queue.add(later)
    queue.pop()
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    queue.done(later.uid)  # releases its own NodeAdd, not the leaked AssignedPodAdd
    assert list_of(queue) == ["AssignedPodAdd"]


def test_list_pruning_stops_at_the_next_pod() -> None:
    tracker = new_tracker("list")
    assert isinstance(tracker, ListTracker)
    tracker.pod_popped(POD1)
    tracker.event_received(PV_ADD, None, None)
    tracker.pod_popped(POD2)
    tracker.event_received(NODE_ADD, None, None)
    tracker.done(POD2.uid)  # from the middle: nothing pruned
    assert describe(tracker.list_values()) == ["targetpod1", "PvAdd", "NodeAdd"]
    tracker.done(POD1.uid)  # head pod gone: every event is pruned
    assert tracker.list_values() == [] and not tracker.has_events()


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_events_are_kept_only_while_a_pod_is_in_flight(tracker: str) -> None:
    instance = new_tracker(tracker)
    instance.event_received(NODE_ADD, None, None)
    assert instance.events_kept() == 0 and instance.list_length() == 0
    instance.pod_popped(POD1)
    instance.event_received(NODE_ADD, None, None)
    assert [r.event for r in instance.concurrent_events(POD1.uid)] == [NODE_ADD]
    assert instance.has_events() and instance.events_kept() == 1
    assert instance.list_length() == (2 if tracker == "list" else 1)
    with pytest.raises(KeyError):
        list(instance.concurrent_events("unknown"))


def test_unknown_tracker_name() -> None:
    with pytest.raises(ValueError, match="marker, list"):
        new_tracker("deque")


# ----- the invariant checks themselves ----------------------------------------------------


def test_invariants_catch_a_corrupted_list_tracker() -> None:
    tracker = ListTracker()
    tracker.pod_popped(POD1)
    head = tracker.in_flight_events.front()
    assert head is not None
    tracker.in_flight_events.remove(head)  # pod still in the map, not in the list
    tracker.in_flight_events.push_back(ClusterEventRecord(NODE_ADD))
    problems = tracker_violations(tracker)
    assert any("!= inFlightPods keys" in p for p in problems)
    assert any("not that pod's element" in p for p in problems)
    assert any("list head is the event NodeAdd" in p for p in problems)


def test_invariants_catch_a_pod_in_two_places() -> None:
    queue, _, _ = make_queue("list")
    queue.add(POD1)
    queue.pop()
    queue.backoff_q.add(QueuedPodInfo(POD1, 0.0))
    assert queue_violations(queue) == ["pod 'pod1' is in several places: ['backoffQ', 'in flight']"]
    with pytest.raises(AssertionError, match="several places"):
        assert_invariants(queue)
