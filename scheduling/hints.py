"""Queueing hints: how a failed pod and a cluster event decide where the pod goes.

Post-fix (v1.29-era) semantics with Pending plugins, as upstream's ``isPodWorthRequeuing``
and ``determineSchedulingHintForInFlightPod`` in pkg/scheduler/internal/queue/scheduling_queue.go.
(The 1.28 hint functions returned QueueSkip / QueueAfterBackoff / QueueImmediately
directly and knew no Pending plugins; that variant is not modelled.)

Notation for costs: H = hint functions registered for events matching the one at hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, IntEnum

from scheduling.events import ClusterEvent, ClusterEventRecord
from scheduling.pod import Pod, QueuedPodInfo


class QueueingHint(Enum):
    """What a plugin's hint function says about one event for one pod."""

    QUEUE_SKIP = "QueueSkip"
    QUEUE = "Queue"


class QueueingStrategy(IntEnum):
    """Where a pod should go; larger values win when several events are combined."""

    SKIP = 0  # stay in (or go to) unschedulablePods
    AFTER_BACKOFF = 1  # backoffQ while backing off, else activeQ
    IMMEDIATELY = 2  # activeQ


QueueingHintFn = Callable[[Pod, object | None, object | None], QueueingHint]


@dataclass(frozen=True, slots=True)
class QueueingHintFunction:
    """A plugin's registration for one event; ``fn=None`` means "always Queue" (KEP-4247)."""

    plugin_name: str
    fn: QueueingHintFn | None = None


QueueingHintMap = dict[ClusterEvent, list[QueueingHintFunction]]
QueueingHintMapPerProfile = dict[str, QueueingHintMap]


def is_event_of_interest(hint_maps: QueueingHintMapPerProfile, event: ClusterEvent) -> bool:
    """True if the event is the wildcard or some profile registered a matching event.

    O(registered events over all profiles).
    """
    if event.is_wildcard():
        return True
    return any(
        registered.match(event) for hint_map in hint_maps.values() for registered in hint_map
    )


def _call_hint(function: QueueingHintFunction, pod: Pod, old: object | None, new: object | None) -> QueueingHint:
    if function.fn is None:
        return QueueingHint.QUEUE
    try:
        return function.fn(pod, old, new)
    except Exception:  # noqa: BLE001 - any failure of a plugin's hint must not strand the pod
        # Upstream logs the error and treats it as Queue, so a buggy hint can only cause
        # an extra retry, never a pod parked for five minutes.
        return QueueingHint.QUEUE


def is_pod_worth_requeuing(
    hint_maps: QueueingHintMapPerProfile,
    pinfo: QueuedPodInfo,
    event: ClusterEvent,
    old_obj: object | None = None,
    new_obj: object | None = None,
) -> QueueingStrategy:
    """Strategy for one pod and one event (upstream ``isPodWorthRequeuing``). O(H).

    Only hint functions of plugins that rejected the pod are consulted.  Queue from a
    Pending plugin means IMMEDIATELY; Queue from an Unschedulable plugin means
    AFTER_BACKOFF, returned at once unless a Pending plugin could still say IMMEDIATELY.
    """
    rejectors = pinfo.rejector_plugins()
    if not rejectors or event.is_wildcard():
        return QueueingStrategy.AFTER_BACKOFF
    hint_map = hint_maps.get(pinfo.pod.scheduler_name)
    if hint_map is None:
        # Upstream treats this as a bug and retries rather than strand the pod.
        return QueueingStrategy.AFTER_BACKOFF
    strategy = QueueingStrategy.SKIP
    for registered, functions in hint_map.items():
        if not registered.match(event):
            continue
        for function in functions:
            if function.plugin_name not in rejectors:
                continue
            if _call_hint(function, pinfo.pod, old_obj, new_obj) is QueueingHint.QUEUE_SKIP:
                continue
            if function.plugin_name in pinfo.pending_plugins:
                return QueueingStrategy.IMMEDIATELY
            if not pinfo.pending_plugins:
                return QueueingStrategy.AFTER_BACKOFF
            strategy = QueueingStrategy.AFTER_BACKOFF
    return strategy


def strategy_for_concurrent_events(
    hint_maps: QueueingHintMapPerProfile,
    pinfo: QueuedPodInfo,
    events: Iterable[ClusterEventRecord],
) -> QueueingStrategy:
    """Combine the events received while ``pinfo`` was in flight: upstream
    ``determineSchedulingHintForInFlightPod`` once the pod is known to be in flight
    (``PriorityQueue`` handles a pod that is not).

    O(k * H) for k events; stops early once nothing stronger is possible.  A failure
    without rejector plugins (e.g. an API error) always retries after backoff.
    """
    if not pinfo.rejector_plugins():
        return QueueingStrategy.AFTER_BACKOFF
    strategy = QueueingStrategy.SKIP
    for record in events:
        verdict = is_pod_worth_requeuing(hint_maps, pinfo, record.event, record.old_obj, record.new_obj)
        if verdict is QueueingStrategy.IMMEDIATELY:
            return verdict
        if verdict is QueueingStrategy.AFTER_BACKOFF:
            strategy = verdict
            if not pinfo.pending_plugins:
                return strategy
    return strategy
