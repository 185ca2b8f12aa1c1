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
--output RUN/meta/sample-in-flight.json``), so pyperf's progress and result lines stay
visible. A (cell, configuration) whose suite asks for 0 loops lets pyperf calibrate in
its first round (one extra calibration process, recorded in the JSON as pyperf does);
later rounds reuse that count, so every sample of a cell times the same number of
operations.

What survives
-------------
A sample counts once it is in its configuration's pyperf file. The worker writes its
run to a file of its own; only after it exited successfully does the executor merge
that run into ``RUN/<configuration>.json``, written whole through a temporary file and
a rename (``bench.rundir.files``), so no signal at any moment can cut a result file
short. The run holds its directory's lock throughout (``bench.rundir.lock``) and
records in the manifest its PID, host, a heartbeat after every sample, the loops of
every (cell, configuration), and how it ended: complete, failed (any error) or
interrupted (SIGINT, SIGTERM, SIGHUP: the worker in flight is stopped and its sample
discarded). ``resume`` continues an interrupted or failed run: it skips every (cell,
configuration, round) that already has its sample and reuses the recorded loops, so
the finished run has the same cells and sample counts as one never interrupted.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import pyperf

from bench.interrupts import raise_if_signalled
from bench.rundir.files import RunDirError, remove_stale_temporaries, write_suite
from bench.rundir.layout import check_new_run_dir, make_run_dir, sample_dir_path, suite_path, worker_log_path
from bench.rundir.lock import RunLock
from bench.rundir.manifest import RunManifest, read_manifest, write_manifest
from bench.rundir.results import samples_of
from bench.sampling import SampleSettings
from bench.worker import ROUND_KEY, killed_by



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

    def units(self, cell: str, round_index: int) -> list[tuple[str, ...]]:
        """The worker processes of ``cell`` in round ``round_index``, in order, each as the
        configurations it samples: one each (unpaired), or all of them (paired)."""
        ...

    def new_manifest(self) -> RunManifest:
        """The manifest of a run of this plan that has not started."""
        ...

    def prepare(self, progress: Progress) -> None:
        """Record what the run measures once (memory, a simulation) before round 1."""
        ...

    def initial_loops(self, cell: str, configuration: str) -> int:
        """Operations per value or block of every sample; 0: calibrated in round 1, then fixed."""
        ...

    def worker(self, cell: str, unit: tuple[str, ...], loops: dict[str, int], round_index: int,
               output: Path) -> tuple[str, list[str]]:
        """The worker module for ``unit`` of ``cell`` and its options: it writes one pyperf
        file per configuration, ``output/<configuration>.json``."""
        ...


class Progress(Protocol):
    """What a run tells its user while it goes (``storelist.progress`` draws it)."""

    def note(self, message: str) -> None:
        """A line about the run (memory measured, loops chosen)."""
        ...

    def begin(self, total: int, done: int) -> None:
        """``total`` worker processes in the run, ``done`` of them finished already (resumed)."""
        ...

    def start(self, round_index: int, rounds: int, cell: str, unit: tuple[str, ...]) -> None:
        """A worker process starts."""
        ...

    def finish(self) -> None:
        """The worker process started last has finished and its samples are kept."""
        ...


class LineProgress:
    """Progress as plain lines through ``write`` (the default; tests and logs)."""

    def __init__(self, write: Callable[[str], None] = lambda line: None) -> None:
        self._write = write

    def note(self, message: str) -> None:
        self._write(message)

    def begin(self, total: int, done: int) -> None:
        self._write(f"{total} worker processes, {done} done")

    def start(self, round_index: int, rounds: int, cell: str, unit: tuple[str, ...]) -> None:
        self._write(f"round {round_index + 1}/{rounds}: {cell} on {', '.join(unit)}")

    def finish(self) -> None:
        pass


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


def worker_command(suite: Suite, cell: str, unit: tuple[str, ...], loops: dict[str, int], round_index: int,
                   python: str = sys.executable) -> list[str]:
    """One worker process of ``unit`` of ``cell`` in round ``round_index``."""
    module, arguments = suite.worker(cell, unit, loops, round_index, sample_dir_path(suite.run_dir))
    return [python, "-m", module, *arguments]


