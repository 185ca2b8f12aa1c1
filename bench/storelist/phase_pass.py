"""The instrumented pass: where one StoreList LIST's time goes, per configuration.

Run by the paired worker after its measured blocks, in every ``PHASE_ROUND_STEP``-th
round from the first (``in_phase_round``), never inside a measured block: so a cell's
passes are spread over the run, as its samples are, and see the same machine and
populations. The pass is made of blocks as the measured ones are: ``PHASE_BLOCK_ROUNDS``
rounds, the order of configurations rotated, each configuration an uninstrumented
block and an instrumented one, their order alternating, both primed and of the calibrated loops,
through the same ``CellTimer`` (so the same requests, the same GC treatment and the
same count checks); in the instrumented block every page is served by
``stores.list_phases.timed_get_list`` instead of ``Cacher.get_list``.

Why pairs of blocks: block times within one process jump between levels about 1.5x
apart for seconds at a time on this shared machine (the CPU clock too: another
tenant's work slows this one's instructions). Held against the process's measured
median, a pass of a few blocks was 0.67-1.45 of it at random (a smoke run, 4
processes); held against the uninstrumented block just before it, the phases compare
with the LIST's time in the same state. And why blocks at all, not one long run per
configuration: a configuration timed for 50 ms on end runs warmer than in its 10 ms
blocks beside the others (its phases summed 15-20% under the blocks' time at 50
namespaces).

Every phase is the interval between two clock reads, so it holds one read's own cost:
``clock_cost_ns`` measures that cost, once per pass, and it is taken off each phase once
per page that passed through it. The overhead stated beside the phases is the
instrumented block's time over the uninstrumented one's, less one (median over pairs).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bench.executor import rotated
from bench.storelist.cell_timer import CellTimer
from storage.selection import ListOptions, ListResult
from stores.cacher import should_delegate_list
from stores.list_phases import PHASES, timed_get_list

PHASE_ROUND_STEP = 2
PHASE_BLOCK_ROUNDS = 2
# The phases a cache-served page crosses inside timed_get_list.
CACHE_PHASES = tuple(phase for phase in PHASES if phase not in ("storage", "free"))


def clock_cost_ns(clock: Callable[[], int], reads: int = 2000) -> float:
    """What one read of ``clock`` costs, in ns: the median of 5 runs of ``reads`` back-to-back reads."""
    costs = []
    for _ in range(5):
        started = clock()
        for _ in range(reads):
            clock()
        costs.append((clock() - started) / (reads + 1))
    return sorted(costs)[2]


class _PhaseRecorder:
    """Serves a timer's pages through ``timed_get_list``, adding up the phases and the
    pages of each kind (a cache-served page crosses every cache phase, a delegated one
    the request and storage phases)."""

    def __init__(self, timer: CellTimer, clock: Callable[[], int]) -> None:
        self.cacher = timer.fixture().cacher
        self.clock = clock
        self.phases = dict.fromkeys(PHASES, 0)
        self.cache_pages = 0
        self.delegated_pages = 0
        self._held: ListResult | None = None

    def __call__(self, key: str, options: ListOptions, namespace: str | None) -> ListResult:
        self.release()
        if should_delegate_list(options):
            self.delegated_pages += 1
        else:
            self.cache_pages += 1
        self._held = timed_get_list(self.cacher, key, options, namespace, self.clock, self.phases)
        return self._held

    def time_block(self, timer: CellTimer, loops: int) -> float:
        """An instrumented block of ``loops`` requests (seconds, the timer's clock), its
        last page then released, so that every page's "free" phase is timed."""
        elapsed = timer.time_requests(loops, self)
        self.release()
        return elapsed

    def release(self) -> None:
        """The "free" phase: drop the last page handed out. Its caller has let it go by
        now (``paginate_list`` drops a page before asking for the next, and a request's
        last page when it returns), so this frees its items. Missing this phase, the
        phases of a 1.9 ms btree LIST at 50 namespaces summed to 91-93% of its time."""
        if self._held is not None:
            started = self.clock()
            self._held = None
            self.phases["free"] += self.clock() - started

    def per_request(self, requests: int, clock_read_ns: float) -> dict[str, float]:
        """ns per request of every phase, one clock read taken off per page that crossed it."""
        crossings = dict.fromkeys(CACHE_PHASES, self.cache_pages)
        crossings["request"] += self.delegated_pages
        crossings["storage"] = self.delegated_pages
        crossings["free"] = self.cache_pages + self.delegated_pages
        return {phase: max(0.0, (value - clock_read_ns * crossings[phase]) / requests)
                for phase, value in self.phases.items()}


@dataclass(frozen=True)
class PhaseSample:
    """One process's pass on one configuration: ns per request of every phase; the LIST's
    ns per request in the uninstrumented blocks timed beside the instrumented ones (the
    end-to-end the phases are held against); and the instrumentation's overhead, the
    median over block pairs of instrumented over uninstrumented, less one."""

    phases: dict[str, float]
    beside_ns: float
    overhead: float


def measure_phases(timers: Mapping[str, CellTimer], loops: Mapping[str, int], clock: Callable[[], int],
                   first_round: int, rounds: int = PHASE_BLOCK_ROUNDS) -> dict[str, PhaseSample]:
    """Every configuration's ``PhaseSample``: ``rounds`` rounds, orders rotated from
    ``first_round``'s, each configuration an uninstrumented and an instrumented block
    of its ``loops``; a configuration whose block is a single request (a LIST longer
    than the block time, whose block-to-block spread is small beside its length) takes
    the first round only, which halves the pass's cost at 150k pods."""
    clock_read_ns = clock_cost_ns(clock)
    recorders = {store: _PhaseRecorder(timer, clock) for store, timer in timers.items()}
    pairs: dict[str, list[tuple[float, float]]] = {store: [] for store in timers}
    stores = list(timers)
    for index in range(rounds):
        for store in rotated(stores, first_round + index):
            if index and loops[store] == 1:
                continue
            # Which block of the pair goes first alternates from round to round: the
            # second runs warmer, after the first's requests of the same configuration.
            timer, plain_first = timers[store], index % 2 == 0
            plain = timer.time_requests(loops[store]) if plain_first else 0.0
            instrumented = recorders[store].time_block(timer, loops[store])
            if not plain_first:
                plain = timer.time_requests(loops[store])
            pairs[store].append((plain, instrumented))
    out = {}
    for store, recorder in recorders.items():
        requests = len(pairs[store]) * loops[store]
        beside = sum(plain for plain, _ in pairs[store]) / requests * 1e9
        overhead = statistics.median(instrumented / plain for plain, instrumented in pairs[store]) - 1
        out[store] = PhaseSample(recorder.per_request(requests, clock_read_ns), beside, overhead)
    return out


def in_phase_round(round_index: int) -> bool:
    """Whether the worker of ``round_index`` (from 1) runs the pass: rounds 1, 3, 5, ..."""
    return (round_index - 1) % PHASE_ROUND_STEP == 0
