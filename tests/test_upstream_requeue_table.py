"""Upstream's ``Test_isPodWorthRequeuing`` table: where one event sends one failed pod.

Translated from kube-scheduler v1.29 ``pkg/scheduler/internal/queue/scheduling_queue_test.go``
(kubernetes/kubernetes cbcc2147), the queueing-hint cases beside ``Test_InFlightPods``
(``tests/test_upstream_inflight_table.py``). Each case gives the pod's Unschedulable
and Pending plugins, an event and a hint map; upstream checks the strategy and how
many hint functions ran, and so does this test (every hint here counts its calls, as
upstream's do). The function is ``scheduling.hints.is_pod_worth_requeuing``; it does not
touch the in-flight tracker, so one run covers both trackers.

Upstream's first case is named "return Queue when ..." but expects queueSkip; the
expectation is translated, and the name kept.

Not expressed (2 of 9): "If event is specific Node update event, queueing hint function
for NodeUpdate/UpdateNodeLabel is also executed" and "If event is a wildcard one,
queueing hint function for all kinds of events is executed". Both use the node update
kinds (UpdateNodeLabel, UpdateNodeTaint) as bits of their own; the events here have one
Update bit (``scheduling.events.ActionType``), since no benchmark or simulation tells
node updates apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scheduling.events import NODE_ADD, WILDCARD, WILDCARD_EVENT, ActionType, ClusterEvent
from scheduling.hints import (
    QueueingHint,
    QueueingHintFunction,
    QueueingHintMapPerProfile,
    QueueingStrategy,
    is_pod_worth_requeuing,
)
from scheduling.pod import DEFAULT_SCHEDULER, Pod, QueuedPodInfo

ASSIGNED_POD_ADD_EVENT = ClusterEvent("Pod", ActionType.ADD, "AssignedPodAdd")
NODE_ADD_UNLABELLED = ClusterEvent("Node", ActionType.ADD, "")  # upstream writes it inline, with no label
ANY_ADD = ClusterEvent(WILDCARD, ActionType.ADD, "")


class Counted:
    """Upstream's counting hint helpers: each call adds one to ``calls``."""

    def __init__(self) -> None:
        self.calls = 0

    def returning(self, result: QueueingHint) -> QueueingHint:
        self.calls += 1
        return result

    def failing(self) -> QueueingHint:
        self.calls += 1
        raise RuntimeError("unexpected error")


Q, S, E = "Queue", "Skip", "error"


@dataclass(frozen=True)
class Case:
    name: str
    unschedulable: frozenset[str]
    pending: frozenset[str]
    event: ClusterEvent
    hints: dict[ClusterEvent, list[tuple[str, str]]] | None  # None: no map for the profile at all
    expected: QueueingStrategy
    executions: int


def plugins(*names: str) -> frozenset[str]:
    return frozenset(names)


CASES = (
    Case("return Queue when no queueing hint function is registered for the event", plugins("fooPlugin1"),
         plugins(), NODE_ADD, {ASSIGNED_POD_ADD_EVENT: [("fooPlugin1", Q)]}, QueueingStrategy.SKIP, 0),
    Case("Treat the event as Queue when QueueHintFn returns error", plugins("fooPlugin1"), plugins(), NODE_ADD,
         {NODE_ADD: [("fooPlugin1", E)]}, QueueingStrategy.AFTER_BACKOFF, 1),
    Case("return Queue when the event is wildcard", plugins("fooPlugin1"), plugins(), WILDCARD_EVENT, None,
         QueueingStrategy.AFTER_BACKOFF, 0),
    Case("interprets Queue from the Pending plugin as queueImmediately", plugins("fooPlugin1", "fooPlugin3"),
         plugins("fooPlugin2"), NODE_ADD,
         {NODE_ADD: [("fooPlugin1", Q), ("fooPlugin2", Q), ("fooPlugin3", Q), ("fooPlugin4", E)]},
         QueueingStrategy.IMMEDIATELY, 2),
    Case("interprets Queue from the Unschedulable plugin as queueAfterBackoff", plugins("fooPlugin1", "fooPlugin2"),
         plugins(), NODE_ADD, {NODE_ADD: [("fooPlugin1", S), ("fooPlugin2", Q)]},
         QueueingStrategy.AFTER_BACKOFF, 2),
    Case("Queueing hint function that isn't from the plugin in UnschedulablePlugins/PendingPlugins is ignored",
         plugins("fooPlugin1", "fooPlugin2"), plugins(), NODE_ADD,
         {NODE_ADD: [("fooPlugin1", S), ("fooPlugin2", S), ("fooPlugin3", Q)]}, QueueingStrategy.SKIP, 2),
    Case("If event with '*' Resource, queueing hint function for specified Resource is also executed",
         plugins("fooPlugin1"), plugins(), NODE_ADD_UNLABELLED, {ANY_ADD: [("fooPlugin1", Q)]},
         QueueingStrategy.AFTER_BACKOFF, 1),
)


def hint_maps(case: Case, counter: Counted) -> QueueingHintMapPerProfile:
    if case.hints is None:
        return {}

    def function(plugin: str, kind: str) -> QueueingHintFunction:
        if kind == E:
            return QueueingHintFunction(plugin, lambda pod, old, new: counter.failing())
        result = QueueingHint.QUEUE if kind == Q else QueueingHint.QUEUE_SKIP
        return QueueingHintFunction(plugin, lambda pod, old, new: counter.returning(result))

    return {DEFAULT_SCHEDULER: {event: [function(plugin, kind) for plugin, kind in registered]
                                for event, registered in case.hints.items()}}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_is_pod_worth_requeuing(case: Case) -> None:
    counter = Counted()
    pinfo = QueuedPodInfo(Pod(uid="1", name="pod1", namespace="ns1"), 0.0,
                          unschedulable_plugins=set(case.unschedulable), pending_plugins=set(case.pending))
    assert is_pod_worth_requeuing(hint_maps(case, counter), pinfo, case.event, None, object()) is case.expected
    assert counter.calls == case.executions


def test_the_table_is_upstreams_but_the_two_node_update_kind_cases() -> None:
    assert len(CASES) == 7 and len({case.name for case in CASES}) == 7
