"""Unit tests of the queue parts: ordering, backoff and flush timing, hint outcomes,
errors and the legacy (hints disabled) path."""

from __future__ import annotations

import pytest

from scheduling.clock import FakeClock
from scheduling.events import (
    ASSIGNED_POD_ADD,
    NODE_ADD,
    PV_ADD,
    PVC_ADD,
    UNSCHEDULABLE_TIMEOUT,
    WILDCARD_EVENT,
    ClusterEvent,
)
from scheduling.hints import QueueingHint, QueueingHintFn, QueueingHintFunction, QueueingHintMap
from scheduling.invariants import assert_invariants
from scheduling.pod import DEFAULT_SCHEDULER, Pod, QueuedPodInfo
from scheduling.queue import SCHEDULING_GATES, PreEnqueuePlugin, PriorityQueue, QueueError
from scheduling.timers import QueueTimers
from scheduling.tracker import TRACKER_NAMES

QUEUE = QueueingHint.QUEUE
SKIP = QueueingHint.QUEUE_SKIP


def returns(hint: QueueingHint) -> QueueingHintFn:
    return lambda pod, old, new: hint


def raises(pod: Pod, old: object | None, new: object | None) -> QueueingHint:
    raise RuntimeError("hint function failed")


def make_queue(
    hint_map: QueueingHintMap | None = None, tracker: str = "list", **options: object
) -> tuple[PriorityQueue, FakeClock, QueueTimers]:
    clock = FakeClock()
    # "observer" registers every event used here so none is dropped as uninteresting; it
    # never rejects a pod, so its hints are never consulted.
    base: QueueingHintMap = {e: [QueueingHintFunction("observer")] for e in (NODE_ADD, PV_ADD, PVC_ADD, ASSIGNED_POD_ADD)}
    for event, functions in (hint_map or {}).items():
        base[event] = base.get(event, []) + functions
    queue = PriorityQueue(clock, tracker, {DEFAULT_SCHEDULER: base}, **options)  # type: ignore[arg-type]
    return queue, clock, QueueTimers(queue, clock)


def pod(name: str, priority: int = 0, scheduler: str = DEFAULT_SCHEDULER) -> Pod:
    return Pod(uid=f"uid-{name}", name=name, priority=priority, scheduler_name=scheduler)


def popped(queue: PriorityQueue, expected: Pod) -> QueuedPodInfo:
    pinfo = queue.pop()
    assert pinfo is not None and pinfo.pod == expected
    return pinfo


def fail(
    queue: PriorityQueue, pinfo: QueuedPodInfo, unschedulable: frozenset[str] | set[str] = frozenset(), pending: frozenset[str] | set[str] = frozenset()
) -> str:
    pinfo.unschedulable_plugins = set(unschedulable)
    pinfo.pending_plugins = set(pending)
    destination = queue.add_unschedulable_if_not_present(pinfo, queue.scheduling_cycle)
    assert_invariants(queue)
    return destination


# ----- activeQ and Pop --------------------------------------------------------------


def test_active_q_orders_by_priority_then_timestamp() -> None:
    queue, clock, _ = make_queue()
    early, late, high = pod("early"), pod("late"), pod("high", priority=5)
    queue.add(early)
    clock.step(1)
    queue.add(late)
    clock.step(1)
    queue.add(high)
    assert [queue.pop().pod for _ in range(3)] == [high, early, late]  # type: ignore[union-attr]
    assert queue.pop() is None


def test_pop_counts_attempts_and_cycles_and_clears_plugins() -> None:
    queue, _, _ = make_queue({PV_ADD: [QueueingHintFunction("foo", returns(QUEUE))]})
    target = pod("p")
    queue.add(target)
    first = popped(queue, target)
    assert (first.attempts, queue.scheduling_cycle) == (1, 1)
    assert fail(queue, first, {"bar"}, {"foo"}) == "unschedulablePods"
    queue.move_all_to_active_or_backoff_queue(PV_ADD)  # Pending plugin says Queue: activeQ
    second = popped(queue, target)
    assert (second.attempts, queue.scheduling_cycle) == (2, 2)
    assert second.unschedulable_plugins == set() and second.pending_plugins == set()