def _die_with_parent() -> None:
    """In the worker, before it starts: ask Linux to SIGKILL it when the run's process dies,
    so a run killed with SIGKILL leaves no worker writing into its directory afterwards."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def launch(command: Sequence[str], log: Path) -> int:
    """Run one worker command, its output (pyperf's lines and warnings, tracebacks)
    appended to ``log``; its exit status. On any exception (an interrupt included) the
    worker is killed before the exception goes on (``subprocess.run`` does so), and it
    dies with this process even if this one is killed outright (``_die_with_parent``)."""
    with open(log, "ab") as output, subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                                     preexec_fn=_die_with_parent) as worker:
        try:
            raise_if_signalled()  # a signal that arrived during the fork may have been swallowed there
            return worker.wait()
        except BaseException:
            worker.kill()
            raise


def log_size(log: Path) -> int:
    try:
        return log.stat().st_size
    except OSError:
        return 0


def last_line(log: Path, since: int = 0) -> str:
    """The last non-empty line ``log`` gained after offset ``since`` (a worker's last word), "" if none."""
    try:
        with open(log, "rb") as handle:
            handle.seek(max(since, os.fstat(handle.fileno()).st_size - 4096))
            lines = handle.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    return next((line.strip() for line in reversed(lines) if line.strip()), "")


def load_sample(sample: Path) -> pyperf.BenchmarkSuite:
    """The pyperf file a worker wrote; RunError naming it if it cannot be read."""
    try:
        return pyperf.BenchmarkSuite.load(str(sample))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunError(f"{sample}: cannot read the worker's sample: {error}") from None


def calibrated_loops(sample: pyperf.BenchmarkSuite, benchmark: str) -> int:
    """The loop count chosen for ``benchmark`` in its first round (pyperf's, or the paired worker's)."""
    try:
        return int(sample.get_benchmark(benchmark).get_loops())
    except (ValueError, KeyError) as error:
        raise RunError(f"cannot read the calibrated loops of {benchmark}: {error}") from None


def merge_sample(new: pyperf.BenchmarkSuite, target: Path, round_index: int) -> None:
    """Put the runs of a worker's sample into the suite ``target``, written whole,
    replacing any runs of the same benchmark from the same round (so that a sample merged
    again after an interruption is not counted twice)."""
    try:
        suite = pyperf.BenchmarkSuite.load(str(target)) if target.exists() else None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunError(f"cannot merge a sample into {target}: {error}") from None
    if suite is not None:
        names = set(new.get_benchmark_names())
        kept = [pyperf.Benchmark(runs) for benchmark in suite.get_benchmarks()
                if (runs := [run for run in benchmark.get_runs()
                             if benchmark.get_name() not in names or run.get_metadata().get(ROUND_KEY) != round_index])]
        suite = pyperf.BenchmarkSuite(kept)
        for benchmark in new.get_benchmarks():
            suite.add_runs(benchmark)
    write_suite(target, suite or new)


def rounds_done(run_dir: Path, configurations: Sequence[str]) -> dict[tuple[str, str], set[int]]:
    """(cell, configuration) -> the rounds whose sample is in the run's pyperf files.

    A run without a round in its metadata (written by hand) counts as the next round.
    """
    done: dict[tuple[str, str], set[int]] = {}
    for configuration in configurations:
        path = suite_path(run_dir, configuration)
        if not path.exists():
            continue
        try:
            benchmarks = pyperf.BenchmarkSuite.load(str(path)).get_benchmarks()
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RunError(f"{path}: cannot read the samples so far: {error}") from None
        for benchmark in benchmarks:
            rounds = done.setdefault((benchmark.get_name(), configuration), set())
            for run in benchmark.get_runs():
                if run.values:
                    tag = run.get_metadata().get(ROUND_KEY)
                    rounds.add(tag if isinstance(tag, int) else len(rounds))
    return done


def unstable(sample: pyperf.BenchmarkSuite) -> bool:
    """Whether pyperf's stability rule flags the sample: its values' standard deviation at
    least 10% of their mean, or a value 50% or more off the mean (pyperf's ``format_checks``)."""
    values = [value for benchmark in sample.get_benchmarks() for value in benchmark.get_values()]
    if len(values) < 2:
        return False
    mean = statistics.fmean(values)
    return statistics.stdev(values) >= 0.1 * mean or any(abs(value - mean) >= 0.5 * mean for value in values)


def execute(suite: Suite, python: str = sys.executable, progress: Progress | None = None,
            resume: bool = False) -> RunManifest:
    """Run ``suite`` round by round (see the module docstring); the final manifest.

    ``progress`` hears of every worker process; the workers' own output (pyperf's
    lines and warnings, tracebacks) goes to ``RUN/meta/workers.log``. The manifest is
    rewritten after every sample, so an interrupted run says how far it got. With
    ``resume``, the run directory's manifest is continued instead of a new run started.
    Raises RunDirError if the directory is not usable (exists, is in use by another
    run), RunError if a worker fails; every way out is recorded in the manifest, and
    an interrupt is re-raised.
    """
    run_dir = suite.run_dir
    if not resume:
        check_new_run_dir(run_dir)
        make_run_dir(run_dir)
    with RunLock(run_dir) as lock:
        manifest = _continued(suite) if resume else _started(suite)
        with recording_outcome(run_dir, manifest):
            _rounds(suite, manifest, lock, python, progress or LineProgress())
    return manifest


def _started(suite: Suite) -> RunManifest:
    # Checked again now that this process holds the lock: another run may have got in
    # between the first check and the lock.
    check_new_run_dir(suite.run_dir)
    manifest = suite.new_manifest()
    _stamp(manifest)
    write_manifest(suite.run_dir, manifest)
    return manifest


def _continued(suite: Suite) -> RunManifest:
    manifest = read_manifest(suite.run_dir)
    if manifest is None:
        raise RunDirError(f"{suite.run_dir}: no manifest (meta/run.json): not a run to resume")
    if manifest.status == "complete":
        raise RunDirError(f"{suite.run_dir}: the run is complete; nothing to resume")
    remove_stale_temporaries(suite.run_dir)
    _clear(sample_dir_path(suite.run_dir))  # samples whose worker never finished
    manifest.status, manifest.finished = "running", ""
    manifest.resumed.append(utc_now())
    _stamp(manifest)
    write_manifest(suite.run_dir, manifest)
    return manifest


def _stamp(manifest: RunManifest) -> None:
    manifest.pid, manifest.host, manifest.heartbeat = os.getpid(), socket.gethostname(), utc_now()


def _clear(sample_dir: Path) -> None:
    """An empty ``sample_dir``, for the next worker's files."""
    sample_dir.mkdir(exist_ok=True)
    for path in sample_dir.iterdir():
        path.unlink()


def _rounds(suite: Suite, manifest: RunManifest, lock: RunLock, python: str, progress: Progress) -> None:
    run_dir, rounds = suite.run_dir, suite.settings.processes
    cells, configurations = suite.cell_names(), suite.configurations
    if not manifest.prepared:
        suite.prepare(progress)
        manifest.loops = {cell: {name: suite.initial_loops(cell, name) for name in configurations} for cell in cells}
        manifest.prepared = True
        write_manifest(run_dir, manifest)
    done = rounds_done(run_dir, configurations)
    plan = [(round_index, cell, unit) for round_index in range(rounds) for cell in cells
            for unit in suite.units(cell, round_index)]
    finished = [all(round_index in done.get((cell, name), ()) for name in unit) for round_index, cell, unit in plan]
    last_of_round = {round_index: position for position, (round_index, _, _) in enumerate(plan)}
    progress.begin(len(plan), sum(finished))
    log, sample_dir = worker_log_path(run_dir), sample_dir_path(run_dir)
    for position, ((round_index, cell, unit), already) in enumerate(zip(plan, finished)):
        raise_if_signalled()
        if already:
            continue  # resumed: this sample is in the files already
        if not lock.still_ours():
            raise RunError(f"{run_dir} was deleted or replaced while the run was going; stopped")
        progress.start(round_index, rounds, cell, unit)
        _clear(sample_dir)
        loops = {name: manifest.loops[cell][name] for name in unit}
        logged = log_size(log)
        returncode = launch(worker_command(suite, cell, unit, loops, round_index, python), log)
        if returncode != 0:
            raise RunError(f"the worker for {cell} on {', '.join(unit)} failed (exit status {returncode}): "
                           f"{last_line(log, logged) or killed_by(returncode) or 'no message'}; its output is in {log}, "
                           f"partial results in {run_dir}")
        for name in unit:
            path = sample_dir / f"{name}.json"
            sample = load_sample(path)  # read once: for the loops, the stability rule and the merge
            if loops[name] == 0:
                manifest.loops[cell][name] = calibrated_loops(sample, cell)
            manifest.samples += 1
            manifest.unstable_samples += unstable(sample)
            merge_sample(sample, suite_path(run_dir, name), round_index)
            path.unlink()
        manifest.heartbeat = utc_now()
        if position == last_of_round[round_index]:
            manifest.rounds_completed = max(manifest.rounds_completed, round_index + 1)
        write_manifest(run_dir, manifest)
    raise_if_signalled()  # one swallowed during the last sample still ends the run as interrupted
    progress.finish()


@contextmanager
def recording_outcome(run_dir: Path, manifest: RunManifest) -> Iterator[None]:
    """Record in the manifest how the rounds inside ended: complete, interrupted (an
    interrupt, SIGTERM and SIGHUP included) or failed (any other error), so a report of
    the run can say how far it got."""
    try:
        yield
    except KeyboardInterrupt:
        _finish(run_dir, manifest, "interrupted")
        raise
    except BaseException:
        _finish(run_dir, manifest, "failed")
        raise
    _finish(run_dir, manifest, "complete")


def _finish(run_dir: Path, manifest: RunManifest, status: str) -> None:
    manifest.status = status
    manifest.finished = utc_now()
    # If the manifest cannot be written either (a full disk, the directory gone), the
    # error that ended the run is the one to report; a reader then finds "running" and
    # no live holder of the lock, and says the process is gone.
    with suppress(OSError):
        write_manifest(run_dir, manifest)
