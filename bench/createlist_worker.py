"""One pyperf benchmark: the create-then-list cell of one RV match on one store configuration.

Run as ``python -m bench.createlist_worker --store btree --rv NotOlderThan --operations
1000 --seed 1 --loops 1 [pyperf options]``; ``bench.runner`` drives it like
``bench.worker``, one process per round.

What is timed (:class:`CreateListTimer`): per loop, ``operations`` consecutive
create-then-list operations (``bench.createlist.CreateListRun.run``) starting from an
empty storage and cache built before the clock starts. The runner fixes ``--loops 1``
instead of letting pyperf calibrate, so every value of every configuration times the
same operations over stores of the same sizes (0 to ``operations - 1`` pods): a
calibrated loop count would differ per configuration, and later loops would not list
larger stores anyway, since each loop starts empty. pyperf divides by
``operations`` (``inner_loops``), so a value is seconds per create+list operation.

Each operation must list exactly one object (limit 1, at least the new pod exists);
anything else means the create or the list path is wrong, and the worker exits with an
error instead of recording a figure. Cost per value: ~``operations`` x (create + list),
a few tens of ms for 1000 operations.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyperf

from bench.createlist import CREATE_LIST_MATCHES, CreateListCase, CreateListRun
from bench.environment import describe_environment
from bench.rundir import OpsCount, add_ops
from bench.worker import DEFAULT_PROCESSES, CountMismatchError
from stores import STORE_NAMES


class CreateListTimer:
    """The pyperf time function of one create-then-list cell (``__call__(loops) -> seconds``)."""

    def __init__(self, case: CreateListCase, store: str, operations: int, seed: int) -> None:
        self.case = case
        self.store = store
        self.operations = operations
        self.seed = seed
        self.counted = OpsCount()
        self._measurements = 0

    def __call__(self, loops: int) -> float:
        elapsed = 0.0
        for _ in range(loops):
            # A fresh seed per measurement: new pod names, as upstream draws a new random name per op.
            run = CreateListRun(self.case, self.store, self.operations, self.seed + self._measurements)
            self._measurements += 1
            started = time.perf_counter()
            listed = run.run()
            elapsed += time.perf_counter() - started
            if listed != self.operations:
                raise CountMismatchError(
                    f"{self.case.name} on {self.store}: measurement {self._measurements} listed {listed} objects "
                    f"in {self.operations} operations, expected {self.operations} (one per operation)")
            self.counted += OpsCount(self.operations, self.operations, listed)
            run.cacher.stop()
        return elapsed


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("create-then-list cell")
    group.add_argument("--store", required=True, choices=STORE_NAMES, help="store configuration")
    group.add_argument("--rv", required=True, choices=CREATE_LIST_MATCHES, help="resourceVersionMatch of the LIST")
    group.add_argument("--operations", required=True, type=_positive, help="create+list operations per loop")
    group.add_argument("--seed", required=True, type=int, help="pod-name seed")
    group.add_argument("--ops-file", type=Path, help="add objects/op and pages/op counts to this file")


def forward_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args`` hook: give worker processes the same cell."""
    cmd.extend([f"--store={args.store}", f"--rv={args.rv}", f"--operations={args.operations}",
                f"--seed={args.seed}"])
    if args.ops_file:
        cmd.append(f"--ops-file={args.ops_file}")


def main(argv: Sequence[str] | None = None) -> None:
    runner = pyperf.Runner(processes=DEFAULT_PROCESSES, program_args=("-m", "bench.createlist_worker"),
                           add_cmdline_args=forward_arguments)
    add_arguments(runner.argparser)
    args = runner.parse_args(argv)
    case = CreateListCase(args.rv)
    timer = CreateListTimer(case, args.store, args.operations, args.seed)
    if args.worker:
        runner.metadata.update({"storelist_store": args.store, "storelist_seed": args.seed,
                                "storelist_rv": args.rv, "storelist_operations": args.operations,
                                **describe_environment()})
    try:
        runner.bench_time_func(case.name, timer, inner_loops=args.operations)
    except CountMismatchError as error:
        sys.exit(f"bench.createlist_worker: wrong count: {error}")
    if args.worker and args.ops_file and timer.counted.requests:
        add_ops(args.ops_file, case.name, timer.counted)


if __name__ == "__main__":
    main()
