"""The worker base: one pyperf benchmark in a ``pyperf.Runner``, for every suite's worker module.

A worker module of the unpaired design (``bench.storelist.worker``,
``bench.storelist.createlist_worker``, ``bench.storelist.write_worker``) says which options name its cell and how to time it; this
base does the rest the same way for all: pyperf's manager spawns worker processes of
the same module with the same cell options, only worker processes record metadata
(the cell's and ``bench.environment``'s), a wrong answer ends the process with one
line instead of a figure, and the operations a worker counted are added to the run's
ops file. The executor (``bench.executor``) drives a worker one process per round;
a worker module also runs alone like any pyperf script.
"""

from __future__ import annotations

import argparse
import signal
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyperf

from bench.environment import describe_environment
from bench.rundir.ops import OpsCount, add_ops
from storage.errors import StorageError

# benchstat's practice: 10 independent runs (here worker processes) per cell.
DEFAULT_PROCESSES = 10
# Run metadata: the executor's round that made the run; every worker writes it, and the
# executor's merge and resume go by it (bench.executor).
ROUND_KEY = "storelist_round"


class WrongAnswerError(RuntimeError):
    """A timed operation returned other results than its inputs imply: its code is wrong."""


@dataclass
class TimedBenchmark:
    """What ``Runner.bench_time_func`` times: ``function(loops, *args) -> seconds``, each
    loop ``inner_loops`` operations; ``counted`` gives the operations the worker checked
    (None: the benchmark counts nothing)."""

    name: str
    function: Callable[..., float]
    args: tuple[object, ...] = ()
    inner_loops: int | None = None
    metadata: dict[str, str | int] = field(default_factory=dict)
    counted: Callable[[], OpsCount] | None = None


def killed_by(returncode: int) -> str:
    """"killed by SIGKILL (as the kernel's OOM killer does)" for a negative exit status, else "".

    >>> killed_by(-9)
    "killed by SIGKILL (as the kernel's OOM killer does)"
    >>> killed_by(1)
    ''
    """
    if returncode >= 0:
        return ""
    number = -returncode
    name = signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"
    hint = " (as the kernel's OOM killer does)" if number == signal.SIGKILL else ""
    return f"killed by {name}{hint}"


def _killed_by(error: RuntimeError) -> str:
    """``killed_by`` of the exit code at the end of pyperf's "... failed with exit code N"."""
    code = str(error).rsplit(" ", 1)[-1]
    return killed_by(int(code)) if code.lstrip("-").isdigit() else ""


class PyperfWorker(ABC):
    """One worker module: its cell's options, and the benchmark they name."""

    module: str  # e.g. "bench.storelist.worker", what ``python -m`` runs
    title: str  # the argument group's title in --help

    @abstractmethod
    def add_arguments(self, group: argparse._ArgumentGroup) -> None:
        """The options that name a cell (``--ops-file`` is added by the base)."""

    @abstractmethod
    def arguments(self, args: argparse.Namespace) -> list[str]:
        """The options of ``add_arguments`` as parsed into ``args``, for the spawned workers."""

    @abstractmethod
    def benchmark(self, args: argparse.Namespace) -> TimedBenchmark:
        """The benchmark ``args`` name; ValueError if they name none."""

    def main(self, argv: Sequence[str] | None = None) -> None:
        runner = pyperf.Runner(processes=DEFAULT_PROCESSES, program_args=("-m", self.module),
                               add_cmdline_args=self._forward)
        group = runner.argparser.add_argument_group(self.title)
        self.add_arguments(group)
        group.add_argument("--ops-file", type=Path, help="add the operations counted to this file")
        args = runner.parse_args(argv)
        try:
            timed = self.benchmark(args)
        except ValueError as error:
            runner.argparser.error(str(error))
        if args.worker:
            # Only worker processes produce runs; the manager needs no metadata.
            runner.metadata.update({**timed.metadata, **describe_environment()})
        try:
            runner.bench_time_func(timed.name, timed.function, *timed.args, inner_loops=timed.inner_loops)
        except WrongAnswerError as error:
            sys.exit(f"{self.module}: wrong count: {error}")
        except StorageError as error:  # a real etcd gone or refusing (create-then-list over etcd)
            sys.exit(f"{self.module}: {error}")
        except RuntimeError as error:
            if args.worker:
                raise
            # pyperf's manager: a worker process it spawned failed. A worker that exited
            # said why on stderr already, and that line stays the log's last; one that
            # was killed could not, so the manager says so, in one line, not a traceback.
            killed = _killed_by(error)
            sys.exit(f"{self.module}: the worker process was {killed}" if killed else 1)
        if args.worker and args.ops_file and timed.counted is not None and timed.counted().requests:
            add_ops(args.ops_file, timed.name, timed.counted())

    def _forward(self, cmd: list[str], args: argparse.Namespace) -> None:
        """pyperf's ``add_cmdline_args`` hook: give worker processes the same cell."""
        cmd.extend(self.arguments(args))
        if args.ops_file:
            cmd.append(f"--ops-file={args.ops_file}")
