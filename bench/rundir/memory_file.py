"""The StoreList run's memory figures, ``RUN/meta/memory.json``: one record per (population, configuration).

``bench.storelist.measure_memory`` measures them (RSS added by loading the store, in
a fresh interpreter) and saves the file after every measurement, so an interrupted
run keeps what it measured; the report reads them back here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.rundir.files import read_records, write_json
from bench.rundir.layout import store_memory_path
from workloads import PopulationShape


@dataclass(frozen=True, slots=True)
class StoreMemory:
    """What loading one store configuration added to a process holding one population."""

    store: str
    namespaces: int
    pods: int
    nodes: int
    seed: int
    baseline_bytes: int  # the process with population and storage, before the store loads
    store_bytes: int  # what loading the store added
    # Added later (defaults: what runs before them measured): the profiles, and what
    # building the population and the storage added to the bare interpreter.
    pods_profile: str = "minimal"
    indexers: str = "benchmark"
    population_bytes: int = 0

    @property
    def bytes_per_pod(self) -> float:
        return self.store_bytes / self.pods if self.pods else 0.0

    @property
    def population_bytes_per_pod(self) -> float:
        return self.population_bytes / self.pods if self.pods else 0.0

    @property
    def population(self) -> str:
        """The population's benchmark name, e.g. ``Namespaces=50/Pods=150000/Nodes=5000``."""
        return PopulationShape(self.namespaces, self.pods // self.namespaces, self.nodes).benchmark_name


def save_store_memory(run_dir: Path, records: Sequence[StoreMemory]) -> None:
    write_json(store_memory_path(run_dir), {"stores": [asdict(record) for record in records]})


def load_store_memory(run_dir: Path) -> list[StoreMemory]:
    """The run's memory figures; empty if it has none (not measured); RunDirError if malformed."""
    return read_records(store_memory_path(run_dir), "stores", lambda item: StoreMemory(**item), "memory file")