# ----- backoff -----------------------------------------------------------------------


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (6, 10), (100, 10)])
def test_backoff_doubles_from_one_second_up_to_ten(attempts: int, seconds: float) -> None:
    queue, _, _ = make_queue()
    assert queue.backoff_duration(QueuedPodInfo(pod("p"), timestamp=0.0, attempts=attempts)) == seconds


@pytest.mark.parametrize(("attempt", "fail_at", "ready_at"), [(1, 0.5, 2.0), (1, 1.0, 2.0), (2, 0.5, 3.0), (3, 0.25, 5.0)])
def test_backoff_q_is_flushed_on_the_first_one_second_tick_after_expiry(attempt: int, fail_at: float, ready_at: float) -> None:
    queue, _, timers = make_queue()
    target = pod("p")
    queue.add(target)
    for _ in range(attempt - 1):  # earlier failed attempts, each retried at once
        fail(queue, popped(queue, target))
        retried = queue.backoff_q.delete(target.full_name)
        assert retried is not None
        queue.active_q.add(retried)
    pinfo = popped(queue, target)
    assert pinfo.attempts == attempt
    timers.advance_to(fail_at)
    assert fail(queue, pinfo) == "backoffQ"  # no rejector plugin: retry after backoff
    timers.advance_to(ready_at - 0.01)
    assert queue.where(target) == "backoffQ"
    timers.advance_to(ready_at)
    assert queue.where(target) == "activeQ"


def test_backoff_q_flush_releases_pods_in_expiry_order_and_stops_at_the_first_unexpired() -> None:
    queue, _, timers = make_queue()
    early, late = pod("early"), pod("late")
    queue.backoff_q.add(QueuedPodInfo(late, timestamp=0.2, attempts=2))  # expires at 2.2
    queue.backoff_q.add(QueuedPodInfo(early, timestamp=0.6, attempts=1))  # expires at 1.6
    assert queue.backoff_q.peek().pod == early  # type: ignore[union-attr]
    timers.advance_to(2.0)
    assert (queue.where(early), queue.where(late)) == ("activeQ", "backoffQ")
    timers.advance_to(3.0)
    assert queue.where(late) == "activeQ"


# ----- unschedulablePods flush --------------------------------------------------------


@pytest.mark.parametrize(("fail_at", "moved_at"), [(0.0, 330.0), (0.5, 330.0), (29.9, 330.0), (30.0, 360.0)])
def test_unschedulable_pods_flushed_after_five_minutes_on_a_thirty_second_tick(fail_at: float, moved_at: float) -> None:
    queue, _, timers = make_queue()
    target = pod("p")
    queue.add(target)
    pinfo = popped(queue, target)
    timers.advance_to(fail_at)
    assert fail(queue, pinfo, {"foo"}) == "unschedulablePods"  # no event at all
    timers.advance_to(moved_at - 0.01)
    assert queue.where(target) == "unschedulablePods"
    timers.advance_to(moved_at)
    assert queue.where(target) == "activeQ"  # backoff (1 s) long over


def test_flush_records_unschedulable_timeout_only_when_a_pod_is_due() -> None:
    queue, clock, _ = make_queue()
    parked, flying = pod("parked"), pod("flying")
    queue.add(parked)
    fail(queue, popped(queue, parked), {"foo"})
    queue.add(flying)
    popped(queue, flying)
    clock.set(100)
    assert queue.flush_unschedulable_pods_leftover() == 0
    assert queue.tracker.events_kept() == 0
    clock.set(301)
    assert queue.flush_unschedulable_pods_leftover() == 1
    assert [v.event for v in queue.tracker.list_values()[1:]] == [UNSCHEDULABLE_TIMEOUT]  # type: ignore[attr-defined]


# ----- hint outcomes on the failure path ------------------------------------------------


