"""The in-flight suite: an in-flight preset as a run of the executor, one pyperf JSON file per tracker.

The sample design is ``bench.executor``'s: ``processes`` rounds, each starting one
worker process (``bench.inflight.worker``) per (cell, tracker), a cell's trackers back
to back, their order rotated each round, so a drift of machine noise hits both
trackers alike.

One difference: loops are chosen here, not by pyperf. pyperf calibrates on the time a
function *returns*, which for Pop is microseconds while each repetition also runs,
untimed, its events and a Done (up to milliseconds for the marker tracker with many
events). Calibrating on the timed part alone would make one value last tens of
seconds. :func:`choose_loops` therefore doubles the loops, in this process, until
either the timed part reaches ``min_time`` or the whole call reaches
``WALL_FACTOR x min_time``; every worker of that (cell, tracker) then gets ``--loops``,
so all its samples time the same number of repetitions (and no calibration process
is needed).

Before the rounds the run records the trackers' memory (``scheduling.costs.tracker_memory``)
and the simulation of the default workload (``scheduling.simulate``) in its
directory (``bench.rundir.inflight_files``), so the report shows what this revision
of the code did.

Cost: processes x cells x 2 worker processes, each ~0.4 s of start-up plus (warmups +
values) values of at most WALL_FACTOR x min_time; plus ~1 s per (cell, tracker) to
choose loops, ~2 s of simulation and a few seconds of memory measurement.
"""

from __future__ import annotations

import shlex
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.environment import describe_environment
from bench.executor import Progress, rotated, utc_now
from bench.inflight.cells import InFlightCell
from bench.inflight.presets import InFlightPreset
from bench.inflight.worker import InFlightWorker, cell_arguments
from bench.rundir.facts import InFlightFacts
from bench.rundir.inflight_files import save_simulation, save_tracker_memory
from bench.rundir.manifest import RunManifest
from bench.sampling import SampleSettings, check_mode, pyperf_options, sampling_options
from scheduling.costs import tracker_memory
from scheduling.simulate import SimulationConfig, simulate
from scheduling.tracker import TRACKER_NAMES

# A value may last at most this many times min_time, setup and untimed work included.
WALL_FACTOR = 5.0
MAX_LOOPS = 1 << 24


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


@dataclass
class InFlightPlan:
    """Everything an in-flight run needs: where, which cells, sampling, the simulated workload."""

    run_dir: Path
    preset: InFlightPreset
    settings: SampleSettings
    mode: str = "default"
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    configurations: tuple[str, ...] = TRACKER_NAMES
    _loops: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        check_mode(self.mode)
        self._cells = {cell.name: cell for cell in self.preset.cells}

    def command(self) -> str:
        """The ``storelist run`` command line that repeats this run."""
        parts = ["storelist", "run", "--preset", self.preset.name]
        parts += sampling_options(self.mode, self.settings)
        parts += ["-o", str(self.run_dir)]
        return shlex.join(parts)

    def cell_names(self) -> list[str]:
        return list(self._cells)

    def new_manifest(self) -> RunManifest:
        return RunManifest(suite="inflight", preset=self.preset.name, configurations=list(self.configurations),
                           benchmarks=self.cell_names(), seed=self.simulation.seed, settings=asdict(self.settings),
                           mode=self.mode, command=self.command(), environment=describe_environment(),
                           started=utc_now(), facts=InFlightFacts(WALL_FACTOR).to_dict())

    def prepare(self, progress: Progress) -> None:
        """Record the trackers' memory and the simulation, then choose every cell's loops."""
        progress.note("measuring memory (tracemalloc) and simulating the default workload")
        save_tracker_memory(self.run_dir, [tracker_memory(tracker, in_flight, events)
                                           for in_flight, events in self.preset.memory_points()
                                           for tracker in self.configurations])
        save_simulation(self.run_dir, simulate(self.simulation))
        progress.note(f"choosing loops for {len(self._cells)} cells x {len(self.configurations)} trackers")
        self._loops = {(name, tracker): self.settings.loops or choose_loops(cell, tracker, self.settings.min_time)
                       for name, cell in self._cells.items() for tracker in self.configurations}

    def initial_loops(self, cell: str, configuration: str) -> int:
        return self._loops[cell, configuration]

    def units(self, cell: str, round_index: int) -> list[tuple[str, ...]]:
        return [(tracker,) for tracker in rotated(self.configurations, round_index)]

    def worker(self, cell: str, unit: tuple[str, ...], loops: dict[str, int], round_index: int,
               output: Path) -> tuple[str, list[str]]:
        (tracker,) = unit
        return InFlightWorker.module, [*cell_arguments(self._cells[cell], tracker), f"--round={round_index}",
                                       *pyperf_options(self.settings, loops[tracker], output / f"{tracker}.json")]
