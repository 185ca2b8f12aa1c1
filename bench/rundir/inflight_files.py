"""The in-flight run's side files: the trackers' memory and the simulation of the default workload.

``RUN/meta/inflight-memory.json`` holds ``scheduling.costs.tracker_memory`` points,
``RUN/meta/inflight-simulation.json`` the ``scheduling.simulate`` report, both
recorded when the run started so the report shows what the timed revision did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path

from bench.rundir.files import RunDirError, read_json, write_json
from bench.rundir.layout import simulation_path, tracker_memory_path
from scheduling.simulate import SimulationConfig, SimulationReport, TrackerFigures

MemoryPoint = Mapping[str, int | str]


def save_tracker_memory(run_dir: Path, points: Sequence[MemoryPoint]) -> None:
    write_json(tracker_memory_path(run_dir), {"method": "tracemalloc", "points": list(points)})


def load_tracker_memory(run_dir: Path) -> list[MemoryPoint] | None:
    """The memory points the run recorded, None if it recorded none; RunDirError if malformed."""
    path = tracker_memory_path(run_dir)
    if not path.exists():
        return None
    try:
        points = read_json(path)["points"]
        if not isinstance(points, list):
            raise TypeError("points is not a list")
        return points
    except (KeyError, TypeError) as error:
        raise RunDirError(f"{path}: not an in-flight memory file ({error})") from None


def save_simulation(run_dir: Path, report: SimulationReport) -> None:
    write_json(simulation_path(run_dir),
               {"config": asdict(report.config), "figures": [asdict(figures) for figures in report.figures]})


def load_simulation(run_dir: Path) -> SimulationReport | None:
    """The simulation the run recorded, None if there is none; RunDirError if malformed."""
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
