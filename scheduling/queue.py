"""The scheduling queue: activeQ, backoffQ, unschedulablePods and in-flight tracking.

A single-threaded model of upstream ``PriorityQueue``: every method is one critical
section, so the queue lock is implicit.  Pop cannot block; it returns None when activeQ
is empty.  Nominated pods, metrics and pod updates are not modelled.

Notation for costs: A = pods in activeQ, B = in backoffQ, U = in unschedulablePods,
H = hint functions matching an event, plus the tracker costs of scheduling.tracker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from scheduling.clock import Clock
from scheduling.events import UNSCHEDULABLE_TIMEOUT, ClusterEvent
from scheduling.heap import KeyedHeap
from scheduling.hints import (
    QueueingHintMapPerProfile,
    QueueingStrategy,
    is_event_of_interest,
    is_pod_worth_requeuing,
    strategy_for_concurrent_events,
)
from scheduling.pod import Pod, QueuedPodInfo
from scheduling.tracker import InFlightTracker, new_tracker

QueueName = Literal["activeQ", "backoffQ", "unschedulablePods"]
ACTIVE_Q: QueueName = "activeQ"
BACKOFF_Q: QueueName = "backoffQ"
UNSCHEDULABLE_PODS: QueueName = "unschedulablePods"

SCHEDULING_GATES = "SchedulingGates"

DEFAULT_POD_INITIAL_BACKOFF = 1.0
DEFAULT_POD_MAX_BACKOFF = 10.0
DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION = 300.0


class QueueError(Exception):
    """A pod is added where it already is (upstream returns an error)."""


@dataclass(frozen=True, slots=True)
class PreEnqueuePlugin:
    """Gate run before a pod enters activeQ; ``admits(pod)`` False keeps it out."""

    name: str
    admits: Callable[[Pod], bool]


def _key(pinfo: QueuedPodInfo) -> str:
    return pinfo.pod.full_name


def _active_less(a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
    # Default QueueSort: higher priority first, then the older timestamp.
    if a.pod.priority != b.pod.priority:
        return a.pod.priority > b.pod.priority
    return a.timestamp < b.timestamp


class PriorityQueue:
    """Upstream ``PriorityQueue`` with an injectable clock and in-flight tracker."""

    def __init__(
        self,
        clock: Clock,
        tracker: InFlightTracker | str = "list",
        queueing_hint_map: QueueingHintMapPerProfile | None = None,
        pre_enqueue_plugins: dict[str, list[PreEnqueuePlugin]] | None = None,
        *,
        queueing_hints_enabled: bool = True,
        pod_initial_backoff: float = DEFAULT_POD_INITIAL_BACKOFF,
        pod_max_backoff: float = DEFAULT_POD_MAX_BACKOFF,
        pod_max_in_unschedulable_pods_duration: float = DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION,
    ) -> None:
        self.clock = clock
        self.tracker: InFlightTracker = new_tracker(tracker) if isinstance(tracker, str) else tracker
        self.queueing_hint_map: QueueingHintMapPerProfile = queueing_hint_map or {}
        self.pre_enqueue_plugins = pre_enqueue_plugins or {}
        self.queueing_hints_enabled = queueing_hints_enabled
        self.pod_initial_backoff = pod_initial_backoff
        self.pod_max_backoff = pod_max_backoff
        self.pod_max_in_unschedulable_pods_duration = pod_max_in_unschedulable_pods_duration
        self.active_q: KeyedHeap[QueuedPodInfo] = KeyedHeap(_key, _active_less)
        self.backoff_q: KeyedHeap[QueuedPodInfo] = KeyedHeap(_key, self._backoff_less)
        self.unschedulable_pods: dict[str, QueuedPodInfo] = {}
        self.scheduling_cycle = 0
        # Heads Pop discarded because their pod was already in flight (upstream logs each).
        self.discarded_pops = 0
        # Legacy (hints disabled) path only: the cycle of the last move request.
        self.move_request_cycle = -1

    # ----- backoff -------------------------------------------------------------------

    def backoff_duration(self, pinfo: QueuedPodInfo) -> float:
        """min(initial * 2^(attempts-1), max); attempts 0 counts as 1. O(1)."""
        exponent = max(pinfo.attempts - 1, 0)
        # Capping the exponent avoids float overflow for absurd attempt counts.
        return min(self.pod_initial_backoff * 2.0 ** min(exponent, 64), self.pod_max_backoff)

    def backoff_expiry(self, pinfo: QueuedPodInfo) -> float:
        """When the pod's backoff ends. O(1)."""
        return pinfo.timestamp + self.backoff_duration(pinfo)

    def is_backing_off(self, pinfo: QueuedPodInfo) -> bool:
        """Gated pods never count as backing off. O(1)."""
        return not pinfo.gated and self.backoff_expiry(pinfo) > self.clock.now()

    def _backoff_less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        return self.backoff_expiry(a) < self.backoff_expiry(b)

    # ----- adding pods ---------------------------------------------------------------

    def _run_pre_enqueue_plugins(self, pinfo: QueuedPodInfo) -> bool:
        for plugin in self.pre_enqueue_plugins.get(pinfo.pod.scheduler_name, []):
            if not plugin.admits(pinfo.pod):
                pinfo.unschedulable_plugins.add(plugin.name)
                return False
        return True

    def _add_to_active_q(self, pinfo: QueuedPodInfo) -> bool:
        """activeQ unless a PreEnqueue plugin gates the pod (then unschedulablePods)."""
        pinfo.gated = not self._run_pre_enqueue_plugins(pinfo)
        if pinfo.gated:
            self.unschedulable_pods[_key(pinfo)] = pinfo
            return False
        self.active_q.add(pinfo)
        return True

    def where(self, pod: Pod) -> QueueName | None:
        """Which queue holds the pod, if any (in-flight pods are in none). O(1)."""
        key = pod.full_name
        if key in self.active_q:
            return ACTIVE_Q
        if key in self.backoff_q:
            return BACKOFF_Q
        if key in self.unschedulable_pods:
            return UNSCHEDULABLE_PODS
        return None

    def add(self, pod: Pod) -> QueueName:
        """A new pod: activeQ, or unschedulablePods if gated. O(log A).

        Stricter than upstream (which logs and repairs): a pod already queued or in
        flight raises QueueError, because a second copy would corrupt the tracker.
        """
        if self.where(pod) is not None or self.tracker.is_in_flight(pod.uid):
            raise QueueError(f"pod {pod.full_name} is already in the queue or in flight")
        pinfo = QueuedPodInfo(pod=pod, timestamp=self.clock.now())
        return ACTIVE_Q if self._add_to_active_q(pinfo) else UNSCHEDULABLE_PODS

    # ----- Pop and Done --------------------------------------------------------------

    def pop(self) -> QueuedPodInfo | None:
        """Take the activeQ head and put it in flight; None if activeQ is empty.

        A head whose pod is already in flight is discarded and the next one taken, as
        upstream's Pop does since v1.32 (#127016): tracking it twice would leave an entry
        no Done removes. The rest of the model follows 96c20d8e (v1.30), where Pop had no
        such check; the check changes nothing for pods that came through ``add``, which
        refuses a pod in flight, only for a copy put straight into activeQ (upstream's test
        "Pop is made twice for the same Pod"). A discarded pop does not count as a cycle.
        O(log A) plus the tracker's Pop (O(1) for both trackers), per head taken.
        """
        while True:
            pinfo = self.active_q.pop()
            if pinfo is None:
                return None
            pinfo.attempts += 1
            if not (self.queueing_hints_enabled and self.tracker.is_in_flight(pinfo.pod.uid)):
                break
            self.discarded_pops += 1
        self.scheduling_cycle += 1
        if self.queueing_hints_enabled:
            self.tracker.pod_popped(pinfo.pod)
        pinfo.unschedulable_plugins.clear()
        pinfo.pending_plugins.clear()
        return pinfo

    def done(self, uid: str) -> None:
        """The attempt of pod ``uid`` is over. Unknown pods are a no-op. Tracker's Done cost."""
        if self.queueing_hints_enabled:
            self.tracker.done(uid)

    # ----- failure path --------------------------------------------------------------

    def add_unschedulable_if_not_present(self, pinfo: QueuedPodInfo, pod_scheduling_cycle: int) -> QueueName:
        """Requeue a pod whose attempt failed, using the events seen while in flight.

        Returns the queue chosen.  Raises QueueError if the pod is already queued.  Done
        runs afterwards in every case (upstream defers it), so the hint decision still
        sees the pod's in-flight events.  Cost: the tracker's failure walk times H, plus
        the tracker's Done, plus O(log A + log B).
        """
        try:
            if self.where(pinfo.pod) is not None:
                raise QueueError(f"pod {pinfo.pod.full_name} is already in {self.where(pinfo.pod)}")
            if not self.queueing_hints_enabled:
                return self._add_unschedulable_without_queueing_hint(pinfo, pod_scheduling_cycle)
            pinfo.timestamp = self.clock.now()
            strategy = self._strategy_for_in_flight_pod(pinfo)
            return self._requeue_pod_via_queueing_hint(pinfo, strategy)
        finally:
            self.done(pinfo.pod.uid)

    def _strategy_for_in_flight_pod(self, pinfo: QueuedPodInfo) -> QueueingStrategy:
        """Upstream ``determineSchedulingHintForInFlightPod``."""
        if not self.tracker.is_in_flight(pinfo.pod.uid):
            # Upstream logs an internal error when unschedulable plugins are set; retrying
            # is safe. Only those: a pod rejected by Pending plugins alone goes on to the
            # test below (96c20d8e; from v1.31, #125930, every such pod goes to backoff).
            if pinfo.unschedulable_plugins:
                return QueueingStrategy.AFTER_BACKOFF
            # [unconfirmed for "marker"] upstream compares list length with the in-flight
            # count; "some event is kept" is the same test for both trackers.
            return QueueingStrategy.AFTER_BACKOFF if self.tracker.has_events() else QueueingStrategy.SKIP
        events = self.tracker.concurrent_events(pinfo.pod.uid)
        return strategy_for_concurrent_events(self.queueing_hint_map, pinfo, events)

    def _add_unschedulable_without_queueing_hint(self, pinfo: QueuedPodInfo, pod_scheduling_cycle: int) -> QueueName:
        """Legacy rule: backoffQ if any move request since the attempt began or no rejector."""
        pinfo.timestamp = self.clock.now()
        if self.move_request_cycle >= pod_scheduling_cycle or not pinfo.rejector_plugins():
            self.backoff_q.add(pinfo)
            return BACKOFF_Q
        self.unschedulable_pods[_key(pinfo)] = pinfo
        return UNSCHEDULABLE_PODS

    def _requeue_pod_via_queueing_hint(self, pinfo: QueuedPodInfo, strategy: QueueingStrategy) -> QueueName:
        if strategy is QueueingStrategy.SKIP:
            self.unschedulable_pods[_key(pinfo)] = pinfo
            return UNSCHEDULABLE_PODS
        if strategy is QueueingStrategy.AFTER_BACKOFF and self.is_backing_off(pinfo):
            self.backoff_q.add(pinfo)
            return BACKOFF_Q
        return ACTIVE_Q if self._add_to_active_q(pinfo) else UNSCHEDULABLE_PODS

    # ----- cluster events ------------------------------------------------------------

    def move_all_to_active_or_backoff_queue(
        self,
        event: ClusterEvent,
        old_obj: object | None = None,
        new_obj: object | None = None,
        pre_check: Callable[[Pod], bool] | None = None,
    ) -> int:
        """Receive a cluster event: requeue parked pods it may help, record it for
        in-flight pods.  Returns the number of pods moved.  O(U * H) plus O(1) to record;
        an event no plugin registered costs only the interest test (O(registered events)).
        """
        if not is_event_of_interest(self.queueing_hint_map, event):
            # As upstream, before any parked pod is pre-checked: the pre-checks would be wasted.
            return 0
        candidates = [p for p in self.unschedulable_pods.values() if pre_check is None or pre_check(p.pod)]
        return self._move_pods_to_active_or_backoff_queue(candidates, event, old_obj, new_obj)

    def _move_pods_to_active_or_backoff_queue(
        self,
        candidates: Iterable[QueuedPodInfo],
        event: ClusterEvent,
        old_obj: object | None,
        new_obj: object | None,
    ) -> int:
        if not is_event_of_interest(self.queueing_hint_map, event):
            # Nothing can react to it: neither requeued nor recorded.
            return 0
        moved = 0
        for pinfo in candidates:
            # Only an update of the pod itself can lift a scheduling gate.
            if pinfo.gated and SCHEDULING_GATES in pinfo.unschedulable_plugins:
                continue
            strategy = is_pod_worth_requeuing(self.queueing_hint_map, pinfo, event, old_obj, new_obj)
            if strategy is QueueingStrategy.SKIP:
                continue
            del self.unschedulable_pods[_key(pinfo)]
            self._requeue_pod_via_queueing_hint(pinfo, strategy)
            moved += 1
        self.move_request_cycle = self.scheduling_cycle
        if self.queueing_hints_enabled:
            self.tracker.event_received(event, old_obj, new_obj)
        return moved

    # ----- periodic flushes ----------------------------------------------------------

    def flush_backoff_q_completed(self) -> int:
        """Move pods whose backoff has expired to activeQ (the 1 s ticker).

        Returns how many left backoffQ.  O(moved * log(A + B)).
        """
        moved = 0
        while (head := self.backoff_q.peek()) is not None and not self.is_backing_off(head):
            self.backoff_q.pop()
            self._add_to_active_q(head)
            moved += 1
        return moved

    def flush_unschedulable_pods_leftover(self) -> int:
        """Retry pods parked longer than the limit (the 30 s ticker) with the
        UnschedulableTimeout wildcard event.  As upstream, the event is recorded for
        in-flight pods only when some pod is due (a due pod held by a scheduling gate
        stays, but the event is still recorded). O(U)."""
        now = self.clock.now()
        limit = self.pod_max_in_unschedulable_pods_duration
        stale = [p for p in self.unschedulable_pods.values() if now - p.timestamp > limit]
        if not stale:
            return 0
        return self._move_pods_to_active_or_backoff_queue(stale, UNSCHEDULABLE_TIMEOUT, None, None)
