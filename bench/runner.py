"""Running a preset into a run directory: one pyperf JSON file per store configuration.

Sample design
-------------
benchstat's practice is 10 independent runs per benchmark, and its statistics (median,
its CI, Mann-Whitney) assume independent samples. Values from one process share that
process's heap layout, hash seed and code placement, so they are not independent; a
sample here is one pyperf *run* — one worker process — summarised by the mean of its
values (``bench.results``). ``processes`` worker processes per (cell, configuration)
give ``n = processes`` samples per cell (10 by default, 6 with ``--fast``, 20 with
``--rigorous``).

Interleaving
------------
Machine noise (other tenants, thermal state, frequency changes) drifts over minutes.
Running all ten processes of one configuration and then the next would turn a drift
into a difference between configurations. So the run goes in *rounds*: each round
starts one worker process per (cell, configuration), cell by cell, the configurations
of a cell back to back, and appends its run to that configuration's JSON (pyperf's
``--append``). The configuration order rotates by one each round, so no configuration
always runs first after a population change. A drift thus hits the four columns alike
and shows up as spread, not as a delta.

Each round's process is started through pyperf's own manager (``python -m bench.worker
--processes 1 --append FILE``), so pyperf's progress and result lines stay visible. The
first round of a (cell, configuration) lets pyperf calibrate the loop count (one extra
calibration process, recorded in the JSON as pyperf does); later rounds reuse that
count (``--loops N``) so every sample of a cell times the same number of requests.

Create-then-list cells (``Preset.create_list``) run in the same rounds after the
StoreList cells, through ``bench.createlist_worker`` with ``--loops 1`` fixed from the
first round (see there). Before the first round, the run measures the memory each
configuration's loaded store adds on each population (``bench.runmemory``).

Cost: (processes + 1) x cells x configurations worker processes, each ~0.4 s of
start-up, the fixture build (~1 s at 150k pods, nothing at smoke size) and
(warmups + values) x max(min_time, one request) of timing: ~10-15 minutes for ``seed``
on 2 cores. ``full`` (47 cells, ~1300 worker processes, most building a 110k-150k pod
fixture) is dominated by those builds and its whole-cluster cells (0.2-0.6 s per
request); ``sweep`` --fast took ~20 minutes on 2 cores.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyperf

from bench.createlist import CreateListCase
from bench.environment import describe_environment
from bench.presets import Preset
from bench.rundir import CellSpec, RunManifest, ops_path, suite_path, write_manifest
from bench.runmemory import measure_run
from bench.storelist import RECENT_REVISIONS, StoreListCase
from stores import STORE_NAMES, store_config


class RunError(RuntimeError):
    """The run could not start or a worker failed; the message says which and where."""


@dataclass(frozen=True)
class SampleSettings:
    """pyperf settings of every (cell, configuration): ``processes`` samples of
    ``values`` values after ``warmups`` warm-up values, each value at least
    ``min_time`` seconds of ``loops`` requests (0: pyperf calibrates once)."""

    processes: int
    values: int
    warmups: int
    min_time: float
    loops: int = 0

    def __post_init__(self) -> None:
        if self.processes < 1 or self.values < 1 or self.warmups < 0 or self.loops < 0 or self.min_time <= 0:
            raise ValueError(f"invalid sample settings: {self}")


# pyperf's defaults (3 values, 1 warm-up, 100 ms) with benchstat's 10 samples; --fast
# keeps 6 samples, the fewest for which a 95% median CI is finite (benchstat says "∞"
# below), --rigorous doubles the processes as pyperf's --rigorous does.
SAMPLE_MODES: dict[str, SampleSettings] = {
    "default": SampleSettings(processes=10, values=3, warmups=1, min_time=0.1),
    "fast": SampleSettings(processes=6, values=2, warmups=1, min_time=0.05),
    "rigorous": SampleSettings(processes=20, values=3, warmups=1, min_time=0.1),
}


@dataclass(frozen=True)
class RunPlan:
    """Everything a run needs: where, which cells on which stores, seed and sampling."""

    run_dir: Path
    preset: Preset
    stores: tuple[str, ...]
    seed: int
    settings: SampleSettings
    mode: str = "default"  # the SAMPLE_MODES entry the settings started from

    def __post_init__(self) -> None:
        if self.mode not in SAMPLE_MODES:
            raise ValueError(f"unknown sample mode {self.mode!r}; expected one of {', '.join(SAMPLE_MODES)}")
        if not self.stores:
            raise ValueError("a run needs at least one store configuration")
        for store in self.stores:
            store_config(store)  # ValueError naming the valid stores
        for case in self.cases:
            # build_request cycles NotOlderThan/Exact RVs over the last RECENT_REVISIONS
            # revisions, which a smaller population does not have (they would go negative).
            if case.rv_match and case.shape.pods < RECENT_REVISIONS:
                raise ValueError(f"{case.name} needs at least {RECENT_REVISIONS} pods: its resourceVersions "
                                 f"cycle over the last {RECENT_REVISIONS} revisions")

    @property
    def cases(self) -> list[StoreListCase]:
        return self.preset.cases()

    @property
    def create_list_cases(self) -> list[CreateListCase]:
        return [CreateListCase(match) for match in self.preset.create_list]

    def command(self) -> str:
        """The ``storelist run`` command line that repeats this run (same seed)."""
        parts = ["storelist", "run"]
        if self.preset.name == "custom":
            shape = self.preset.shapes[0]
            parts += ["--namespaces", str(shape.namespaces), "--pods-per-namespace",
                      str(shape.pods_per_namespace), "--nodes", str(shape.nodes)]
        else:
            parts += ["--preset", self.preset.name, *self.preset.options]
        parts += ["--stores", ",".join(self.stores), "--seed", str(self.seed)]
        parts += sampling_options(self.mode, self.settings)
        parts += ["-o", str(self.run_dir)]
        return shlex.join(parts)


def sampling_options(mode: str, settings: SampleSettings) -> list[str]:
    """The ``storelist run`` options that give ``settings``: the mode, then each setting
    that differs from the mode's own."""
    options = [] if mode == "default" else [f"--{mode}"]
    base = SAMPLE_MODES[mode]
    for option, value, default in (("--processes", settings.processes, base.processes),
                                   ("--values", settings.values, base.values),
                                   ("--warmups", settings.warmups, base.warmups),
                                   ("--min-time", settings.min_time, base.min_time),
                                   ("--loops", settings.loops, base.loops)):
        if value != default:
            options += [option, repr(value)]
    return options


