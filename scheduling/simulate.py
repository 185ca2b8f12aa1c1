"""Replay one random workload through every tracker on a fake clock and compare.

The workload (pod arrivals, cluster events, and the plan of every scheduling attempt:
how long it stays in flight, whether it fails and which plugin rejects it) is generated
once from the seed, so each tracker sees identical input.  Timings can still diverge
between trackers afterwards, because a wrongly parked pod is retried later.

A pod is *wrongly parked* when it goes to unschedulablePods although an event that its
hint would Queue arrived while it was in flight.  The ground truth comes from a
reference tracker (per-pod event logs) fed the same calls as the tracker under test.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import random
from dataclasses import dataclass, fields
from enum import Enum

from tabulate import tabulate

from scheduling.clock import FakeClock
from scheduling.events import (
    ASSIGNED_POD_ADD,
    ASSIGNED_POD_DELETE,
    CSI_NODE_UPDATE,
    NODE_ADD,
    PV_ADD,
    PVC_ADD,
    ClusterEvent,
)
from scheduling.hints import (
    QueueingHint,
    QueueingHintFunction,
    QueueingHintMapPerProfile,
    QueueingStrategy,
    strategy_for_concurrent_events,
)
from scheduling.pod import DEFAULT_SCHEDULER, Pod, QueuedPodInfo
from scheduling.queue import DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION, UNSCHEDULABLE_PODS, PriorityQueue
from scheduling.reference import ReferenceTracker, TeeTracker
from scheduling.timers import UNSCHEDULABLE_FLUSH_PERIOD, QueueTimers
from scheduling.tracker import TRACKER_NAMES, new_tracker

EVENT_KINDS: tuple[ClusterEvent, ...] = (NODE_ADD, ASSIGNED_POD_DELETE, ASSIGNED_POD_ADD, PV_ADD, PVC_ADD, CSI_NODE_UPDATE)
PLUGIN_EVENTS: dict[str, tuple[ClusterEvent, ...]] = {
    "NodeResourcesFit": (NODE_ADD, ASSIGNED_POD_DELETE),
    "InterPodAffinity": (ASSIGNED_POD_ADD, ASSIGNED_POD_DELETE),
    "VolumeBinding": (PV_ADD, PVC_ADD, CSI_NODE_UPDATE),
}


# The work of one simulate() call (both trackers), in steps of about 1 us on the machine
# below.  Counting happenings alone would miss most of it: the loop turns at least once
# per simulated second (the 1 s backoffQ flush), each event is offered to every parked
# pod and logged for every attempt in flight, and a failed attempt's walk passes the
# attempts in flight with it.  Each weight is the cost of one unit measured here.
_STEPS_PER_PLAN = 4.0  # drawing one attempt's plan, for every attempt a pod may make
_STEPS_PER_POD = 60.0  # drawing a pod, and its arrival: agenda entry, loop turn, activeQ add
_STEPS_PER_POP = 110.0  # Pop, finish and wake; a long activeQ backlog adds its heap's log A
_STEPS_PER_EVENT = 30.0  # drawing one cluster event and delivering it
_STEPS_PER_SECOND = 7.0  # the loop turn and timer tick of each simulated second
_STEPS_PER_HINT_CHECK = 8.0  # a failed attempt's hint consulted for one event, in flight or parked
_STEPS_PER_MEETING = 0.15  # an event logged for an in-flight attempt, or an attempt passed by a walk

# A failed attempt leaves unschedulablePods at the latest at the first 30 s flush after
# the 5-minute limit.
_MAX_PARKED_SECONDS = DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION + UNSCHEDULABLE_FLUSH_PERIOD
# The smallest share of events a rejecting plugin listens to: the slowest way out.
_MIN_PLUGIN_EVENT_SHARE = min(len(events) for events in PLUGIN_EVENTS.values()) / len(EVENT_KINDS)

# Measured here (Python 3.11, 2 CPUs shared with other work), one simulate() call
# ("over": above the limit, so now refused; the pods=1 rows also have stuck_pods=0):
#   config (changes from the default)                 steps     seconds  steps/s
#   default                                           5.1e5     0.28     1.8e6
#   pods=10000 (a backlog: Pops at capacity)          5.0e6     3.0      1.7e6
#   pods=30000                                        7.7e6     5.8      1.3e6
#   event_rate=20                                     1.2e6     0.88     1.4e6
#   pods=1, event_rate=0, duration=1e6 (ticks only)   7.0e6     8.9      0.79e6
#   pods=1, event_rate=50, duration=1e4 (events)      1.5e7     18.4     0.82e6
#   pods=200000, cycle_seconds=0.01, no failures      3.7e7     34.0     1.1e6
#   pods=300000, duration=1, cycle_seconds=1          2.3e7     20.0     1.1e6
#   pods=1000000, duration=1, cycle_seconds=1         7.6e7     77.4     0.98e6  over; 1.9 GB
#   pods=1, event_rate=0, duration=7e6                4.9e7     46.0     1.06e6
#   pods=1, event_rate=50, duration=3.2e4             4.8e7     53.1     0.91e6
#   pods=12000, event_rate=1, cycle_seconds=0.001,
#     failure_probability=0.7, queue_fraction=0       5.4e7     42.9     1.25e6  over
# At the slowest rate, about 0.8e6 steps/s, the limit is about a minute, 100 times the
# default workload; memory at the limit stays under about 2 GB (0.8e6 pods at most).
MAX_STEPS = 5e7
_SLOWEST_STEPS_PER_SECOND = 0.8e6


@dataclass(frozen=True)
class SimulationConfig:
    """Workload parameters. Times are in seconds of simulated time.

    The defaults are a sparse event stream (one event per 5 s) with one long-tail pod
    stuck in Permit: a workload where the pre-fix bug shows, chosen after denser streams
    showed it less (a later event often requeues a wrongly parked pod early). They show
    that the bug happens and what it costs, not how often it happens in a real cluster;
    seeds 1-5 park 2-24 pods under "marker", and at event_rate=1.0 6-9 pods for about
    150-260 s in total. "list" parks none in either.
    """

    pods: int = 1000  # created uniformly over the first half of the run
    attempts: int = 4  # scheduling attempts per pod at most; the last one always succeeds
    event_rate: float = 0.2  # cluster events per second (Poisson)
    queue_fraction: float = 0.1  # share of (pod, event) pairs the rejecting plugin's hint answers Queue
    failure_probability: float = 0.5  # chance that an attempt fails
    lifetime_mean: float = 3.0  # mean time in flight of an attempt (exponential)
    stuck_pods: int = 1  # pods whose first attempt is stuck in Permit (the long tail)
    stuck_seconds: float = 180.0  # how long those attempts stay in flight
    cycle_seconds: float = 0.05  # scheduling cycles are serial: at most one Pop per cycle
    duration: float = 1200.0
    seed: int = 1

    def __post_init__(self) -> None:
        problems = []
        for name in ("pods", "attempts"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be >= 1")
        if self.stuck_pods < 0:
            problems.append("stuck_pods must be >= 0")
        if self.stuck_pods > self.pods:
            problems.append("stuck_pods must not exceed pods")
        for name in ("queue_fraction", "failure_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be within [0, 1]")
        for name in ("event_rate", "stuck_seconds"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0")
        for name in ("lifetime_mean", "cycle_seconds", "duration"):
            if getattr(self, name) <= 0:
                problems.append(f"{name} must be > 0")
        for f in fields(self):
            value = getattr(self, f.name)
            # NaN passes every comparison above, and inf turns the work estimate into NaN.
            if isinstance(value, float) and not math.isfinite(value):
                problems.append(f"{f.name} must be finite")
        if problems:
            raise ValueError("; ".join(problems))
        steps = self.estimated_steps()
        if steps > MAX_STEPS:
            raise ValueError(
                f"the simulation would take about {steps:.2g} steps (pods, their attempts, cluster events, "
                f"simulated seconds, and the events and attempts each attempt meets); the limit is {MAX_STEPS:.2g} "
                f"(about {MAX_STEPS / _SLOWEST_STEPS_PER_SECOND:.0f} s on the machine it was measured on)"
            )

    def estimated_steps(self) -> float:
        """Expected work of ``simulate(self)`` in the steps of MAX_STEPS; inf if a count
        overflows a float. O(1)."""
        try:
            p = self.failure_probability
            # Attempt k is made if the k before it failed; the last one always succeeds.
            attempts_per_pod = float(self.attempts) if p == 1.0 else (1.0 - p**self.attempts) / (1.0 - p)
            pops = min(self.pods * attempts_per_pod, self.duration / self.cycle_seconds + 1)  # one per cycle
            failures = pops * (1.0 - 1.0 / attempts_per_pod)
            # A failed attempt's hint sees each event from its Pop until one answers Queue
            # or the flush takes the pod out of unschedulablePods.
            queue_odds = self.queue_fraction * _MIN_PLUGIN_EVENT_SHARE
            events_per_failure = min(self.event_rate * min(self.duration, self.lifetime_mean + _MAX_PARKED_SECONDS),
                                     1.0 / queue_odds if queue_odds else math.inf)
            # Pops spread over about the first half of the run, as the arrivals do.
            pop_rate = min(1.0 / self.cycle_seconds, 2.0 * pops / self.duration)
            attempt_seconds = min(self.duration, self.lifetime_mean)
            in_flight_seconds = pops * attempt_seconds + self.stuck_pods * min(self.duration, self.stuck_seconds)
            # Attempts in flight alongside one (Little's law), which its failure walk passes.
            concurrent_attempts = min(pops, pop_rate * attempt_seconds)
            meetings = in_flight_seconds * self.event_rate + failures * concurrent_attempts
            return (_STEPS_PER_PLAN * self.pods * self.attempts
                    + _STEPS_PER_POD * self.pods
                    + _STEPS_PER_POP * pops
                    + _STEPS_PER_EVENT * self.event_rate * self.duration
                    + _STEPS_PER_SECOND * self.duration
                    + _STEPS_PER_HINT_CHECK * failures * events_per_failure
                    + _STEPS_PER_MEETING * meetings)
        except OverflowError:
            return math.inf


@dataclass(frozen=True, slots=True)
class AttemptPlan:
    """What happens to one scheduling attempt once popped."""

    lifetime: float
    fails: bool
    plugin: str


@dataclass(frozen=True, slots=True)
class EventObject:
    """The ``new_obj`` of a simulated event; its id feeds the hint functions."""

    event_id: int


@dataclass(frozen=True)
class Workload:
    """Everything random, drawn once: pod arrivals, events and attempt plans."""

    arrivals: tuple[tuple[float, Pod], ...]
    events: tuple[tuple[float, ClusterEvent, EventObject], ...]
    plans: dict[str, tuple[AttemptPlan, ...]]


def generate_workload(config: SimulationConfig) -> Workload:
    """Draw the workload from ``config.seed``. O(pods * attempts + events)."""
    rng = random.Random(config.seed)
    arrival_window = config.duration / 2
    arrivals = tuple(
        sorted(
            ((rng.uniform(0.0, arrival_window), Pod(uid=f"uid-{i}", name=f"pod-{i}")) for i in range(config.pods)),
            key=lambda item: item[0],
        )
    )
    events: list[tuple[float, ClusterEvent, EventObject]] = []
    if config.event_rate > 0:
        when = rng.expovariate(config.event_rate)
        while when < config.duration:
            events.append((when, rng.choice(EVENT_KINDS), EventObject(len(events))))
            when += rng.expovariate(config.event_rate)
    plugins = sorted(PLUGIN_EVENTS)
    plans = {
        pod.uid: tuple(
            AttemptPlan(
                lifetime=rng.expovariate(1.0 / config.lifetime_mean),
                fails=attempt < config.attempts - 1 and rng.random() < config.failure_probability,
                plugin=rng.choice(plugins),
            )
            for attempt in range(config.attempts)
        )
        for _, pod in arrivals
    }
    for _, pod in rng.sample(arrivals, config.stuck_pods):
        first, *rest = plans[pod.uid]
        plans[pod.uid] = (AttemptPlan(config.stuck_seconds, first.fails, first.plugin), *rest)
    return Workload(arrivals, tuple(events), plans)


def hint_map_for(config: SimulationConfig) -> QueueingHintMapPerProfile:
    """Every plugin answers Queue for a fixed pseudo-random share of (pod, event) pairs.

    The answer is a pure function of (seed, pod, event id), so the queue and the
    ground-truth check always agree on it.
    """
    threshold = int(config.queue_fraction * 2**64)

    def make_hint(plugin: str) -> QueueingHintFunction:
        def hint(pod: Pod, old: object | None, new: object | None) -> QueueingHint:
            event_id = new.event_id if isinstance(new, EventObject) else -1
            digest = hashlib.blake2b(f"{config.seed}/{plugin}/{pod.uid}/{event_id}".encode(), digest_size=8).digest()
            return QueueingHint.QUEUE if int.from_bytes(digest, "big") < threshold else QueueingHint.QUEUE_SKIP

        return QueueingHintFunction(plugin, hint)

    hint_map: dict[ClusterEvent, list[QueueingHintFunction]] = {}
    for plugin, events in PLUGIN_EVENTS.items():
        function = make_hint(plugin)
        for event in events:
            hint_map.setdefault(event, []).append(function)
    return {DEFAULT_SCHEDULER: hint_map}


@dataclass(frozen=True)
class TrackerFigures:
    """Outcome of the workload under one tracker."""

    tracker: str
    pods_scheduled: int
    failures: int
    wrongly_parked: int  # failures parked although a Queue event arrived in flight
    wrongly_parked_seconds: float  # total time those pods sat in unschedulablePods
    peak_list_length: int
    peak_events_kept: int
    events_kept_at_end: int

    @property
    def mean_wrongly_parked_seconds(self) -> float:
        return self.wrongly_parked_seconds / self.wrongly_parked if self.wrongly_parked else 0.0


@dataclass(frozen=True)
class SimulationReport:
    config: SimulationConfig
    figures: tuple[TrackerFigures, ...]


class _Happening(Enum):
    ARRIVAL = 0
    EVENT = 1
    FINISH = 2
    WAKE = 3  # the scheduler may start its next cycle


class _Run:
    """One tracker's replay of the workload."""

    def __init__(self, config: SimulationConfig, workload: Workload, tracker: str) -> None:
        self.config = config
        self.workload = workload
        self.clock = FakeClock()
        self.reference = ReferenceTracker()
        self.hint_map = hint_map_for(config)
        self.queue = PriorityQueue(self.clock, TeeTracker(new_tracker(tracker), self.reference), self.hint_map)
        self.timers = QueueTimers(self.queue, self.clock)
        self.tracker = tracker
        self.agenda: list[tuple[float, int, _Happening, object]] = []
        self.order = 0
        self.scheduler_free_at = 0.0
        self.wake_at: float | None = None
        self.parked_since: dict[str, tuple[Pod, float]] = {}
        self.pods_scheduled = 0
        self.failures = 0
        self.wrongly_parked = 0
        self.wrongly_parked_seconds = 0.0
        self.peak_list_length = 0
        self.peak_events_kept = 0

    def _schedule(self, when: float, kind: _Happening, payload: object) -> None:
        # The order counter keeps ties deterministic (and never compares payloads).
        heapq.heappush(self.agenda, (when, self.order, kind, payload))
        self.order += 1

    def run(self) -> TrackerFigures:
        for when, pod in self.workload.arrivals:
            self._schedule(when, _Happening.ARRIVAL, pod)
        for when, event, obj in self.workload.events:
            self._schedule(when, _Happening.EVENT, (event, obj))
        end = self.config.duration
        while True:
            next_agenda = self.agenda[0][0] if self.agenda else end
            now = min(next_agenda, self.timers.next_backoff_flush(), self.timers.next_unschedulable_flush(), end)
            self.timers.advance_to(now)
            if now >= end:
                break
            while self.agenda and self.agenda[0][0] <= now:
                _, _, kind, payload = heapq.heappop(self.agenda)
                self._handle(kind, payload)
            self._maybe_pop()
            self._account()
        for _, since in self.parked_since.values():
            self.wrongly_parked_seconds += end - since
        tracker = self.queue.tracker
        return TrackerFigures(
            tracker=self.tracker,
            pods_scheduled=self.pods_scheduled,
            failures=self.failures,
            wrongly_parked=self.wrongly_parked,
            wrongly_parked_seconds=self.wrongly_parked_seconds,
            peak_list_length=self.peak_list_length,
            peak_events_kept=self.peak_events_kept,
            events_kept_at_end=tracker.events_kept(),
        )

    def _handle(self, kind: _Happening, payload: object) -> None:
        if kind is _Happening.ARRIVAL:
            assert isinstance(payload, Pod)
            self.queue.add(payload)
        elif kind is _Happening.EVENT:
            event, obj = payload  # type: ignore[misc]
            self.queue.move_all_to_active_or_backoff_queue(event, None, obj)
        elif kind is _Happening.FINISH:
            assert isinstance(payload, QueuedPodInfo)
            self._finish(payload)
        else:
            self.wake_at = None

    def _maybe_pop(self) -> None:
        if not len(self.queue.active_q):
            return
        now = self.clock.now()
        if now >= self.scheduler_free_at:
            pinfo = self.queue.pop()
            assert pinfo is not None
            plan = self.workload.plans[pinfo.pod.uid][min(pinfo.attempts, self.config.attempts) - 1]
            self._schedule(now + plan.lifetime, _Happening.FINISH, pinfo)
            self.scheduler_free_at = now + self.config.cycle_seconds
        if len(self.queue.active_q) and self.wake_at is None:
            self.wake_at = self.scheduler_free_at
            self._schedule(self.scheduler_free_at, _Happening.WAKE, None)

    def _finish(self, pinfo: QueuedPodInfo) -> None:
        uid = pinfo.pod.uid
        plan = self.workload.plans[uid][min(pinfo.attempts, self.config.attempts) - 1]
        if not plan.fails:
            self.queue.done(uid)
            self.pods_scheduled += 1
            return
        self.failures += 1
        pinfo.unschedulable_plugins.add(plan.plugin)
        # Read the truth before the queue's deferred Done forgets the pod.
        truth = strategy_for_concurrent_events(self.hint_map, pinfo, list(self.reference.concurrent_events(uid)))
        destination = self.queue.add_unschedulable_if_not_present(pinfo, self.queue.scheduling_cycle)
        if destination == UNSCHEDULABLE_PODS and truth is not QueueingStrategy.SKIP:
            self.wrongly_parked += 1
            self.parked_since[uid] = (pinfo.pod, self.clock.now())

    def _account(self) -> None:
        now = self.clock.now()
        for uid, (pod, since) in list(self.parked_since.items()):
            if self.queue.where(pod) != UNSCHEDULABLE_PODS:
                self.wrongly_parked_seconds += now - since
                del self.parked_since[uid]
        tracker = self.queue.tracker
        self.peak_list_length = max(self.peak_list_length, tracker.list_length())
        self.peak_events_kept = max(self.peak_events_kept, tracker.events_kept())


