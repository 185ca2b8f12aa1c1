"""One pyperf benchmark: one StoreList cell on one store configuration.

Run as ``python -m bench.storelist.worker --store btree --namespaces 50
--pods-per-namespace 3000 --nodes 5000 --rv= --scope Namespace --paginate 0 --seed 1
[pyperf options]`` (``bench.worker`` says how a worker module runs). Each worker
process builds the population and the one store its cell needs, then times.

This is the unpaired design: one configuration per process, the process a pyperf
``Runner`` timing ``bench.storelist.cell_timer.CellTimer`` (the fixture, ~1 s at 150k
pods, built on the first call and kept for the process; every request's counts
checked). ``bench.storelist.paired_worker`` times all configurations in one process.
"""

from __future__ import annotations

import argparse

from bench.rundir.metadata_keys import CLOCK_KEY, DESIGN_KEY, STORAGE_KEY
from bench.storelist.cases import RV_MATCHES, SCOPES, StoreListCase
from bench.storelist.cell_timer import CLOCKS, CellTimer
from bench.storelist.fixture import Profiles, add_profile_arguments, profiles_from_args
from bench.worker import ROUND_KEY, PyperfWorker, TimedBenchmark
from stores import STORE_NAMES
from workloads import PopulationShape

def _rv_match(text: str) -> str:
    if text not in RV_MATCHES:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(repr(m) for m in RV_MATCHES)}")
    return text


def add_cell_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The options that name a StoreList cell and its population's seed (both StoreList workers take them)."""
    parser.add_argument("--namespaces", required=True, type=int)
    parser.add_argument("--pods-per-namespace", required=True, type=int)
    parser.add_argument("--nodes", required=True, type=int)
    parser.add_argument("--rv", required=True, type=_rv_match, help='resourceVersionMatch ("" = consistent read)')
    parser.add_argument("--scope", required=True, choices=SCOPES)
    parser.add_argument("--paginate", required=True, type=int, help="page size (0 = no pagination)")
    parser.add_argument("--seed", required=True, type=int, help="population seed")
    add_profile_arguments(parser)


def cell_arguments(case: StoreListCase, seed: int, profiles: Profiles = Profiles()) -> list[str]:
    """The options of ``add_cell_arguments`` naming ``case`` over the population of ``seed``."""
    shape = case.shape
    return [f"--namespaces={shape.namespaces}", f"--pods-per-namespace={shape.pods_per_namespace}",
            f"--nodes={shape.nodes}", f"--rv={case.rv_match}", f"--scope={case.scope}",
            f"--paginate={case.paginate}", f"--seed={seed}", *profiles.arguments()]


def case_from_args(args: argparse.Namespace) -> StoreListCase:
    shape = PopulationShape(args.namespaces, args.pods_per_namespace, args.nodes)
    return StoreListCase(shape, args.rv, args.scope, args.paginate)


def run_metadata(case: StoreListCase, store: str, seed: int, profiles: Profiles = Profiles()) -> dict[str, str | int]:
    """pyperf metadata of every run: the cell, its population, seed and profiles."""
    shape = case.shape
    return {
        "storelist_pods_profile": profiles.pods,
        "storelist_indexers": profiles.indexers,
        STORAGE_KEY: profiles.storage,
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
        add_cell_arguments(group)
        group.add_argument("--round", type=int, default=0, help="the executor's round (recorded in the run)")
        group.add_argument("--clock", choices=CLOCKS, default="wall", help="the clock the loop is timed with")

    def arguments(self, args: argparse.Namespace) -> list[str]:
        return [f"--store={args.store}", *cell_arguments(case_from_args(args), args.seed, profiles_from_args(args)),
                f"--round={args.round}", f"--clock={args.clock}"]

    def benchmark(self, args: argparse.Namespace) -> TimedBenchmark:
        case = case_from_args(args)
        profiles = profiles_from_args(args)
        timer = CellTimer(case, args.store, args.seed, clock=CLOCKS[args.clock], profiles=profiles)
        metadata = {**run_metadata(case, args.store, args.seed, profiles), DESIGN_KEY: "unpaired",
                    CLOCK_KEY: args.clock, ROUND_KEY: args.round}
        return TimedBenchmark(case.name, timer, metadata=metadata, counted=lambda: timer.counted)


if __name__ == "__main__":
    StoreListWorker().main()
