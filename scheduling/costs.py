"""Per-operation costs of the trackers, shaped for pyperf's ``bench_time_func``.

Each ``time_*`` function takes ``loops`` first and returns the seconds spent in the
measured operation over ``loops`` repetitions (``time.perf_counter``), setup excluded.
Operations go through the real queue, so they include what upstream pays under its lock
(activeQ heap, event-of-interest check), not just the tracker.

Steady state for Pop and Done: before every repetition exactly ``in_flight`` pods are in
flight; one repetition pops a pod, receives ``events_per_pop`` events and marks the
oldest in-flight pod done, then puts that pod back into activeQ.  Pop and Done are
timed one call at a time, so each figure includes one ``perf_counter`` call pair per
repetition (tens of nanoseconds, the same for both trackers).
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from scheduling.clock import FakeClock
from scheduling.events import NODE_ADD
from scheduling.hints import QueueingHintFunction
from scheduling.pod import DEFAULT_SCHEDULER, Pod
from scheduling.queue import PriorityQueue
from scheduling.tracker import new_tracker


def _pods(count: int) -> list[Pod]:
    return [Pod(uid=f"uid-{i}", name=f"pod-{i}") for i in range(count)]


def _queue_with_in_flight(tracker: str, pods: list[Pod], in_flight: int) -> tuple[PriorityQueue, list[str]]:
    """A queue holding ``pods``, the first ``in_flight`` popped; also their UIDs in Pop order."""
    # One plugin registers NodeAdd so the measured event is "of interest" and recorded.
    hint_map = {DEFAULT_SCHEDULER: {NODE_ADD: [QueueingHintFunction("NodeResourcesFit")]}}
    queue = PriorityQueue(FakeClock(), tracker, hint_map)
    for pod in pods:
        queue.add(pod)
    popped = []
    for _ in range(in_flight):
        pinfo = queue.pop()
        assert pinfo is not None
        popped.append(pinfo.pod.uid)
    return queue, popped


@contextmanager
def gc_disabled() -> Iterator[None]:
    """The cyclic collector off inside, as before outside (timeit's practice)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check(loops: int, in_flight: int) -> None:
    if loops < 0 or in_flight < 0:
        raise ValueError("loops and in_flight must not be negative")


def time_event(loops: int, tracker: str, in_flight: int) -> float:
    """Seconds for ``loops`` received NodeAdd events with ``in_flight`` pods in flight
    and nothing in unschedulablePods.  All events are kept while pods are in flight."""
    _check(loops, in_flight)
    queue, _ = _queue_with_in_flight(tracker, _pods(in_flight), in_flight)
    receive = queue.move_all_to_active_or_backoff_queue
    # Paused as for Pop and Done (see _steady_state): every kept event is a new object,
    # so the collector would run every few hundred events, each pass longer as the
    # list grows, and also collect the cyclic lists that earlier calls left behind.
    with gc_disabled():
        start = time.perf_counter()
        for _ in range(loops):
            receive(NODE_ADD)
        return time.perf_counter() - start


class SteadyCycle:
    """Pop one pod, receive ``events_per_pop`` events, Done the oldest in-flight pod, re-add it.

    Built with ``in_flight`` pods popped before any event, and then cycled ``in_flight``
    times untimed: only then has every in-flight pod been popped inside a cycle, with its
    events behind it, which is the steady state the benchmarks measure. (Timing from the
    start would Done pods with no events behind them for the first ``in_flight`` cycles.)
    """

    def __init__(self, tracker: str, in_flight: int, events_per_pop: int) -> None:
        pods = _pods(in_flight + 1)
        self.queue, self._flying = _queue_with_in_flight(tracker, pods, in_flight)
        self._by_uid = {pod.uid: pod for pod in pods}
        self._head = 0  # the oldest in-flight pod is _flying[_head]
        self._events_per_pop = events_per_pop
        for _ in range(in_flight):
            self.cycle(measure_pop=True)
        # Up to 10^5 kept events would otherwise be rescanned by every full collection
        # that the timed cycles trigger, a pause that lands in whichever call is timed.
        gc.collect()
        gc.freeze()

    def cycle(self, measure_pop: bool) -> float:
        """One cycle; returns the seconds spent in its Pop (or in its Done)."""
        queue, clock = self.queue, time.perf_counter
        started = clock()
        pinfo = queue.pop()
        popped = clock() - started
        assert pinfo is not None
        self._flying.append(pinfo.pod.uid)
        for _ in range(self._events_per_pop):
            queue.move_all_to_active_or_backoff_queue(NODE_ADD)
        oldest = self._flying[self._head]
        self._head += 1
        started = clock()
        queue.done(oldest)
        finished = clock() - started
        queue.add(self._by_uid[oldest])
        return popped if measure_pop else finished


@lru_cache(maxsize=None)
def _steady_cycle(tracker: str, in_flight: int, events_per_pop: int) -> SteadyCycle:
    """One steady cycle per shape and process: a cycle leaves the state as it found it,
    so later calls (pyperf's values) reuse it instead of warming up again."""
    return SteadyCycle(tracker, in_flight, events_per_pop)


def _steady_state(loops: int, tracker: str, in_flight: int, events_per_pop: int, measure_pop: bool) -> float:
    _check(loops, in_flight)
    if events_per_pop < 0:
        raise ValueError("events_per_pop must not be negative")
    steady = _steady_cycle(tracker, in_flight, events_per_pop)
    # The cyclic GC is paused while timing, as timeit does: both trackers unlink removed
    # nodes (breaking their cycles), so reference counting frees them, and a collection
    # pause would otherwise land in whichever call happens to be timed.
    with gc_disabled():
        return sum(steady.cycle(measure_pop) for _ in range(loops))


def time_pop(loops: int, tracker: str, in_flight: int, events_per_pop: int = 1) -> float:
    """Seconds spent in ``loops`` Pops at a steady ``in_flight`` pods in flight."""
    return _steady_state(loops, tracker, in_flight, events_per_pop, measure_pop=True)


def time_done(loops: int, tracker: str, in_flight: int, events_per_pop: int = 1) -> float:
    """Seconds spent in ``loops`` Dones of the oldest in-flight pod at a steady
    ``in_flight`` pods in flight.  With "marker" each Done walks every event received
    since that pod's Pop (about in_flight * events_per_pop); with "list" it unlinks the
    head pod and prunes the events up to the next pod (about events_per_pop)."""
    return _steady_state(loops, tracker, in_flight, events_per_pop, measure_pop=False)


def tracker_memory(tracker: str, in_flight: int, events: int) -> dict[str, int | str]:
    """Python heap bytes of a tracker holding ``in_flight`` pods then ``events`` events.

    Measured with ``tracemalloc`` (allocations made while the tracker is filled and still
    alive afterwards, after a warm-up): list nodes, map entries, per-pod records and the
    event records.
    The pod objects are created beforehand and not counted, as they are alive anyway.
    Python object sizes, so compare trackers with each other, not with Go.
    """
    if in_flight < 0 or events < 0:
        raise ValueError("in_flight and events must not be negative")
    pods = _pods(in_flight)
    # Warm-up: the first use of a class allocates one-time caches that are not the
    # tracker's memory; fill a throwaway tracker before measuring.
    warm_up = new_tracker(tracker)
    warm_up.pod_popped(Pod(uid="warm-up", name="warm-up"))
    warm_up.event_received(NODE_ADD, None, None)
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        instance = new_tracker(tracker)
        for pod in pods:
            instance.pod_popped(pod)
        for _ in range(events):
            instance.event_received(NODE_ADD, None, None)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return {
        "tracker": tracker,
        "in_flight": in_flight,
        "events": events,
        "list_length": instance.list_length(),
        "events_kept": instance.events_kept(),
        "bytes": used,
        "method": "tracemalloc",
    }