HINT_CASES = {
    "no failed plugin -> backoffQ": ({ASSIGNED_POD_ADD: [QueueingHintFunction("foo", returns(QUEUE))]}, ASSIGNED_POD_ADD, set(), set(), "backoffQ"),
    "no hint for the event -> unschedulablePods": ({ASSIGNED_POD_ADD: [QueueingHintFunction("foo", returns(QUEUE))]}, NODE_ADD, {"foo"}, set(), "unschedulablePods"),
    "hint says Skip -> unschedulablePods": ({ASSIGNED_POD_ADD: [QueueingHintFunction("foo", returns(SKIP))]}, ASSIGNED_POD_ADD, {"foo"}, set(), "unschedulablePods"),
    "Pending plugin says Queue -> activeQ": (
        {ASSIGNED_POD_ADD: [QueueingHintFunction("foo3", returns(SKIP)), QueueingHintFunction("foo2", returns(QUEUE)), QueueingHintFunction("foo1", returns(QUEUE))]},
        ASSIGNED_POD_ADD, {"foo2", "foo3"}, {"foo1"}, "activeQ",
    ),
    "Queue and Skip from Unschedulable plugins -> backoffQ": (
        {ASSIGNED_POD_ADD: [QueueingHintFunction("foo2", returns(SKIP)), QueueingHintFunction("foo1", returns(QUEUE))]},
        ASSIGNED_POD_ADD, {"foo1", "foo2"}, set(), "backoffQ",
    ),
    "Unschedulable Queue, Pending Skip -> backoffQ": (
        {ASSIGNED_POD_ADD: [QueueingHintFunction("foo1", returns(QUEUE)), QueueingHintFunction("foo2", returns(SKIP))]},
        ASSIGNED_POD_ADD, {"foo1"}, {"foo2"}, "backoffQ",
    ),
    "hint raising counts as Queue -> backoffQ": ({ASSIGNED_POD_ADD: [QueueingHintFunction("foo", raises)]}, ASSIGNED_POD_ADD, {"foo"}, set(), "backoffQ"),
    "Pending plugin hint raising -> activeQ": ({ASSIGNED_POD_ADD: [QueueingHintFunction("foo", raises)]}, ASSIGNED_POD_ADD, set(), {"foo"}, "activeQ"),
    "registered without hint fn means Queue -> backoffQ": ({ASSIGNED_POD_ADD: [QueueingHintFunction("foo")]}, ASSIGNED_POD_ADD, {"foo"}, set(), "backoffQ"),
    "wildcard event -> backoffQ": ({}, WILDCARD_EVENT, {"foo"}, set(), "backoffQ"),
    "wildcard resource registration matches -> backoffQ": (
        {ClusterEvent("*", ASSIGNED_POD_ADD.action_type, "AnyAdd"): [QueueingHintFunction("foo", returns(QUEUE))]},
        NODE_ADD, {"foo"}, set(), "backoffQ",
    ),
}


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
@pytest.mark.parametrize("case", HINT_CASES, ids=list(HINT_CASES))
def test_failed_pod_goes_where_its_hints_say(case: str, tracker: str) -> None:
    hint_map, event, unschedulable, pending, expected = HINT_CASES[case]
    queue, _, _ = make_queue(hint_map, tracker)
    target = pod("p")
    queue.add(target)
    pinfo = popped(queue, target)
    queue.move_all_to_active_or_backoff_queue(event)
    assert fail(queue, pinfo, unschedulable, pending) == expected
    assert queue.tracker.list_length() == 0


def test_later_pending_queue_beats_earlier_unschedulable_queue() -> None:
    # With a Pending plugin the walk must go on after an afterBackoff verdict.
    hint_map = {NODE_ADD: [QueueingHintFunction("unsched", returns(QUEUE))], PV_ADD: [QueueingHintFunction("pending", returns(QUEUE))]}
    queue, _, _ = make_queue(hint_map)
    target = pod("p")
    queue.add(target)
    pinfo = popped(queue, target)
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    queue.move_all_to_active_or_backoff_queue(PV_ADD)
    assert fail(queue, pinfo, {"unsched"}, {"pending"}) == "activeQ"


