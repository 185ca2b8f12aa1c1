"""A run's memory figures: each (population, configuration) measured once, in ``RUN/meta/memory.json``.

``bench.memory.measure`` does the measuring (RSS added by loading the store, in a fresh
interpreter: ~1-3 s at 150k pods, well under a second at smoke sizes); this module
decides what a run measures and keeps the results. The file is rewritten after every
measurement, so an interrupted run keeps what it measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from bench.memory import StoreMemory, measure
from bench.rundir import RunDirError, memory_path, read_json, write_json
from workloads import PopulationShape

Measure = Callable[[PopulationShape, int, str], StoreMemory]


def measure_run(run_dir: Path, shapes: Sequence[PopulationShape], stores: Sequence[str], seed: int,
                progress: Callable[[str], None] = lambda message: None,
                measure_one: Measure = measure) -> list[StoreMemory]:
    """Measure every store on every shape (the run's seed), saving after each; the results."""
    results: list[StoreMemory] = []
    for shape in dict.fromkeys(shapes):
        for store in stores:
            memory = measure_one(shape, seed, store)
            results.append(memory)
            write_json(memory_path(run_dir), {"stores": [asdict(item) for item in results]})
            progress(f"memory: {shape.benchmark_name} {store}: {memory.store_bytes / 2**20:.1f} MiB, "
                     f"{memory.bytes_per_pod:.0f} B/pod")
    return results


def load_memory(run_dir: Path) -> list[StoreMemory]:
    """The run's memory figures; empty if it has none (not measured, or an older run)."""
    path = memory_path(run_dir)
    if not path.exists():
        return []
    data = read_json(path)
    try:
        return [StoreMemory(**item) for item in data["stores"]]
    except (AttributeError, KeyError, TypeError) as error:
        raise RunDirError(f"{path}: not a memory file ({error})") from None
