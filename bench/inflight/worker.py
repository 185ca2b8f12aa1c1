"""One pyperf benchmark: one in-flight cell (``bench.inflight.cells``) on one tracker.

Run as ``python -m bench.inflight.worker --tracker marker --op Done --in-flight 1000
--events-per-pop 1 [pyperf options]`` (``bench.worker`` says how a worker module
runs). Each worker process times the cell with its ``scheduling.costs`` function,
which excludes the setup (filling the queue) from the time.
"""

from __future__ import annotations

import argparse

from bench.inflight.cells import OPS, InFlightCell
from bench.worker import ROUND_KEY, PyperfWorker, TimedBenchmark
from scheduling.tracker import TRACKER_NAMES


def cell_arguments(cell: InFlightCell, tracker: str) -> list[str]:
    """The options naming ``cell`` on ``tracker``."""
    arguments = [f"--tracker={tracker}", f"--op={cell.op}", f"--in-flight={cell.in_flight}"]
    if cell.events_per_pop is not None:
        arguments.append(f"--events-per-pop={cell.events_per_pop}")
    return arguments


def run_metadata(cell: InFlightCell, tracker: str) -> dict[str, str | int]:
    """pyperf metadata of every run: the cell and the tracker."""
    metadata: dict[str, str | int] = {"inflight_tracker": tracker, "inflight_op": cell.op,
                                      "inflight_in_flight": cell.in_flight}
    if cell.events_per_pop is not None:
        metadata["inflight_events_per_pop"] = cell.events_per_pop
    return metadata


class InFlightWorker(PyperfWorker):
    module = "bench.inflight.worker"
    title = "in-flight cell"

    def add_arguments(self, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--tracker", required=True, choices=TRACKER_NAMES)
        group.add_argument("--op", required=True, choices=OPS)
        group.add_argument("--in-flight", required=True, type=int, help="pods in flight")
        group.add_argument("--events-per-pop", type=int, help="events received per Pop (Pop and Done only)")
        group.add_argument("--round", type=int, default=0, help="the executor's round (recorded in the run)")

    def _cell(self, args: argparse.Namespace) -> InFlightCell:
        return InFlightCell(args.op, args.in_flight, args.events_per_pop)

    def arguments(self, args: argparse.Namespace) -> list[str]:
        return [*cell_arguments(self._cell(args), args.tracker), f"--round={args.round}"]

    def benchmark(self, args: argparse.Namespace) -> TimedBenchmark:
        cell = self._cell(args)
        function, extra = cell.time_function()
        metadata = {**run_metadata(cell, args.tracker), ROUND_KEY: args.round}
        return TimedBenchmark(cell.name, function, (args.tracker, *extra), metadata=metadata)


if __name__ == "__main__":
    InFlightWorker().main()
