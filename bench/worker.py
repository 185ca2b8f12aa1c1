"""One pyperf benchmark: one StoreList cell on one store configuration.

Run as ``python -m bench.worker --store btree --namespaces 50 --pods-per-namespace 3000
--nodes 5000 --rv= --scope Namespace --paginate 0 --seed 1 [pyperf options]``. The
process is a pyperf ``Runner``: without ``--worker`` it is pyperf's manager and spawns
worker processes of this same module, each of which builds the population and the one
store its cell needs, then times. ``bench.runner`` drives it one process at a time to
interleave configurations (see there); it can also be used alone like any pyperf script.

What is timed (:class:`CellTimer`): ``loops`` consecutive requests of the Go leaf body,
``paginate_list(cacher, build_request(case, config, population, i))``. The fixture
(population, storage, cacher: ~1 s at 150k pods) is built on the first call and kept
for the process. The requests of a value are built before its clock starts, because
building one (~5-10 µs) is a sizeable fraction of the fastest LISTs (~20 µs); so the
timed loop is the LIST path alone, plus ~30 ns per request to keep its (pages,
objects) result, which is what the objects/op and pages/op counts come from.

Every timed request's (pages, objects) is checked against ``bench.expected`` (computed
before the clock starts, ~0.2 s once per process at 150k pods, then cached per distinct
request): a wrong count means the LIST path is wrong, so the worker exits with an
error naming the cell, configuration, iteration and both counts, and the run fails
rather than publish a figure for a wrong answer.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import pyperf

from bench.environment import describe_environment
from bench.expected import Counts, ExpectedCounts
from bench.fixture import CellFixture, build_fixture
from bench.rundir import OpsCount, add_ops
from bench.storelist import RV_MATCHES, SCOPES, StoreListCase, build_request, paginate_list
from stores import STORE_NAMES, StoreConfig, store_config
from workloads import Population, PopulationShape

# benchstat's practice: 10 independent runs (here worker processes) per cell.
DEFAULT_PROCESSES = 10


class CountMismatchError(RuntimeError):
    """A timed request returned other pages or objects than the population implies."""


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
                raise CountMismatchError(
                    f"{self.case.name} on {self.store}: iteration {iteration} returned {objects} objects in "
                    f"{pages} pages, expected {want.objects} objects in {want.pages} pages")
        self.counted += OpsCount(len(outcomes), sum(p for p, _ in outcomes), sum(o for _, o in outcomes))
        return elapsed


def _rv_match(text: str) -> str:
    if text not in RV_MATCHES:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(repr(m) for m in RV_MATCHES)}")
    return text


def add_cell_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that name a cell and its run (forwarded to pyperf's worker processes)."""
    group = parser.add_argument_group("storelist cell")
    group.add_argument("--store", required=True, choices=STORE_NAMES, help="store configuration")
    group.add_argument("--namespaces", required=True, type=int)
    group.add_argument("--pods-per-namespace", required=True, type=int)
    group.add_argument("--nodes", required=True, type=int)
    group.add_argument("--rv", required=True, type=_rv_match, help='resourceVersionMatch ("" = consistent read)')
    group.add_argument("--scope", required=True, choices=SCOPES)
    group.add_argument("--paginate", required=True, type=int, help="page size (0 = no pagination)")
    group.add_argument("--seed", required=True, type=int, help="population seed")
    group.add_argument("--ops-file", type=Path, help="add objects/op and pages/op counts to this file")


def forward_cell_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args`` hook: give worker processes the same cell."""
    cmd.extend([f"--store={args.store}", f"--namespaces={args.namespaces}",
                f"--pods-per-namespace={args.pods_per_namespace}", f"--nodes={args.nodes}",
                f"--rv={args.rv}", f"--scope={args.scope}", f"--paginate={args.paginate}",
                f"--seed={args.seed}"])
    if args.ops_file:
        cmd.append(f"--ops-file={args.ops_file}")


def case_from_args(args: argparse.Namespace) -> StoreListCase:
    shape = PopulationShape(args.namespaces, args.pods_per_namespace, args.nodes)
    return StoreListCase(shape, args.rv, args.scope, args.paginate)


def run_metadata(case: StoreListCase, store: str, seed: int) -> dict[str, str | int]:
    """pyperf metadata of every run: the cell, its population and seed, and the environment."""
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
        **describe_environment(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    runner = pyperf.Runner(processes=DEFAULT_PROCESSES, program_args=("-m", "bench.worker"),
                           add_cmdline_args=forward_cell_arguments)
    add_cell_arguments(runner.argparser)
    args = runner.parse_args(argv)
    case = case_from_args(args)
    timer = CellTimer(case, args.store, args.seed)
    if args.worker:
        # Only worker processes produce runs; the manager needs no metadata.
        runner.metadata.update(run_metadata(case, args.store, args.seed))
    try:
        runner.bench_time_func(case.name, timer)
    except CountMismatchError as error:
        sys.exit(f"bench.worker: wrong count, the LIST path is wrong: {error}")
    if args.worker and args.ops_file and timer.counted.requests:
        add_ops(args.ops_file, case.name, timer.counted)


if __name__ == "__main__":
    main()
