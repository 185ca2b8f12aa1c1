"""Timing one StoreList cell on one store configuration: the loop both StoreList workers time.

What is timed: ``loops`` consecutive requests of the Go leaf body,
``paginate_list(cacher, build_request(case, config, population, i))``. The requests
of a call are built before its clock starts, because building one (~5-10 µs) is a
sizeable fraction of the fastest LISTs (~20 µs); so the timed loop is the LIST path
alone, plus ~30 ns per request to keep its (pages, objects) result, which is what the
objects/op and pages/op counts come from. Every timed request's counts are checked
against ``bench.storelist.expected`` after the clock stops: a wrong count raises
``WrongAnswerError``, and the run fails rather than publish a figure for a wrong answer.

Two clocks (``CLOCKS``): ``wall`` (``perf_counter_ns``) counts the time other processes
take the CPU away; ``cpu`` (``thread_time_ns``, the timing thread's CPU time) does not.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Protocol

from bench.rundir.ops import OpsCount
from bench.storelist.cases import ListPage, StoreListCase, build_request, paginate_list
from bench.storelist.expected import Counts, ExpectedCounts
from bench.storelist.fixture import CellFixture, Profiles, build_fixture, gc_paused
from bench.worker import WrongAnswerError
from stores import StoreConfig, store_config
from workloads import Population

CLOCKS: dict[str, Callable[[], int]] = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}


class Expectation(Protocol):
    """What request ``iteration`` must return: ``ExpectedCounts``, or a test's stand-in."""

    def for_iteration(self, iteration: int) -> Counts: ...


ExpectationFactory = Callable[[StoreListCase, StoreConfig, Population], Expectation]


class CellTimer:
    """The time function of one cell on one store (``__call__(loops) -> seconds``), for
    pyperf's ``bench_time_func`` and for the paired worker's blocks.

    ``fixture``: a population, storage and cacher built by the caller (the paired worker
    builds one storage for all configurations); else built on first use, of ``profiles``
    (pod and indexer profiles). ``clock``: the
    clock the loop is timed with, in nanoseconds (``CLOCKS``). ``primed``: every call of
    more than one loop first issues one untimed request (the paired worker's blocks; see
    ``__call__``).
    """

    def __init__(self, case: StoreListCase, store: str, seed: int,
                 expectation: ExpectationFactory = ExpectedCounts, fixture: CellFixture | None = None,
                 clock: Callable[[], int] = time.perf_counter_ns, primed: bool = False,
                 profiles: Profiles = Profiles()) -> None:
        self.case = case
        self.store = store
        self.config = store_config(store)
        self.seed = seed
        self.counted = OpsCount()
        self._fixture = fixture
        self._clock = clock
        self._primed = primed
        self._profiles = profiles
        self._make_expectation = expectation
        self._expected: Expectation | None = None
        # Iteration numbers run on across values, as one long Go b.N loop would.
        self._next_iteration = 0

    def fixture(self) -> CellFixture:
        """The cell's population, storage and cacher, built on first use (not timed)."""
        if self._fixture is None:
            self._fixture = build_fixture(self.case.shape, self.seed, self.store, self._profiles)
        return self._fixture

    @property
    def next_iteration(self) -> int:
        """The iteration number the next request would have (requests run on across calls)."""
        return self._next_iteration

    def expected(self) -> Expectation:
        """The expected counts over this process's population, built on first use (not
        timed), and frozen out of the cyclic GC's reach as the fixture is (``gc_paused``).

        Why frozen: they hold some 300k references (two 150k lists, per-node lists). Left
        to the GC, every full collection traversed them, 30-46 ms each at 50 namespaces,
        landing on whichever configuration's block was running: one block in three of
        10 LISTs of 2.7 ms (btree+index, 50 namespaces) took 2.2-3.1x as long per LIST
        (measured with gc.callbacks in a paired process of three configurations).
        """
        if self._expected is None:
            with gc_paused():
                self._expected = self._make_expectation(self.case, self.config, self.fixture().population)
        return self._expected

    def __call__(self, loops: int) -> float:
        """Seconds the next ``loops`` requests take on the timer's clock (``time_requests``)."""
        return self.time_requests(loops)

    def time_requests(self, loops: int, get_list: ListPage | None = None) -> float:
        """Seconds the next ``loops`` requests take on the timer's clock; ``get_list``:
        what serves each timed page instead of ``cacher.get_list`` (the instrumented pass).

        Primed (``primed`` and ``loops`` > 1): one request more is issued first, untimed,
        as the previous iteration of the loop. A block that follows other configurations'
        blocks starts with caches they filled, a cost per block whatever its length: at
        10k namespaces, btree+index at 315 loops beside btree at 400 or 800 gave ratios
        of 0.835 and 0.817 unprimed, 0.824 and 0.814 primed (medians of 8 processes
        each, the paired worker with ``--loops btree+index=315,btree=400`` or ``=800``).
        Go's b.N loop runs warm. The rest of the dependence is why loops are calibrated to a stable
        count (``paired_worker.calibrate``). A single-request block is a request longer
        than the block time, so the same cost is a small share of it, and priming it
        would double the slowest configurations' time.
        """
        fixture = self.fixture()
        primer = 1 if self._primed and loops > 1 else 0
        first = self._next_iteration
        self._next_iteration += primer + loops
        iterations = range(first, first + primer + loops)
        batch = [build_request(self.case, self.config, fixture.population, i, fixture.revisions) for i in iterations]
        expected = [self.expected().for_iteration(i) for i in iterations]
        # The block's requests and expectations are the harness's, not the LIST's: frozen
        # (an O(1) move of the young generation), so that the collections the LIST's own
        # allocations trigger do not traverse them. Nothing here forms a cycle, so
        # freezing delays no garbage; reference counting still frees them.
        gc.freeze()
        cacher, clock = fixture.cacher, self._clock
        outcomes = [paginate_list(cacher, request) for request in batch[:primer]]
        started = clock()
        outcomes += [paginate_list(cacher, request, get_list) for request in batch[primer:]]
        elapsed = (clock() - started) * 1e-9
        for iteration, (pages, objects), want in zip(iterations, outcomes, expected):
            if (pages, objects) != (want.pages, want.objects):
                raise WrongAnswerError(
                    f"{self.case.name} on {self.store}: iteration {iteration} returned {objects} objects in "
                    f"{pages} pages, expected {want.objects} objects in {want.pages} pages")
        self.counted += OpsCount(len(outcomes), sum(p for p, _ in outcomes), sum(o for _, o in outcomes))
        return elapsed