def test_hint_functions_see_the_event_objects() -> None:
    seen: list[tuple[object, object]] = []

    def record(pod: Pod, old: object | None, new: object | None) -> QueueingHint:
        seen.append((old, new))
        return SKIP

    queue, _, _ = make_queue({NODE_ADD: [QueueingHintFunction("foo", record)]})
    target = pod("p")
    queue.add(target)
    pinfo = popped(queue, target)
    queue.move_all_to_active_or_backoff_queue(NODE_ADD, "old-node", "new-node")
    fail(queue, pinfo, {"foo"})
    assert seen == [("old-node", "new-node")]


def test_profile_without_hint_map_retries_after_backoff() -> None:
    queue, _, _ = make_queue()
    target = pod("p", scheduler="other-scheduler")
    queue.add(target)
    pinfo = popped(queue, target)
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    assert fail(queue, pinfo, {"foo"}) == "backoffQ"


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_failure_of_a_pod_not_in_flight(tracker: str) -> None:
    queue, _, _ = make_queue(tracker=tracker)
    stranger, other = pod("stranger"), pod("other")
    lookup = QueuedPodInfo(stranger, timestamp=0.0)
    assert fail(queue, lookup, {"foo"}) == "backoffQ"  # rejectors: treated as an internal error, retried
    queue.backoff_q.delete(stranger.full_name)
    assert fail(queue, QueuedPodInfo(stranger, timestamp=0.0)) == "unschedulablePods"  # nothing kept
    queue.unschedulable_pods.clear()
    queue.add(other)
    popped(queue, other)
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    assert fail(queue, QueuedPodInfo(stranger, timestamp=0.0)) == "backoffQ"  # some event is kept


# ----- receiving events ---------------------------------------------------------------


def test_event_requeues_parked_pods_by_hint_and_backoff() -> None:
    hint_map = {NODE_ADD: [QueueingHintFunction("fit", returns(QUEUE))], PV_ADD: [QueueingHintFunction("volume", returns(SKIP))]}
    queue, clock, _ = make_queue(hint_map)
    fresh, stale, other = pod("fresh"), pod("stale"), pod("other")
    for p in (stale, other):
        queue.add(p)
    fail(queue, popped(queue, stale), {"fit"})
    fail(queue, popped(queue, other), {"volume"})
    clock.step(5)  # stale's backoff (1 s) is over
    queue.add(fresh)
    fail(queue, popped(queue, fresh), {"fit"})
    assert queue.move_all_to_active_or_backoff_queue(PV_ADD) == 0
    assert queue.move_all_to_active_or_backoff_queue(NODE_ADD) == 2
    assert (queue.where(stale), queue.where(fresh), queue.where(other)) == ("activeQ", "backoffQ", "unschedulablePods")


def test_pre_check_limits_the_candidates() -> None:
    queue, _, _ = make_queue({NODE_ADD: [QueueingHintFunction("fit", returns(QUEUE))]})
    chosen, ignored = pod("chosen"), pod("ignored")
    for p in (chosen, ignored):
        queue.add(p)
        fail(queue, popped(queue, p), {"fit"})
    queue.move_all_to_active_or_backoff_queue(NODE_ADD, pre_check=lambda p: p.name == "chosen")
    assert (queue.where(chosen), queue.where(ignored)) == ("backoffQ", "unschedulablePods")


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_event_nobody_registered_is_neither_requeued_nor_recorded(tracker: str) -> None:
    queue, _, _ = make_queue({NODE_ADD: [QueueingHintFunction("fit", returns(QUEUE))]}, tracker)
    parked, flying = pod("parked"), pod("flying")
    queue.add(parked)
    fail(queue, popped(queue, parked), set())  # no rejector: any event would move it
    queue.backoff_q.delete(parked.full_name)
    queue.unschedulable_pods[parked.full_name] = QueuedPodInfo(parked, 0.0)
    queue.add(flying)
    popped(queue, flying)
    unknown = ClusterEvent("ConfigMap", NODE_ADD.action_type, "ConfigMapAdd")
    assert queue.move_all_to_active_or_backoff_queue(unknown) == 0
    assert queue.where(parked) == "unschedulablePods" and queue.tracker.events_kept() == 0


