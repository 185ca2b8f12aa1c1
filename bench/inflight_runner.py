"""Running an in-flight preset into a run directory: one pyperf JSON file per tracker.

The sample design is ``bench.runner``'s, and so are its helpers (sample modes, run
directory checks, round rotation, launching a worker): ``processes`` rounds, each
starting one worker process (``python -m bench.inflight_worker --processes 1 --append
RUN/<tracker>.json``) per (cell, tracker), a cell's trackers back to back, their order
rotated each round, so a drift of machine noise hits both trackers alike.

One difference: loops are chosen here, not by pyperf. pyperf calibrates on the time a
function *returns*, which for Pop is microseconds while each repetition also runs,
untimed, its events and a Done (up to milliseconds for the marker tracker with many
events). Calibrating on the timed part alone would make one value last tens of
seconds. :func:`choose_loops` therefore doubles the loops, in this process, until
either the timed part reaches ``min_time`` or the whole call reaches
``WALL_FACTOR x min_time``; every worker of that (cell, tracker) then gets ``--loops``,
so all its samples time the same number of repetitions (and no calibration process
is needed).

Besides the timings the run records, at the start, the trackers' memory
(``RUN/meta/inflight-memory.json``, ``scheduling.costs.tracker_memory``) and the
simulation of the default workload (``RUN/meta/inflight-simulation.json``,
``scheduling.simulate``), so the report shows what this revision of the code did.

Cost: processes x cells x 2 worker processes, each ~0.4 s of start-up plus (warmups +
values) values of at most WALL_FACTOR x min_time; plus ~1 s per (cell, tracker) to
choose loops, ~2 s of simulation and a few seconds of memory measurement.
"""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from bench.environment import describe_environment
from bench.inflight import TRACKERS, InFlightCell, InFlightPreset
from bench.inflight_worker import cell_arguments
from bench.rundir import META_DIR, RunDirError, RunManifest, read_json, suite_path, write_json, write_manifest
from bench.runner import (SAMPLE_MODES, SampleSettings, launch, prepare_run_dir, recording_outcome,
                          rotated, run_worker, sampling_options, utc_now)
from scheduling.costs import tracker_memory
from scheduling.simulate import SimulationConfig, SimulationReport, TrackerFigures, simulate

KIND = "inflight"
# A value may last at most this many times min_time, setup and untimed work included.
WALL_FACTOR = 5.0
MAX_LOOPS = 1 << 24


def memory_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "inflight-memory.json"


def simulation_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "inflight-simulation.json"


@dataclass(frozen=True)
class InFlightPlan:
    """Everything an in-flight run needs: where, which cells, sampling, the simulated workload."""

    run_dir: Path
    preset: InFlightPreset
    settings: SampleSettings
    mode: str = "default"
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    trackers: tuple[str, ...] = TRACKERS

    def __post_init__(self) -> None:
        if self.mode not in SAMPLE_MODES:
            raise ValueError(f"unknown sample mode {self.mode!r}; expected one of {', '.join(SAMPLE_MODES)}")

    def command(self) -> str:
        """The ``storelist run`` command line that repeats this run."""
        parts = ["storelist", "run", "--preset", self.preset.name]
        parts += sampling_options(self.mode, self.settings)
        parts += ["-o", str(self.run_dir)]
        return shlex.join(parts)


def choose_loops(cell: InFlightCell, tracker: str, min_time: float, wall_factor: float = WALL_FACTOR) -> int:
    """Repetitions per value: doubled until the timed part reaches ``min_time`` or a
    whole call (setup and untimed work included) reaches ``wall_factor x min_time``.

    Cost: about twice the last call, i.e. at most ~2 x wall_factor x min_time.
    """
    loops = 1
    while loops < MAX_LOOPS:
        started = time.perf_counter()
        timed = cell.time(loops, tracker)
        wall = time.perf_counter() - started
        if timed >= min_time or wall >= wall_factor * min_time:
            return loops
        loops *= 2
    return loops


