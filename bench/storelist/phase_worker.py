"""The instrumented pass: where one StoreList cell's LIST time goes, per configuration.

Run as ``python -m bench.storelist.phase_worker --namespaces 50 --pods-per-namespace 3000
--nodes 5000 --rv= --scope Namespace --paginate 0 --seed 1 --stores
btree+index,btree,map+index,map --clock cpu --seconds 0.2``; prints one JSON object.

One process, one population and storage, a cacher of every configuration over it (as
the paired worker builds them), then, per configuration, ``ROUNDS`` rounds of a plain
block (``paginate_list``, the timed benchmark's loop) and an instrumented block
(``stores.list_phases.timed_get_list`` for every page), each about ``seconds /
ROUNDS`` long, so that both see the same machine. Reported per configuration: the
nanoseconds per request of every phase, the instrumented and the plain request, and
the requests counted. Never part of the timed runs: the executor runs it once per cell
before the first round.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace

from bench.storelist.cases import StoreListCase, build_request, paginate_list
from bench.storelist.cell_timer import CLOCKS
from bench.storelist.fixture import profiles_from_args
from bench.storelist.paired_worker import build_timers
from bench.storelist.worker import add_cell_arguments, case_from_args
from stores import store_config
from stores.cacher import Cacher
from stores.list_phases import PHASES, timed_get_list

MODULE = "bench.storelist.phase_worker"
ROUNDS = 5
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


def timed_paginate(cacher: Cacher, request: object, clock: Callable[[], int], phases: dict[str, int]) -> None:
    """``paginate_list`` with every page's phases timed."""
    key, options, namespace = request.key, request.options, request.request_namespace  # type: ignore[attr-defined]
    result = timed_get_list(cacher, key, options, namespace, clock, phases)
    while result.continue_token:
        options = replace(options, resource_version="", resource_version_match="",
                          predicate=replace(options.predicate, continue_token=result.continue_token))
        result = timed_get_list(cacher, key, options, namespace, clock, phases)


def measure_store(case: StoreListCase, store: str, cacher: Cacher, population: object, clock: Callable[[], int],
                  seconds: float) -> dict[str, object]:
    """Phases, instrumented and plain nanoseconds per request of one configuration."""
    config = store_config(store)
    iteration = 0

    def requests(count: int) -> list[object]:
        nonlocal iteration
        batch = [build_request(case, config, population, iteration + i) for i in range(count)]  # type: ignore[arg-type]
        iteration += count
        return batch

    probe = requests(1)
    started = clock()
    paginate_list(cacher, probe[0])  # type: ignore[arg-type]
    per_request = max(clock() - started, 1)
    count = max(1, math.ceil(seconds / ROUNDS * 1e9 / per_request))
    phases = dict.fromkeys(PHASES, 0)
    plain = instrumented = 0
    timed_pages = [0, 0]
    for _ in range(ROUNDS):
        batch = requests(count)
        started = clock()
        for request in batch:
            paginate_list(cacher, request)  # type: ignore[arg-type]
        plain += clock() - started
        batch = requests(count)
        before = cacher.metrics.cache_lists, cacher.metrics.delegated_lists
        started = clock()
        for request in batch:
            timed_paginate(cacher, request, clock, phases)
        instrumented += clock() - started
        timed_pages[0] += cacher.metrics.cache_lists - before[0]
        timed_pages[1] += cacher.metrics.delegated_lists - before[1]
    total = ROUNDS * count
    # Each phase interval holds one clock read per page that passed through it.
    read = clock_cost_ns(clock)
    intervals = {phase: timed_pages[0] for phase in CACHE_PHASES}
    intervals["request"] += timed_pages[1]
    intervals["storage"] = timed_pages[1]
    corrected = {phase: max(0.0, (value - read * intervals[phase]) / total) for phase, value in phases.items()}
    return {"requests": total, "plain_ns": plain / total, "instrumented_ns": instrumented / total,
            "clock_read_ns": read, "phases_ns": corrected}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cell_arguments(parser)
    parser.add_argument("--stores", required=True, type=lambda text: text.split(","))
    parser.add_argument("--clock", required=True, choices=CLOCKS)
    parser.add_argument("--seconds", type=float, default=0.2, help="time per configuration and mode")
    args = parser.parse_args(argv)
    case = case_from_args(args)
    timers = build_timers(case, args.stores, args.seed, args.clock, profiles_from_args(args))
    clock = CLOCKS[args.clock]
    out = {"cell": case.name, "clock": args.clock, "stores": {}}
    for store, timer in timers.items():
        fixture = timer.fixture()
        out["stores"][store] = measure_store(case, store, fixture.cacher, fixture.population, clock,  # type: ignore[index]
                                             args.seconds)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

