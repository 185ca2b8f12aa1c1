"""The in-flight suite: an in-flight preset as a run of the executor, one pyperf JSON file per tracker.

The sample design is the StoreList suite's paired one: ``processes`` rounds, each
starting one worker process (``bench.inflight.worker``) per cell that times both
trackers in interleaved blocks, so each process gives a ratio list ÷ marker measured
side by side, and the processes give its interval (``reports.ratio_table``).

Loops: a block's repetitions are calibrated in the cell's first-round worker, by the
timed part and by the whole call (``bench.inflight.worker.WALL_FACTOR``), and kept for
its later rounds (``bench.executor``), so all samples of a (cell, tracker) time the
same number of repetitions.

Before the rounds the run records the trackers' memory (``scheduling.costs.tracker_memory``)
and the simulation of the default workload (``scheduling.simulate``) in its
directory (``bench.rundir.inflight_files``), so the report shows what this revision
of the code did.

Cost: processes x cells worker processes, each ~0.4 s of start-up, the two trackers'
set-up (up to ~6 s for the marker tracker at 1000 pods in flight and 100 events per
Pop, whose every untimed Done walks ~10^5 events) and (warmups + blocks + 5) x 2 blocks
of at most WALL_FACTOR x block_time; plus ~2 s of simulation and a few seconds of
memory measurement.
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.environment import describe_environment
from bench.executor import Progress, utc_now
from bench.inflight.presets import InFlightPreset
from bench.inflight.worker import MODULE, WALL_FACTOR, cell_arguments
from bench.rundir.facts import InFlightFacts
from bench.rundir.inflight_files import save_simulation, save_tracker_memory
from bench.rundir.manifest import RunManifest
from bench.sampling import SampleSettings, check_mode, sampling_options
from scheduling.costs import tracker_memory
from scheduling.simulate import SimulationConfig, simulate
from scheduling.tracker import TRACKER_NAMES

@dataclass
class InFlightPlan:
    """Everything an in-flight run needs: where, which cells, sampling, the simulated workload."""

    run_dir: Path
    preset: InFlightPreset
    settings: SampleSettings
    mode: str = "default"
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    configurations: tuple[str, ...] = TRACKER_NAMES

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
                           started=utc_now(), facts=InFlightFacts(WALL_FACTOR, "paired").to_dict())

    def prepare(self, progress: Progress) -> None:
        """Record the trackers' memory and the simulation."""
        progress.note("measuring memory (tracemalloc) and simulating the default workload")
        save_tracker_memory(self.run_dir, [tracker_memory(tracker, in_flight, events)
                                           for in_flight, events in self.preset.memory_points()
                                           for tracker in self.configurations])
        save_simulation(self.run_dir, simulate(self.simulation))

    def initial_loops(self, cell: str, configuration: str) -> int:
        return self.settings.loops  # 0: calibrated by the cell's first worker

    def units(self, cell: str, round_index: int) -> list[tuple[str, ...]]:
        return [self.configurations]  # one process; it rotates the order block by block

    def worker(self, cell: str, unit: tuple[str, ...], loops: dict[str, int], round_index: int,
               output: Path) -> tuple[str, list[str]]:
        s = self.settings
        given = ",".join(f"{tracker}={count}" for tracker, count in loops.items() if count)
        return MODULE, [*cell_arguments(self._cells[cell]), f"--trackers={','.join(unit)}",
                        f"--round={round_index}", f"--blocks={s.blocks}", f"--warmups={s.warmups}",
                        f"--block-time={s.block_time!r}", *([f"--loops={given}"] if given else []),
                        f"--output={output}"]
