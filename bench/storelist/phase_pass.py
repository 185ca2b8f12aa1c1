"""The instrumented pass: where one StoreList LIST's time goes, per configuration.

Run by the paired worker after its measured blocks, in every ``PHASE_ROUND_STEP``-th
round from the first (``in_phase_round``), never inside a timed block: so a cell's
passes are spread over the run, as its samples are, and see the same machine and
populations. For each configuration it issues
requests through ``stores.list_phases.timed_get_list``, every page timed step by step,
for about ``PHASE_SECONDS`` (at least ``PHASE_MIN_REQUESTS`` requests), and returns the
nanoseconds per request of every phase. Every phase is the interval between two clock
reads, so it holds one read's own cost: ``clock_cost_ns`` measures that cost, once per
pass, and it is taken off each phase once per page that passed through it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from bench.storelist.cases import StoreListCase, build_request, paginate_list
from storage.selection import ListOptions, ListResult
from stores import store_config
from stores.cacher import Cacher
from stores.list_phases import PHASES, timed_get_list
from workloads import Population

PHASE_ROUND_STEP = 4
PHASE_SECONDS = 0.05
PHASE_MIN_REQUESTS = 3
CACHE_PHASES = tuple(phase for phase in PHASES if phase != "storage")


def clock_cost_ns(clock: Callable[[], int], reads: int = 2000) -> float:
    """What one read of ``clock`` costs, in ns: the median of 5 runs of ``reads`` back-to-back reads."""
    costs = []
    for _ in range(5):
        started = clock()
        for _ in range(reads):
            clock()
        costs.append((clock() - started) / (reads + 1))
    return sorted(costs)[2]


def measure_phases(case: StoreListCase, store: str, cacher: Cacher, population: Population,
                   clock: Callable[[], int], clock_read_ns: float, per_request_seconds: float,
                   first_iteration: int) -> tuple[dict[str, float], float]:
    """ns per request of every phase of ``store``'s LIST, the clock reads' cost taken off, and
    the instrumentation's overhead: the instrumented request's time over the timed blocks'
    ``per_request_seconds``, less one.

    ``clock_read_ns``: one clock read's cost (``clock_cost_ns``, measured once per pass);
    ``per_request_seconds`` (from the process's timed blocks) sizes the pass; requests
    continue the iteration numbers from ``first_iteration``, so they target the
    namespaces the timed loop would have targeted next.
    """
    config = store_config(store)
    count = max(PHASE_MIN_REQUESTS, math.ceil(PHASE_SECONDS / max(per_request_seconds, 1e-9)))
    batch = [build_request(case, config, population, first_iteration + i) for i in range(count)]
    phases = dict.fromkeys(PHASES, 0)
    cache_pages, delegated_pages = cacher.metrics.cache_lists, cacher.metrics.delegated_lists


    def timed_page(key: str, options: ListOptions, namespace: str | None) -> ListResult:
        return timed_get_list(cacher, key, options, namespace, clock, phases)

    started = clock()
    for request in batch:
        paginate_list(cacher, request, timed_page)
    instrumented = (clock() - started) / count
    pages = (cacher.metrics.cache_lists - cache_pages, cacher.metrics.delegated_lists - delegated_pages)
    intervals = {phase: pages[0] for phase in CACHE_PHASES}
    intervals["request"] += pages[1]
    intervals["storage"] = pages[1]
    corrected = {phase: max(0.0, (value - clock_read_ns * intervals[phase]) / count) for phase, value in phases.items()}
    return corrected, instrumented / (per_request_seconds * 1e9) - 1


def in_phase_round(round_index: int) -> bool:
    """Whether the worker of ``round_index`` (from 1) runs the pass: rounds 1, 5, 9, ..."""
    return (round_index - 1) % PHASE_ROUND_STEP == 0