def test_gates() -> None:
    allowed: set[str] = set()
    gate = PreEnqueuePlugin(SCHEDULING_GATES, lambda p: p.name in allowed)
    queue, _, _ = make_queue({NODE_ADD: [QueueingHintFunction("fit", returns(QUEUE))]}, pre_enqueue_plugins={DEFAULT_SCHEDULER: [gate]})
    target = pod("p")
    assert queue.add(target) == "unschedulablePods"
    pinfo = queue.unschedulable_pods[target.full_name]
    assert pinfo.gated and SCHEDULING_GATES in pinfo.unschedulable_plugins
    assert not queue.is_backing_off(pinfo)  # gated pods never back off
    assert queue.move_all_to_active_or_backoff_queue(NODE_ADD) == 0  # only a pod update lifts a gate
    assert queue.pop() is None


# ----- errors and Done ------------------------------------------------------------------


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
@pytest.mark.parametrize("already_in", ["activeQ", "backoffQ", "unschedulablePods"])
def test_adding_a_pod_where_it_already_is_fails_but_done_still_runs(already_in: str, tracker: str) -> None:
    queue, _, _ = make_queue(tracker=tracker)
    target = pod("p")
    queue.add(target)
    pinfo = popped(queue, target)
    copy = QueuedPodInfo(target, 0.0)
    {"activeQ": queue.active_q.add, "backoffQ": queue.backoff_q.add, "unschedulablePods": lambda p: queue.unschedulable_pods.__setitem__(p.pod.full_name, p)}[already_in](copy)
    with pytest.raises(QueueError, match=already_in):
        queue.add_unschedulable_if_not_present(pinfo, queue.scheduling_cycle)
    assert not queue.tracker.is_in_flight(target.uid)
    assert queue.where(target) == already_in


def test_add_rejects_a_pod_already_queued_or_in_flight() -> None:
    queue, _, _ = make_queue()
    target = pod("p")
    queue.add(target)
    with pytest.raises(QueueError):
        queue.add(target)
    popped(queue, target)
    with pytest.raises(QueueError):
        queue.add(target)


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
def test_done_of_an_unknown_pod_is_a_no_op(tracker: str) -> None:
    queue, _, _ = make_queue(tracker=tracker)
    target = pod("p")
    queue.add(target)
    popped(queue, target)
    queue.move_all_to_active_or_backoff_queue(NODE_ADD)
    before = list(queue.tracker.list_values())  # type: ignore[attr-defined]
    queue.done("no-such-uid")
    assert queue.tracker.list_values() == before  # type: ignore[attr-defined]
    queue.done(target.uid)
    queue.done(target.uid)  # second Done: nothing left to do
    assert queue.tracker.list_length() == 0 and queue.tracker.in_flight_count() == 0


# ----- hints disabled (legacy moveRequestCycle rule of AddUnschedulableIfNotPresent) ------


def test_without_hints_nothing_is_tracked_and_move_requests_decide() -> None:
    queue, _, _ = make_queue({ASSIGNED_POD_ADD: [QueueingHintFunction("foo", returns(SKIP))]}, queueing_hints_enabled=False)
    moved, parked = pod("moved"), pod("parked")
    queue.add(moved)
    queue.add(parked)
    first = popped(queue, moved)
    cycle = queue.scheduling_cycle
    queue.move_all_to_active_or_backoff_queue(ASSIGNED_POD_ADD)
    assert queue.tracker.in_flight_count() == 0 and queue.tracker.list_length() == 0
    # A move request since the attempt began: backoffQ, whatever the hint says.
    first.unschedulable_plugins = {"foo"}
    assert queue.add_unschedulable_if_not_present(first, cycle) == "backoffQ"
    second = popped(queue, parked)
    second.unschedulable_plugins = {"foo"}
    assert queue.add_unschedulable_if_not_present(second, queue.scheduling_cycle) == "unschedulablePods"
    assert_invariants(queue)
