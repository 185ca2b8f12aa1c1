"""The round-robin executor both suites plug into: worker processes in rounds, one sample each.

Sample design
-------------
benchstat's practice is 10 independent runs per benchmark, and its statistics (median,
its CI, Mann-Whitney) assume independent samples. Values from one process share that
process's heap layout, hash seed and code placement, so they are not independent; a
sample here is one pyperf *run* — one worker process — summarised by the mean of its
values (``bench.rundir.results``). ``processes`` worker processes per (cell,
configuration) give ``n = processes`` samples per cell (``bench.sampling``).

Interleaving
------------
Machine noise (other tenants, thermal state, frequency changes) drifts over minutes.
Running all ten processes of one configuration and then the next would turn a drift
into a difference between configurations. So the run goes in *rounds*: each round
starts one worker process per (cell, configuration), cell by cell, the configurations
of a cell back to back, and appends its run to that configuration's JSON (pyperf's
``--append``). The configuration order rotates by one each round, so no configuration
always runs first after a population change. A drift thus hits every column alike and
shows up as spread, not as a delta.

Each process is started through pyperf's own manager (``python -m MODULE --processes 1
--append FILE``), so pyperf's progress and result lines stay visible. A (cell,
configuration) whose suite asks for 0 loops lets pyperf calibrate in its first round
(one extra calibration process, recorded in the JSON as pyperf does); later rounds
reuse that count, so every sample of a cell times the same number of operations.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import pyperf

from bench.rundir.layout import prepare_run_dir, suite_path
from bench.rundir.manifest import RunManifest, write_manifest
from bench.sampling import SampleSettings, pyperf_options

Progress = Callable[[str], None]


class RunError(RuntimeError):
    """The run could not start or a worker failed; the message says which and where."""


class Suite(Protocol):
    """What a suite (StoreList, in-flight) gives the executor."""

    run_dir: Path
    settings: SampleSettings

    @property
    def configurations(self) -> tuple[str, ...]:
        """The columns: one pyperf JSON file each, base first."""
        ...

    def cell_names(self) -> list[str]:
        """The cells of one round, in order."""
        ...

    def new_manifest(self) -> RunManifest:
        """The manifest of a run of this plan that has not started."""
        ...

    def prepare(self, progress: Progress) -> None:
        """Record what the run measures once (memory, a simulation) before round 1."""
        ...

    def initial_loops(self, cell: str, configuration: str) -> int:
        """Operations per value of every sample; 0 lets pyperf calibrate in round 1."""
        ...

    def worker(self, cell: str, configuration: str) -> tuple[str, list[str]]:
        """The worker module of ``cell`` and the options that name the cell to it."""
        ...


def utc_now() -> str:
    """The manifest's timestamp format: UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def rotated(names: Sequence[str], round_index: int) -> list[str]:
    """The configuration order of round ``round_index`` (0-based): shifted left by the round.

    >>> [rotated(["a", "b", "c"], i) for i in range(3)]
    [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b']]
    """
    shift = round_index % len(names)
    return [*names[shift:], *names[:shift]]


def worker_command(suite: Suite, cell: str, configuration: str, loops: int,
                   python: str = sys.executable) -> list[str]:
    """One round of one (cell, configuration): pyperf's manager with one worker process."""
    module, arguments = suite.worker(cell, configuration)
    return [python, "-m", module, *arguments,
            *pyperf_options(suite.settings, loops, suite_path(suite.run_dir, configuration))]


def launch(command: Sequence[str]) -> int:
    """Run one worker command, its output going to ours; its exit status."""
    return subprocess.run(command, check=False).returncode


def calibrated_loops(json_path: Path, benchmark: str) -> int:
    """The loop count pyperf chose for ``benchmark`` in its first round."""
    try:
        loops = pyperf.BenchmarkSuite.load(str(json_path)).get_benchmark(benchmark).get_loops()
    except (OSError, ValueError, KeyError) as error:
        raise RunError(f"{json_path}: cannot read the calibrated loops of {benchmark}: {error}") from None
    return int(loops)


def execute(suite: Suite, python: str = sys.executable, progress: Progress = lambda message: None) -> RunManifest:
    """Run ``suite`` round by round (see the module docstring); the final manifest.

    ``progress`` receives one line per round; the workers' own output goes to this
    process's stdout. The manifest (``meta/run.json``) is rewritten after every round,
    so an interrupted run says how far it got. Raises RunDirError if the directory is
    not usable, RunError if a worker fails; KeyboardInterrupt is recorded, then re-raised.
    """
    run_dir, settings = suite.run_dir, suite.settings
    prepare_run_dir(run_dir)
    manifest = suite.new_manifest()
    write_manifest(run_dir, manifest)
    with recording_outcome(run_dir, manifest):
        suite.prepare(progress)
        cells, configurations = suite.cell_names(), suite.configurations
        loops = {(cell, name): suite.initial_loops(cell, name) for cell in cells for name in configurations}
        for round_index in range(settings.processes):
            progress(f"round {round_index + 1}/{settings.processes}: "
                     f"{len(cells)} cells x {len(configurations)} configurations")
            for cell in cells:
                for configuration in rotated(configurations, round_index):
                    key = (cell, configuration)
                    command = worker_command(suite, cell, configuration, loops[key], python)
                    run_worker(launch, command, f"{cell} on {configuration}", run_dir)
                    if loops[key] == 0:
                        loops[key] = calibrated_loops(suite_path(run_dir, configuration), cell)
            manifest.rounds_completed = round_index + 1
            write_manifest(run_dir, manifest)
    return manifest


def run_worker(launch: Callable[[Sequence[str]], int], command: Sequence[str], what: str, run_dir: Path) -> None:
    """Launch one worker process; RunError naming ``what`` if it fails."""
    returncode = launch(command)
    if returncode != 0:
        raise RunError(f"the worker for {what} failed (exit status {returncode}); "
                       f"partial results are in {run_dir}")


@contextmanager
def recording_outcome(run_dir: Path, manifest: RunManifest) -> Iterator[None]:
    """Record in the manifest how the rounds inside ended: complete, failed (a RunError)
    or interrupted, so a report of the run can say how far it got."""
    try:
        yield
    except KeyboardInterrupt:
        _finish(run_dir, manifest, "interrupted")
        raise
    except RunError:
        _finish(run_dir, manifest, "failed")
        raise
    _finish(run_dir, manifest, "complete")


def _finish(run_dir: Path, manifest: RunManifest, status: str) -> None:
    manifest.status = status
    manifest.finished = utc_now()
    write_manifest(run_dir, manifest)
