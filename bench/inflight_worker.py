"""One pyperf benchmark: one in-flight cell (``bench.inflight``) on one tracker.

Run as ``python -m bench.inflight_worker --tracker marker --op Done --in-flight 1000
--events-per-pop 1 [pyperf options]``. Like ``bench.worker`` it is a pyperf ``Runner``:
the manager spawns worker processes of this module, which time the cell with the
``scheduling.costs`` function (setup, i.e. filling the queue, excluded by that
function). ``bench.inflight_runner`` drives it one process at a time to interleave
the trackers; it can also be used alone like any pyperf script.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pyperf

from bench.environment import describe_environment
from bench.inflight import OPS, TRACKERS, InFlightCell

DEFAULT_PROCESSES = 10


def add_cell_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that name a cell (forwarded to pyperf's worker processes)."""
    group = parser.add_argument_group("in-flight cell")
    group.add_argument("--tracker", required=True, choices=TRACKERS)
    group.add_argument("--op", required=True, choices=OPS)
    group.add_argument("--in-flight", required=True, type=int, help="pods in flight")
    group.add_argument("--events-per-pop", type=int, help="events received per Pop (Pop and Done only)")


def forward_cell_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args`` hook: give worker processes the same cell."""
    cmd.extend([f"--tracker={args.tracker}", f"--op={args.op}", f"--in-flight={args.in_flight}"])
    if args.events_per_pop is not None:
        cmd.append(f"--events-per-pop={args.events_per_pop}")


def cell_arguments(cell: InFlightCell, tracker: str) -> list[str]:
    """The command-line options naming ``cell`` on ``tracker`` (the inverse of parsing)."""
    cmd: list[str] = []
    forward_cell_arguments(cmd, argparse.Namespace(tracker=tracker, op=cell.op, in_flight=cell.in_flight,
                                                   events_per_pop=cell.events_per_pop))
    return cmd


def run_metadata(cell: InFlightCell, tracker: str) -> dict[str, str | int]:
    """pyperf metadata of every run: the cell, the tracker and the environment."""
    metadata: dict[str, str | int] = {"inflight_tracker": tracker, "inflight_op": cell.op,
                                      "inflight_in_flight": cell.in_flight}
    if cell.events_per_pop is not None:
        metadata["inflight_events_per_pop"] = cell.events_per_pop
    return {**metadata, **describe_environment()}


def main(argv: Sequence[str] | None = None) -> None:
    runner = pyperf.Runner(processes=DEFAULT_PROCESSES, program_args=("-m", "bench.inflight_worker"),
                           add_cmdline_args=forward_cell_arguments)
    add_cell_arguments(runner.argparser)
    args = runner.parse_args(argv)
    try:
        cell = InFlightCell(args.op, args.in_flight, args.events_per_pop)
    except ValueError as error:
        runner.argparser.error(str(error))
    if args.worker:
        # Only worker processes produce runs; the manager needs no metadata.
        runner.metadata.update(run_metadata(cell, args.tracker))
    function, extra = cell.time_function()
    runner.bench_time_func(cell.name, function, args.tracker, *extra)


if __name__ == "__main__":
    main()
