"""Resident memory that a loaded store adds, per configuration and population.

BTrees allocates its nodes with C malloc, outside tracemalloc's view, so the figure is
the process's resident set size (RSS, from /proc/self/statm). Each measurement runs in
a fresh interpreter: the population and the storage are built first and the RSS read,
then the cacher loads its store from the storage and the RSS is read again. The
difference is what the store costs: its elements (key, labels, fields; the pod objects
are the storage's and shared), the B-tree or hash map, and both indexes.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass

from bench.fixture import gc_paused, load_storage
from stores import open_store, store_config
from stores.cacher import Cacher
from workloads import RESOURCE_PREFIX, PopulationShape, generate_population, pod_attrs

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident set size, in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_SIZE


@dataclass(frozen=True, slots=True)
class StoreMemory:
    store: str
    namespaces: int
    pods: int
    nodes: int
    seed: int
    baseline_bytes: int  # population and storage, before the store loads
    store_bytes: int  # what loading the store added

    @property
    def bytes_per_pod(self) -> float:
        return self.store_bytes / self.pods if self.pods else 0.0


def measure_here(shape: PopulationShape, seed: int, store_name: str) -> StoreMemory:
    """Measure in this process; only meaningful in a fresh one (see measure)."""
    store_config(store_name)
    with gc_paused():
        storage = load_storage(generate_population(shape, seed))
    gc.collect()
    before = resident_bytes()
    with gc_paused():
        cacher = Cacher(storage, open_store(store_name), pod_attrs, RESOURCE_PREFIX)
    gc.collect()
    after = resident_bytes()
    cacher.stop()
    return StoreMemory(store_name, shape.namespaces, shape.pods, shape.nodes, seed, before, after - before)


def measure(shape: PopulationShape, seed: int, store_name: str) -> StoreMemory:
    """Measure in a fresh interpreter, so nothing earlier in this process skews the RSS."""
    store_config(store_name)  # fail here, with the valid names, on an unknown store
    command = [sys.executable, "-m", "bench.memory", store_name, str(shape.namespaces),
               str(shape.pods_per_namespace), str(shape.nodes), str(seed)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    fields = json.loads(output)
    return StoreMemory(**fields)


def main(argv: list[str]) -> int:
    store_name, namespaces, per_namespace, nodes, seed = argv
    result = measure_here(PopulationShape(int(namespaces), int(per_namespace), int(nodes)), int(seed), store_name)
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