def simulate(config: SimulationConfig, trackers: tuple[str, ...] = TRACKER_NAMES) -> SimulationReport:
    """Run the same generated workload through each tracker.

    O(trackers * (steps * (log steps + parked) + events * U * H)), steps being arrivals,
    events, attempts and timer ticks.
    """
    workload = generate_workload(config)
    return SimulationReport(config, tuple(_Run(config, workload, name).run() for name in trackers))


_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tracker", "tracker"),
    ("scheduled", "pods_scheduled"),
    ("failures", "failures"),
    ("wrongly parked", "wrongly_parked"),
    ("parked s total", "wrongly_parked_seconds"),
    ("parked s mean", "mean_wrongly_parked_seconds"),
    ("peak list", "peak_list_length"),
    ("peak events", "peak_events_kept"),
    ("events at end", "events_kept_at_end"),
)


def _cell(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def format_simulation(report: SimulationReport) -> str:
    """A small aligned table, one row per tracker, under a one-line config summary."""
    config = ", ".join(f"{f.name}={getattr(report.config, f.name)}" for f in fields(report.config))
    rows = [[_cell(getattr(figures, attr)) for _, attr in _COLUMNS] for figures in report.figures]
    table = tabulate(rows, headers=[title for title, _ in _COLUMNS], tablefmt="simple",
                     stralign="right", colalign=("left",), disable_numparse=True)
    return "\n".join([config, "", table])
