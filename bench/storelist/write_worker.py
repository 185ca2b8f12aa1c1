"""One pyperf benchmark: a write cell (create, update or delete) on one store configuration.

Run as ``python -m bench.storelist.write_worker --store btree --namespaces 50
--pods-per-namespace 3000 --nodes 5000 --op Update --seed 1 --indexers registry
[pyperf options]`` (``bench.worker`` says how a worker module runs). What is timed:
``bench.storelist.write_cost.WriteTimer``, the watch cache applying ``loops`` write
events on a cache that holds the whole population; a value is seconds per write.
"""

from __future__ import annotations

import argparse

from bench.storelist.fixture import Profiles, add_profile_arguments, profiles_from_args
from bench.storelist.write_cost import WRITE_OPS, WriteCase, WriteTimer
from bench.worker import ROUND_KEY, PyperfWorker, TimedBenchmark
from stores import STORE_NAMES
from workloads import PopulationShape


def cell_arguments(case: WriteCase, store: str, seed: int, profiles: Profiles = Profiles()) -> list[str]:
    """The options naming ``case`` on ``store`` over the population of ``seed``."""
    shape = case.shape
    return [f"--store={store}", f"--namespaces={shape.namespaces}", f"--pods-per-namespace={shape.pods_per_namespace}",
            f"--nodes={shape.nodes}", f"--op={case.op}", f"--seed={seed}", *profiles.arguments()]


class WriteWorker(PyperfWorker):
    module = "bench.storelist.write_worker"
    title = "write cell"

    def add_arguments(self, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--store", required=True, choices=STORE_NAMES, help="store configuration")
        group.add_argument("--namespaces", required=True, type=int)
        group.add_argument("--pods-per-namespace", required=True, type=int)
        group.add_argument("--nodes", required=True, type=int)
        group.add_argument("--op", required=True, choices=WRITE_OPS, help="the kind of write")
        group.add_argument("--seed", required=True, type=int, help="population seed")
        group.add_argument("--round", type=int, default=0, help="the executor's round (recorded in the run)")
        add_profile_arguments(group)

    def _case(self, args: argparse.Namespace) -> WriteCase:
        return WriteCase(PopulationShape(args.namespaces, args.pods_per_namespace, args.nodes), args.op)

    def arguments(self, args: argparse.Namespace) -> list[str]:
        return [*cell_arguments(self._case(args), args.store, args.seed, profiles_from_args(args)),
                f"--round={args.round}"]

    def benchmark(self, args: argparse.Namespace) -> TimedBenchmark:
        case = self._case(args)
        profiles = profiles_from_args(args)
        timer = WriteTimer(case, args.store, args.seed, profiles)
        metadata: dict[str, str | int] = {"storelist_store": args.store, "storelist_seed": args.seed,
                                          "storelist_op": case.op, "storelist_pods_profile": profiles.pods,
                                          "storelist_indexers": profiles.indexers, ROUND_KEY: args.round}
        return TimedBenchmark(case.name, timer, metadata=metadata)


if __name__ == "__main__":
    WriteWorker().main()