def worker_command(plan: InFlightPlan, cell: InFlightCell, tracker: str, loops: int,
                   python: str = sys.executable) -> list[str]:
    """One round of one (cell, tracker): pyperf's manager with one worker process."""
    s = plan.settings
    return [python, "-m", "bench.inflight_worker", *cell_arguments(cell, tracker),
            "--processes=1", f"--values={s.values}", f"--warmups={s.warmups}",
            f"--min-time={s.min_time!r}", f"--loops={loops}", f"--append={suite_path(plan.run_dir, tracker)}"]


def measure_memory(preset: InFlightPreset, trackers: Sequence[str] = TRACKERS) -> list[dict[str, int | str]]:
    """``tracker_memory`` at each of the preset's (in-flight, events) points, per tracker."""
    return [tracker_memory(tracker, in_flight, events)
            for in_flight, events in preset.memory_points() for tracker in trackers]


def simulation_record(config: SimulationConfig) -> dict[str, object]:
    """The simulation of ``config`` (both trackers) as JSON: its config and per-tracker figures."""
    report = simulate(config)
    return {"config": asdict(config), "figures": [asdict(figures) for figures in report.figures]}


def load_simulation(run_dir: Path) -> SimulationReport | None:
    """The simulation recorded in ``run_dir``, None if there is none; RunDirError if malformed."""
    path = simulation_path(run_dir)
    if not path.exists():
        return None
    data = read_json(path)
    try:
        config = SimulationConfig(**data["config"])
        names = {f.name for f in fields(TrackerFigures)}
        figures = tuple(TrackerFigures(**{k: v for k, v in item.items() if k in names}) for item in data["figures"])
    except (KeyError, TypeError, ValueError) as error:
        raise RunDirError(f"{path}: not a simulation record ({error})") from None
    return SimulationReport(config, figures)


def new_manifest(plan: InFlightPlan) -> RunManifest:
    return RunManifest(preset=plan.preset.name, stores=list(plan.trackers), seed=plan.simulation.seed, cells=[],
                       settings=asdict(plan.settings), command=plan.command(), mode=plan.mode,
                       environment=describe_environment(), started=utc_now(), kind=KIND,
                       benchmarks=[cell.name for cell in plan.preset.cells])


Progress = Callable[[str], None]


def execute(plan: InFlightPlan, python: str = sys.executable,
            progress: Progress = lambda message: None) -> RunManifest:
    """Record memory and the simulation, then run ``plan`` round by round; the final manifest.

    As ``bench.runner.execute``: the manifest is rewritten after every round, a failing
    worker raises RunError, an interrupt is recorded and re-raised.
    """
    prepare_run_dir(plan.run_dir)
    manifest = new_manifest(plan)
    write_manifest(plan.run_dir, manifest)
    cells, trackers = plan.preset.cells, plan.trackers
    with recording_outcome(plan.run_dir, manifest):
        progress("measuring memory (tracemalloc) and simulating the default workload")
        write_json(memory_path(plan.run_dir), {"method": "tracemalloc", "points": measure_memory(plan.preset, trackers)})
        write_json(simulation_path(plan.run_dir), simulation_record(plan.simulation))
        progress(f"choosing loops for {len(cells)} cells x {len(trackers)} trackers")
        loops = {(cell.name, tracker): plan.settings.loops or choose_loops(cell, tracker, plan.settings.min_time)
                 for cell in cells for tracker in trackers}
        for round_index in range(plan.settings.processes):
            progress(f"round {round_index + 1}/{plan.settings.processes}: {len(cells)} cells x {len(trackers)} trackers")
            for cell in cells:
                for tracker in rotated(trackers, round_index):
                    run_worker(launch, worker_command(plan, cell, tracker, loops[cell.name, tracker], python),
                               f"{cell.name} on {tracker}", plan.run_dir)
            manifest.rounds_completed = round_index + 1
            write_manifest(plan.run_dir, manifest)
    return manifest
