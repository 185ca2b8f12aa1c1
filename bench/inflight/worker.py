"""One sample of the in-flight suite: both trackers of one cell, in one process, in interleaved blocks.

Run as ``python -m bench.inflight.worker --op Done --in-flight 1000 --events-per-pop 1
--trackers marker,list --round 3 --blocks 16 --warmups 1 --block-time 0.01 --output
RUN/meta/sample-in-flight``.

The paired design of the StoreList suite (``bench.storelist.paired_worker`` says why
it cancels most of a shared machine's noise), applied to the scheduler queue: the
process builds each tracker's queue for the cell (``scheduling.costs``; a Pop or Done
cell's steady state once per tracker and process), then times rounds of blocks, one
block per tracker, the order rotated from round to round. The ratio of a tracker's
block to the base's block of the same round (the base is ``marker``, the first
design, so a ratio reads as what the fix costs or saves), and the median of those
ratios is the process's estimate; the processes give the run's interval
(``reports.ratio_table``).

A block is ``loops`` repetitions of the operation, sized to ``block_time`` of timed
operation and to at most ``WALL_FACTOR x block_time`` for the whole call: a Pop or Done
repetition also runs untimed work (the events, the other operation, re-adding the pod)
that can be thousands of times the timed part (``bench.blocks``).

The clock is the wall clock (``time.perf_counter``), not the thread's CPU clock of the
StoreList cells: Pop and Done are timed one call at a time, between the untimed parts,
and a CPU-clock read (``time.thread_time``, a system call) costs about 0.95 µs here,
against 0.09 µs for ``perf_counter`` (``python -m pyperf timeit -s "import time;
f=time.thread_time" "f()"``, load 0.8); at a Pop of 1-2 µs two reads would be most
of the figure.

Output: per tracker a pyperf file ``OUTPUT/<tracker>.json`` with one run, whose values
are the measured blocks' seconds per operation (warm-up rounds as pyperf warm-ups),
and whose metadata carries the cell, the executor's round, the clock and what
``bench.blocks.paired_runs`` adds (the process's ratio to the base among it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pyperf

from bench.blocks import add_block_arguments, paired_runs, time_rounds
from bench.environment import describe_environment
from bench.inflight.cells import OPS, InFlightCell
from bench.rundir.metadata_keys import CLOCK_KEY
from bench.worker import ROUND_KEY
from scheduling.tracker import TRACKER_NAMES

MODULE = "bench.inflight.worker"
# A block's whole call, untimed work included, lasts at most this many block times.
WALL_FACTOR = 5.0
CLOCK = "wall"


def cell_arguments(cell: InFlightCell) -> list[str]:
    """The options naming ``cell``."""
    arguments = [f"--op={cell.op}", f"--in-flight={cell.in_flight}"]
    if cell.events_per_pop is not None:
        arguments.append(f"--events-per-pop={cell.events_per_pop}")
    return arguments


def run_metadata(cell: InFlightCell, tracker: str) -> dict[str, str | int | float]:
    """pyperf metadata of every run: the cell and the tracker."""
    metadata: dict[str, str | int | float] = {"inflight_tracker": tracker, "inflight_op": cell.op,
                                              "inflight_in_flight": cell.in_flight}
    if cell.events_per_pop is not None:
        metadata["inflight_events_per_pop"] = cell.events_per_pop
    return metadata


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--op", required=True, choices=OPS)
    parser.add_argument("--in-flight", required=True, type=int, help="pods in flight")
    parser.add_argument("--events-per-pop", type=int, help="events received per Pop (Pop and Done only)")
    add_block_arguments(parser, "trackers", "seconds of timed operation per block")
    parser.add_argument("--output", required=True, type=Path, help="directory for one pyperf file per tracker")
    return parser


def sample_runs(cell: InFlightCell, args: argparse.Namespace) -> dict[str, pyperf.Run]:
    """Calibrate (where ``--loops`` gives no count), time the warm-up and measured rounds, and return one run per tracker."""
    timers = {tracker: partial(cell.time, tracker=tracker) for tracker in args.trackers}
    wall_limit = WALL_FACTOR * args.block_time
    timed = time_rounds(timers, args.loops, args.block_time, args.round, args.warmups, args.blocks, wall_limit)
    environment = describe_environment()
    metadata = {tracker: {"name": cell.name, "unit": "second", **run_metadata(cell, tracker), **environment,
                          CLOCK_KEY: CLOCK, ROUND_KEY: args.round} for tracker in args.trackers}
    return paired_runs(timed.measured, timed.warmups, timed.loops, timed.warmup_loops, metadata)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        cell = InFlightCell(args.op, args.in_flight, args.events_per_pop)
    except ValueError as error:
        sys.exit(f"{MODULE}: {error}")
    unknown = [tracker for tracker in args.trackers if tracker not in TRACKER_NAMES]
    if unknown or len(set(args.trackers)) != len(args.trackers) or args.blocks < 1 or args.warmups < 0:
        sys.exit(f"{MODULE}: bad options (trackers {args.trackers}, blocks {args.blocks}, warm-ups {args.warmups})")
    for tracker, run in sample_runs(cell, args).items():
        pyperf.Benchmark([run]).dump(str(args.output / f"{tracker}.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
