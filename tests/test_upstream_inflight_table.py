"""Upstream's ``Test_InFlightPods`` table, for both in-flight trackers.

Translated from kube-scheduler v1.29 ``pkg/scheduler/internal/queue/scheduling_queue_test.go``
(kubernetes/kubernetes cbcc2147, after the fix of #120413 and before the event filter of
#122629): all 14 cases, in upstream's order and under upstream's names, each run on the
``list`` tracker (the fix, which upstream's table tests) and on ``marker`` (the first
design). The cases' actions are upstream's four kinds: an event happens
(MoveAllToActiveOrBackoffQueue), a pod is popped, a popped pod is enqueued back
(AddUnschedulableIfNotPresent, with its Unschedulable and Pending plugins), and, for
upstream's callbacks, a Python function over the queue. Upstream's checks: the in-flight
pods and the in-flight list exactly; activeQ and backoffQ exactly where the case names
them; the unschedulable pool holds at least the pods it names.

The ``marker`` tracker's list holds events only, so its expected list is upstream's with
the pods left out; beyond that it is expected to differ exactly where the fix matters,
and the cases say where: a requeued pod's Done drops the marker of a pod still in flight,
whose events then leak (case 5) or are never seen (case 13: the pod
is parked instead of reaching activeQ).

How the translation differs from upstream's code, not its data:
- Upstream's equal-priority pods pop in the order they were added, by their timestamps;
  the fake clock here does not move, so the pods carry descending priorities instead.
- The queue here filters events no plugin registered (#122629, v1.30), which v1.29's
  queue did not. An observer plugin registers every event of the table and never
  rejects, so every event is recorded as v1.29 recorded it.
- Upstream enqueues a new QueuedPodInfo built for the pod; here the popped one with the
  case's plugins, which carries the same pod, plugins and attempt.

Not expressed: nothing. (Upstream's later revisions add a 15th case, "Pop is made twice
for the same Pod", ported in ``tests/test_upstream_cases.py`` with #127016.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from scheduling.clock import FakeClock
from scheduling.events import (
    ASSIGNED_POD_ADD,
    CSI_NODE_UPDATE,
    NODE_ADD,
    PV_ADD,
    PVC_ADD,
    WILDCARD_EVENT,
    ClusterEvent,
)
from scheduling.hints import QueueingHint, QueueingHintFunction, QueueingHintMap
from scheduling.invariants import assert_invariants
from scheduling.pod import DEFAULT_SCHEDULER, Pod, QueuedPodInfo
from scheduling.queue import PriorityQueue
from scheduling.tracker import TRACKER_NAMES

POD1, POD2, POD3 = (Pod(uid=f"pod{i}", name=name, priority=10 - i)
                    for i, name in ((1, "targetpod"), (2, "targetpod2"), (3, "targetpod3")))
PODS_BY_NAME = {pod.name: pod for pod in (POD1, POD2, POD3)}
TABLE_EVENTS = (PV_ADD, PVC_ADD, NODE_ADD, ASSIGNED_POD_ADD, CSI_NODE_UPDATE)
QUEUE, SKIP = QueueingHint.QUEUE, QueueingHint.QUEUE_SKIP


@dataclass(frozen=True)
class Enqueue:
    """AddUnschedulableIfNotPresent of a popped pod with these plugins."""

    pod: Pod
    unschedulable: frozenset[str] = frozenset()
    pending: frozenset[str] = frozenset()


Callback = Callable[["Run"], None]
Action = Pod | ClusterEvent | Enqueue | Callback  # a Pod means "pop it"


@dataclass
class Run:
    queue: PriorityQueue
    popped: dict[str, QueuedPodInfo] = field(default_factory=dict)

    def pop(self, pod: Pod) -> QueuedPodInfo:
        pinfo = self.queue.pop()
        assert pinfo is not None and pinfo.pod == pod, f"popped {pinfo and pinfo.pod.name}, want {pod.name}"
        self.popped[pod.uid] = pinfo
        return pinfo

    def enqueue(self, pinfo: QueuedPodInfo) -> None:
        self.queue.add_unschedulable_if_not_present(pinfo, self.queue.scheduling_cycle)


@dataclass(frozen=True)
class Want:
    in_flight: frozenset[str] = frozenset()
    in_flight_list: tuple[str, ...] = ()  # pod and event names in list order, as upstream's wantInFlightEvents
    active: frozenset[str] | None = None  # None: not checked (upstream's nil)
    backoff: frozenset[str] | None = None
    unschedulable: frozenset[str] = frozenset()  # at least these


@dataclass(frozen=True)
class Case:
    name: str
    pods: tuple[Pod, ...]
    actions: tuple[Action, ...]
    want: Want
    hint_map: QueueingHintMap = field(default_factory=dict)
    hints_enabled: bool = True
    # Where the first design is expected to differ, and why (None: as upstream, pods left out of the list).
    marker_want: Want | None = None
    marker_why: str = ""


def names(*values: str) -> frozenset[str]:
    return frozenset(values)


def hint(plugin: str, result: QueueingHint) -> QueueingHintFunction:
    return QueueingHintFunction(plugin, lambda pod, old, new: result)


def pop_fail_pop_again(run: Run) -> None:
    """Case 14's callbacks: a popped pod fails with plugins, PvAdd makes it active, and
    its next Pop must hand it out with no plugins left from the first attempt."""
    first = run.pop(POD1)
    first.pending_plugins, first.unschedulable_plugins = {"fooPlugin1"}, {"fooPlugin2"}
    run.enqueue(first)
    run.queue.move_all_to_active_or_backoff_queue(PV_ADD)
    again = run.pop(POD1)
    assert again.unschedulable_plugins == set()
    run.enqueue(again)  # "Should go to backoff"


CASES = (
    Case("when SchedulingQueueHint is disabled, inFlightPods and inFlightEvents should be empty",
         (POD1,), (POD1, PV_ADD), Want(), hints_enabled=False),
    Case("when SchedulingQueueHint is disabled, which queue to enqueue Pod should be decided without "
         "SchedulingQueueHint", (POD1,), (POD1, ASSIGNED_POD_ADD, Enqueue(POD1, names("fooPlugin1"))),
         Want(backoff=names("targetpod")), {ASSIGNED_POD_ADD: [hint("fooPlugin1", SKIP)]}, hints_enabled=False),
    Case("Pod is registered in inFlightPods when Pod is popped from activeQ",
         (POD1,), (PVC_ADD, POD1, PV_ADD), Want(names("pod1"), ("targetpod", "PvAdd"))),
    Case("Pod, registered in inFlightPods, is enqueued back to activeQ",
         (POD1, POD2), (PVC_ADD, POD1, PV_ADD, POD2, NODE_ADD, Enqueue(POD1)),
         Want(names("pod2"), ("targetpod2", "NodeAdd"), backoff=names("targetpod"))),
    Case("All Pods registered in inFlightPods are enqueued back to activeQ",
         (POD1, POD2), (PVC_ADD, POD1, PV_ADD, POD2, NODE_ADD, Enqueue(POD1), CSI_NODE_UPDATE, Enqueue(POD2)),
         Want(backoff=names("targetpod", "targetpod2")),
         marker_want=Want(in_flight_list=("NodeAdd", "CSINodeUpdate"), backoff=names("targetpod", "targetpod2")),
         marker_why="pod1's Done removes PvAdd, pod2's marker; pod2's Done then walks nothing, so the events "
                    "received after it was popped are never released: the leak"),
    Case("One intermediate Pod registered in inFlightPods is enqueued back to activeQ",
         (POD1, POD2, POD3), (PVC_ADD, POD1, PV_ADD, POD2, NODE_ADD, POD3, ASSIGNED_POD_ADD, Enqueue(POD2)),
         Want(names("pod1", "pod3"), ("targetpod", "PvAdd", "NodeAdd", "targetpod3", "AssignedPodAdd"),
              backoff=names("targetpod2"))),
    Case("events before popping Pod are ignored",
         (POD1,), (WILDCARD_EVENT, POD1, ASSIGNED_POD_ADD, Enqueue(POD1, names("fooPlugin1"))),
         Want(unschedulable=names("targetpod")), {ASSIGNED_POD_ADD: [hint("fooPlugin1", SKIP)]}),
    Case("pod is enqueued to backoff if no failed plugin",
         (POD1,), (POD1, ASSIGNED_POD_ADD, Enqueue(POD1)),
         Want(backoff=names("targetpod")), {ASSIGNED_POD_ADD: [hint("fooPlugin1", QUEUE)]}),
    Case("pod is enqueued to unschedulable pod pool if no events that can make the pod schedulable",
         (POD1,), (POD1, NODE_ADD, Enqueue(POD1, names("fooPlugin1"))),
         Want(unschedulable=names("targetpod")), {ASSIGNED_POD_ADD: [hint("fooPlugin1", QUEUE)]}),
    Case("pod is enqueued to unschedulable pod pool because the failed plugin has a hint fn but it returns Skip",
         (POD1,), (POD1, ASSIGNED_POD_ADD, Enqueue(POD1, names("fooPlugin1"))),
         Want(unschedulable=names("targetpod")), {ASSIGNED_POD_ADD: [hint("fooPlugin1", SKIP)]}),
    Case("pod is enqueued to activeQ because the Pending plugins has a hint fn and it returns Queue",
         (POD1,), (POD1, ASSIGNED_POD_ADD, Enqueue(POD1, names("fooPlugin2", "fooPlugin3"), names("fooPlugin1"))),
         Want(active=names("targetpod")),
         {ASSIGNED_POD_ADD: [hint("fooPlugin3", SKIP), hint("fooPlugin2", QUEUE), hint("fooPlugin1", QUEUE)]}),
    Case("pod is enqueued to backoffQ because the failed plugin has a hint fn and it returns Queue",
         (POD1,), (POD1, ASSIGNED_POD_ADD, Enqueue(POD1, names("fooPlugin1", "fooPlugin2"))),
         Want(backoff=names("targetpod")),
         {ASSIGNED_POD_ADD: [hint("fooPlugin2", SKIP), hint("fooPlugin1", QUEUE)]}),
    Case("pod is enqueued to activeQ because the failed plugin has a hint fn and it returns Queue for a "
         "concurrent event that was received while some other pod was in flight",
         (POD1, POD2),
         (POD1, NODE_ADD, POD2, ASSIGNED_POD_ADD, Enqueue(POD1),
          Enqueue(POD2, names("fooPlugin2", "fooPlugin3"), names("fooPlugin1"))),
         Want(active=names("targetpod2")),
         {ASSIGNED_POD_ADD: [hint("fooPlugin3", SKIP), hint("fooPlugin2", QUEUE), hint("fooPlugin1", QUEUE)]},
         marker_want=Want(in_flight_list=("AssignedPodAdd",), active=names(),
                          unschedulable=names("targetpod2")),
         marker_why="the bug #120413 fixed: pod1's Done removes NodeAdd, pod2's marker, so pod2 never sees "
                    "AssignedPodAdd, is parked in the unschedulable pool, and its Done leaks the event"),
    Case("popped pod must have empty UnschedulablePlugins and PendingPlugins",
         (POD1,), (pop_fail_pop_again,), Want(), {PV_ADD: [hint("fooPlugin1", QUEUE)]}),
)


def new_queue(case: Case, tracker: str) -> PriorityQueue:
    hint_map: QueueingHintMap = {event: [QueueingHintFunction("observer")] for event in TABLE_EVENTS}
    for event, functions in case.hint_map.items():
        hint_map[event] = hint_map.get(event, []) + functions
    return PriorityQueue(FakeClock(), tracker, {DEFAULT_SCHEDULER: hint_map},
                         queueing_hints_enabled=case.hints_enabled)


def run_case(case: Case, tracker: str) -> PriorityQueue:
    run = Run(new_queue(case, tracker))
    for pod in case.pods:
        run.queue.add(pod)
    for action in case.actions:
        if isinstance(action, Pod):
            run.pop(action)
        elif isinstance(action, ClusterEvent):
            run.queue.move_all_to_active_or_backoff_queue(action)
        elif isinstance(action, Enqueue):
            pinfo = run.popped[action.pod.uid]
            pinfo.unschedulable_plugins, pinfo.pending_plugins = set(action.unschedulable), set(action.pending)
            run.enqueue(pinfo)
        else:
            action(run)
        if tracker == "list":
            assert_invariants(run.queue)
    return run.queue


def expected(case: Case, tracker: str) -> Want:
    if tracker == "list":
        return case.want
    if case.marker_want is not None:
        return case.marker_want
    events_only = tuple(value for value in case.want.in_flight_list if value not in PODS_BY_NAME)
    return Want(case.want.in_flight, events_only, case.want.active, case.want.backoff, case.want.unschedulable)


@pytest.mark.parametrize("tracker", TRACKER_NAMES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_in_flight_pods(case: Case, tracker: str) -> None:
    queue = run_case(case, tracker)
    want = expected(case, tracker)
    listed = [value.name if isinstance(value, Pod) else value.event.label for value in queue.tracker.list_values()]
    assert set(queue.tracker.in_flight_uids()) == want.in_flight
    assert tuple(listed) == want.in_flight_list
    if want.active is not None:
        assert {p.pod.name for p in queue.active_q} == want.active
    if want.backoff is not None:
        assert {p.pod.name for p in queue.backoff_q} == want.backoff
    assert want.unschedulable <= {p.pod.name for p in queue.unschedulable_pods.values()}


def test_the_table_is_upstreams_whole_list_and_marker_differs_only_where_the_fix_matters() -> None:
    assert len(CASES) == 14 and len({case.name for case in CASES}) == 14
    differing = [case.name for case in CASES if case.marker_want is not None]
    assert all(case.marker_why for case in CASES if case.marker_want is not None)
    assert len(differing) == 2 and "concurrent event" in differing[1]
