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

The phases are read on the wall clock (``PHASE_CLOCK``, ``perf_counter_ns``) whatever
the run's ``--clock``, while the blocks they are held against keep the run's clock. A
CPU-clock read is a system call: 0.77 µs back to back here, 1.16 µs between the phases of
a LIST (10k namespaces, btree+index, 300 requests per block, load 2), and a page takes
eleven reads, so at a 44 µs LIST the reads were a third of the instrumented block and
the part of their cost that a back-to-back figure misses left the phases 3-12% above
the uninstrumented time (medians over 10 samples, two `make bench` runs; the one kind of
cell beyond the report's tolerance). A wall-clock read costs about 0.09 µs. The wall
clock also counts time taken by other processes, which the CPU clock does not; that
can only push the phases up against their blocks, and pairs of adjacent blocks and
medians over samples keep it small.

Every phase is the interval between two clock reads, so it holds one read's own cost,
taken off each phase once per page that passed through it. What one read costs is
measured in place where the reads are a measurable share of a block: two more
instrumented blocks per configuration and round, whose clock reads once or twice per
read (``_CountingClock``), differ by one read per read (``in_place_read_ns``). Where a
block holds few pages (a LIST of milliseconds), the reads are below a thousandth of it
and a difference of two blocks cannot resolve them: there ``clock_cost_ns``, back to
back, is taken off. The overhead stated beside the phases is the instrumented block's
time over the uninstrumented one's, less one (median over pairs).

Six rounds of pairs rather than two: a sample's phase sum over its own uninstrumented
blocks spread by ±10-20% with two (load 1-2), which the median over 10 samples did not
bring within the report's 10%; a configuration's blocks of a 10k-namespace cell last
10 ms, so the four extra rounds cost about 0.5 s per pass.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bench.executor import rotated
from bench.storelist.cell_timer import CellTimer
from storage.selection import ListOptions, ListResult
from stores.cacher import should_delegate_list
from stores.list_phases import PHASES, timed_get_list

PHASE_ROUND_STEP = 2
PHASE_BLOCK_ROUNDS = 6
# Blocks of fewer pages than this (LISTs of milliseconds) leave the in-place read cost to
# the back-to-back figure: their reads are under a thousandth of the block, whose jitter
# (a few percent) a difference of two blocks cannot see through.
IN_PLACE_MIN_PAGES = 20
# The phases' clock, whatever the run's --clock: see the module docstring.
PHASE_CLOCK = time.perf_counter_ns
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


class _CountingClock:
    """``clock`` counting its reads; ``doubled`` reads it once more each time, discarded.
    The two variants differ by one read per read and by nothing else."""

    def __init__(self, clock: Callable[[], int], doubled: bool) -> None:
        self._clock, self._doubled, self.reads = clock, doubled, 0

    def __call__(self) -> int:
        self.reads += 1
        if self._doubled:
            self._clock()
        return self._clock()


def in_place_read_ns(timer: CellTimer, loops: int, clock: Callable[[], int],
                     first_doubled: bool) -> tuple[float, int]:
    """(extra ns, reads): two instrumented blocks of ``loops`` requests, the clock read once
    or twice per read, in the order given; the second block's time over the first's
    (ns, the timer's clock) and how many reads the single block made."""
    times, reads = {}, 0
    for doubled in (first_doubled, not first_doubled):
        counting = _CountingClock(clock, doubled)
        recorder = _PhaseRecorder(timer, counting)
        times[doubled] = timer.time_requests(loops, recorder)
        if not doubled:
            reads = counting.reads
        recorder.release()
    return (times[True] - times[False]) * 1e9, reads


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
    back_to_back_ns = clock_cost_ns(clock)
    recorders = {store: _PhaseRecorder(timer, clock) for store, timer in timers.items()}
    pairs: dict[str, list[tuple[float, float]]] = {store: [] for store in timers}
    extra_ns: dict[str, list[float]] = {store: [] for store in timers}
    reads: dict[str, list[int]] = {store: [] for store in timers}
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
            served = recorders[store].cache_pages + recorders[store].delegated_pages
            if served / len(pairs[store]) >= IN_PLACE_MIN_PAGES:
                extra, count = in_place_read_ns(timer, loops[store], clock, first_doubled=plain_first)
                extra_ns[store].append(extra)
                reads[store].append(count)
    # One read's cost in place: pooled over the configurations whose blocks hold enough
    # pages, as it is the clock's and the machine's, not a configuration's.
    pooled_reads = sum(sum(counts) for counts in reads.values())
    read_ns = (max(0.0, sum(sum(extras) for extras in extra_ns.values()) / pooled_reads) if pooled_reads
               else back_to_back_ns)
    out = {}
    for store, recorder in recorders.items():
        requests = len(pairs[store]) * loops[store]
        beside = sum(plain for plain, _ in pairs[store]) / requests * 1e9
        overhead = statistics.median(instrumented / plain for plain, instrumented in pairs[store]) - 1
        cost = read_ns if reads[store] else back_to_back_ns
        out[store] = PhaseSample(recorder.per_request(requests, cost), beside, overhead)
    return out


def in_phase_round(round_index: int) -> bool:
    """Whether the worker of ``round_index`` (from 1) runs the pass: rounds 1, 3, 5, ..."""
    return (round_index - 1) % PHASE_ROUND_STEP == 0
