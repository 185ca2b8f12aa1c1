"""One pyperf benchmark: one StoreList cell on one store configuration.

Run as ``python -m bench.storelist.worker --store btree --namespaces 50
--pods-per-namespace 3000 --nodes 5000 --rv= --scope Namespace --paginate 0 --seed 1
[pyperf options]`` (``bench.worker`` says how a worker module runs). Each worker
process builds the population and the one store its cell needs, then times.

What is timed (:class:`CellTimer`): ``loops`` consecutive requests of the Go leaf body,
``paginate_list(cacher, build_request(case, config, population, i))``. The fixture
(population, storage, cacher: ~1 s at 150k pods) is built on the first call and kept
for the process. The requests of a value are built before its clock starts, because
building one (~5-10 µs) is a sizeable fraction of the fastest LISTs (~20 µs); so the
timed loop is the LIST path alone, plus ~30 ns per request to keep its (pages,
objects) result, which is what the objects/op and pages/op counts come from.

Every timed request's (pages, objects) is checked against ``bench.storelist.expected`` (computed
before the clock starts, ~0.2 s once per process at 150k pods, then cached per distinct
request): a wrong count means the LIST path is wrong, so the worker exits with an
error naming the cell, configuration, iteration and both counts, and the run fails
rather than publish a figure for a wrong answer.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Protocol

from bench.rundir.ops import OpsCount
from bench.storelist.cases import RV_MATCHES, SCOPES, StoreListCase, build_request, paginate_list
from bench.storelist.expected import Counts, ExpectedCounts
from bench.storelist.fixture import CellFixture, build_fixture
from bench.worker import PyperfWorker, TimedBenchmark, WrongAnswerError
from stores import STORE_NAMES, StoreConfig, store_config
from workloads import Population, PopulationShape

class Expectation(Protocol):
    """What request ``iteration`` must return: ``ExpectedCounts``, or a test's stand-in."""

    def for_iteration(self, iteration: int) -> Counts: ...


ExpectationFactory = Callable[[StoreListCase, StoreConfig, Population], Expectation]


class CellTimer:
    """The pyperf time function of one cell on one store (``__call__(loops) -> seconds``)."""

    def __init__(self, case: StoreListCase, store: str, seed: int,
                 expectation: ExpectationFactory = ExpectedCounts) -> None:
        self.case = case
        self.store = store
        self.config = store_config(store)
        self.seed = seed
        self.counted = OpsCount()
        self._fixture: CellFixture | None = None
        self._make_expectation = expectation
        self._expected: Expectation | None = None
        # Iteration numbers run on across values, as one long Go b.N loop would.
        self._next_iteration = 0

    def fixture(self) -> CellFixture:
        """The cell's population, storage and cacher, built on first use (not timed)."""
        if self._fixture is None:
            self._fixture = build_fixture(self.case.shape, self.seed, self.store)
        return self._fixture

    def expected(self) -> Expectation:
        """The expected counts over this process's population, built on first use (not timed)."""
        if self._expected is None:
            self._expected = self._make_expectation(self.case, self.config, self.fixture().population)
        return self._expected

    def __call__(self, loops: int) -> float:
        fixture = self.fixture()
        first = self._next_iteration
        self._next_iteration += loops
        iterations = range(first, first + loops)
        batch = [build_request(self.case, self.config, fixture.population, i) for i in iterations]
        expected = [self.expected().for_iteration(i) for i in iterations]
        cacher = fixture.cacher
        started = time.perf_counter()
        outcomes = [paginate_list(cacher, request) for request in batch]
        elapsed = time.perf_counter() - started
        for iteration, (pages, objects), want in zip(iterations, outcomes, expected):
            if (pages, objects) != (want.pages, want.objects):
                raise WrongAnswerError(
                    f"{self.case.name} on {self.store}: iteration {iteration} returned {objects} objects in "
                    f"{pages} pages, expected {want.objects} objects in {want.pages} pages")
        self.counted += OpsCount(len(outcomes), sum(p for p, _ in outcomes), sum(o for _, o in outcomes))
        return elapsed


def _rv_match(text: str) -> str:
    if text not in RV_MATCHES:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(repr(m) for m in RV_MATCHES)}")
    return text


def cell_arguments(case: StoreListCase, store: str, seed: int) -> list[str]:
    """The options naming ``case`` on ``store`` over the population of ``seed``."""
    shape = case.shape
    return [f"--store={store}", f"--namespaces={shape.namespaces}",
            f"--pods-per-namespace={shape.pods_per_namespace}", f"--nodes={shape.nodes}",
            f"--rv={case.rv_match}", f"--scope={case.scope}", f"--paginate={case.paginate}", f"--seed={seed}"]


def case_from_args(args: argparse.Namespace) -> StoreListCase:
    shape = PopulationShape(args.namespaces, args.pods_per_namespace, args.nodes)
    return StoreListCase(shape, args.rv, args.scope, args.paginate)


def run_metadata(case: StoreListCase, store: str, seed: int) -> dict[str, str | int]:
    """pyperf metadata of every run: the cell, its population and seed."""
    shape = case.shape
    return {
        "storelist_store": store,
        "storelist_seed": seed,
        "storelist_namespaces": shape.namespaces,
        "storelist_pods": shape.pods,
        "storelist_nodes": shape.nodes,
        "storelist_rv": case.rv_match or '""',  # pyperf drops empty metadata values
        "storelist_scope": case.scope,
        "storelist_paginate": case.paginate,
    }


class StoreListWorker(PyperfWorker):
    module = "bench.storelist.worker"
    title = "storelist cell"

    def add_arguments(self, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--store", required=True, choices=STORE_NAMES, help="store configuration")
        group.add_argument("--namespaces", required=True, type=int)
        group.add_argument("--pods-per-namespace", required=True, type=int)
        group.add_argument("--nodes", required=True, type=int)
        group.add_argument("--rv", required=True, type=_rv_match, help='resourceVersionMatch ("" = consistent read)')
        group.add_argument("--scope", required=True, choices=SCOPES)
        group.add_argument("--paginate", required=True, type=int, help="page size (0 = no pagination)")
        group.add_argument("--seed", required=True, type=int, help="population seed")

    def arguments(self, args: argparse.Namespace) -> list[str]:
        return cell_arguments(case_from_args(args), args.store, args.seed)

    def benchmark(self, args: argparse.Namespace) -> TimedBenchmark:
        case = case_from_args(args)
        timer = CellTimer(case, args.store, args.seed)
        return TimedBenchmark(case.name, timer, metadata=run_metadata(case, args.store, args.seed),
                              counted=lambda: timer.counted)


if __name__ == "__main__":
    StoreListWorker().main()