def ordered_stores(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` validated, without duplicates, in the published column order."""
    for name in names:
        store_config(name)
    return tuple(name for name in STORE_NAMES if name in names)


def rotated(stores: Sequence[str], round_index: int) -> list[str]:
    """The store order of round ``round_index`` (0-based): shifted left by the round."""
    shift = round_index % len(stores)
    return [*stores[shift:], *stores[:shift]]


def default_run_dir(results: Path = Path("results")) -> Path:
    """``results/<UTC timestamp>``, e.g. ``results/20250131T120000Z``."""
    return results / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def prepare_run_dir(run_dir: Path) -> None:
    """Create ``run_dir``; RunError if it exists and is not an empty directory."""
    if run_dir.exists():
        if not run_dir.is_dir():
            raise RunError(f"{run_dir} exists and is not a directory; choose another -o")
        if any(run_dir.iterdir()):
            raise RunError(f"{run_dir} already exists and is not empty; choose another -o "
                           "(existing results are never overwritten)")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunError(f"cannot create {run_dir}: {error.strerror or error}") from None


def worker_command(plan: RunPlan, case: StoreListCase, store: str, loops: int,
                   python: str = sys.executable) -> list[str]:
    """One round of one (cell, configuration): pyperf's manager with one worker process."""
    shape = case.shape
    s = plan.settings
    return [
        python, "-m", "bench.worker",
        f"--store={store}", f"--namespaces={shape.namespaces}",
        f"--pods-per-namespace={shape.pods_per_namespace}", f"--nodes={shape.nodes}",
        f"--rv={case.rv_match}", f"--scope={case.scope}", f"--paginate={case.paginate}",
        f"--seed={plan.seed}", f"--ops-file={ops_path(plan.run_dir, store)}",
        "--processes=1", f"--values={s.values}", f"--warmups={s.warmups}",
        f"--min-time={s.min_time!r}", f"--loops={loops}",
        f"--append={suite_path(plan.run_dir, store)}",
    ]


def create_list_command(plan: RunPlan, case: CreateListCase, store: str,
                        python: str = sys.executable) -> list[str]:
    """One round of one create-then-list cell: one worker process, one loop per value."""
    s = plan.settings
    return [
        python, "-m", "bench.createlist_worker",
        f"--store={store}", f"--rv={case.rv_match}", f"--operations={plan.preset.create_list_operations}",
        f"--seed={plan.seed}", f"--ops-file={ops_path(plan.run_dir, store)}",
        "--processes=1", f"--values={s.values}", f"--warmups={s.warmups}",
        f"--min-time={s.min_time!r}", "--loops=1",
        f"--append={suite_path(plan.run_dir, store)}",
    ]


def calibrated_loops(json_path: Path, benchmark: str) -> int:
    """The loop count pyperf chose for ``benchmark`` in its first round."""
    try:
        loops = pyperf.BenchmarkSuite.load(str(json_path)).get_benchmark(benchmark).get_loops()
    except (OSError, ValueError, KeyError) as error:
        raise RunError(f"{json_path}: cannot read the calibrated loops of {benchmark}: {error}") from None
    return int(loops)


def utc_now() -> str:
    """The manifest's timestamp format: UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_manifest(plan: RunPlan) -> RunManifest:
    cells = [CellSpec(case.name, case.shape.namespaces, case.shape.pods_per_namespace, case.shape.nodes,
                      case.rv_match, case.scope, case.paginate) for case in plan.cases]
    cells += [CellSpec(case.name, 1, plan.preset.create_list_operations, 1, case.rv_match, "Cluster", 1,
                       kind="StoreCreateList") for case in plan.create_list_cases]
    return RunManifest(preset=plan.preset.name, stores=list(plan.stores), seed=plan.seed, cells=cells,
                       settings=asdict(plan.settings), command=plan.command(), mode=plan.mode,
                       environment=describe_environment(), started=utc_now())


Progress = Callable[[str], None]


def launch(command: Sequence[str]) -> int:
    """Run one worker command, its output going to ours; its exit status."""
    return subprocess.run(command, check=False).returncode


def execute(plan: RunPlan, python: str = sys.executable,
            progress: Progress = lambda message: None) -> RunManifest:
    """Run ``plan`` round by round (see the module docstring) and return the final manifest.

    ``progress`` receives one line per round; the workers' own output goes to this
    process's stdout. The manifest (``meta/run.json``) is rewritten after every round,
    so an interrupted run says how far it got. Raises RunError if the directory is not
    usable or a worker fails; KeyboardInterrupt is recorded, then re-raised.
    """
    prepare_run_dir(plan.run_dir)
    manifest = new_manifest(plan)
    write_manifest(plan.run_dir, manifest)
    loops: dict[tuple[str, str], int] = {}
    cases = plan.cases
    with recording_outcome(plan.run_dir, manifest):
        try:
            measure_run(plan.run_dir, [case.shape for case in cases], plan.stores, plan.seed, progress)
        except subprocess.CalledProcessError as error:
            raise RunError(f"measuring store memory failed: {(error.stderr or '').strip() or error}") from None
        for round_index in range(plan.settings.processes):
            progress(f"round {round_index + 1}/{plan.settings.processes}: "
                     f"{len(cases) + len(plan.create_list_cases)} cells x {len(plan.stores)} configurations")
            for case in cases:
                for store in rotated(plan.stores, round_index):
                    key = (case.name, store)
                    command = worker_command(plan, case, store, loops.get(key, plan.settings.loops), python)
                    run_worker(launch, command, f"{case.name} on {store}", plan.run_dir)
                    if key not in loops:
                        loops[key] = calibrated_loops(suite_path(plan.run_dir, store), case.name)
            for create_list in plan.create_list_cases:
                for store in rotated(plan.stores, round_index):
                    run_worker(launch, create_list_command(plan, create_list, store, python),
                               f"{create_list.name} on {store}", plan.run_dir)
            manifest.rounds_completed = round_index + 1
            write_manifest(plan.run_dir, manifest)
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
