"""Measuring the resident memory that a loaded store adds, per configuration and population.

BTrees allocates its nodes with C malloc, outside tracemalloc's view, so the figure is
the process's resident set size (RSS, from /proc/self/statm). Each measurement runs in
a fresh interpreter: the RSS is read after the imports, again once the population and
the storage are built (their difference is what the pods and the storage cost), then
the cacher loads its store from the storage and the RSS is read a third time. That
difference is what the store costs: its elements (key, labels, fields; the pod objects
are the storage's and shared), the B-tree or hash map, and the indexes it registers
(``--indexers``: under ``registry`` the B-tree configurations keep only the node index,
so the table shows what dropping the namespace index saves).

:func:`measure_run` measures what a run needs, each (population, configuration)
once, and saves the records (``bench.rundir.memory_file``) after every measurement,
so an interrupted run keeps what it measured. Cost: ~1-3 s per measurement at 150k
pods, well under a second at smoke sizes.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from bench.rundir.memory_file import StoreMemory, save_store_memory
from bench.storelist.fixture import Profiles, gc_paused, load_storage, pod_cacher
from stores import store_config
from workloads import PopulationShape, generate_population

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident set size, in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_SIZE


def measure_here(shape: PopulationShape, seed: int, store_name: str, profiles: Profiles = Profiles()) -> StoreMemory:
    """Measure in this process; only meaningful in a fresh one (see measure)."""
    store_config(store_name)
    gc.collect()
    empty = resident_bytes()
    with gc_paused():
        storage = load_storage(generate_population(shape, seed, profiles.pods))
    gc.collect()
    before = resident_bytes()
    with gc_paused():
        cacher = pod_cacher(storage, store_name, profiles.indexers)
    gc.collect()
    after = resident_bytes()
    cacher.stop()
    return StoreMemory(store_name, shape.namespaces, shape.pods, shape.nodes, seed, before, after - before,
                       profiles.pods, profiles.indexers, before - empty)


def measure(shape: PopulationShape, seed: int, store_name: str, profiles: Profiles = Profiles()) -> StoreMemory:
    """Measure in a fresh interpreter, so nothing earlier in this process skews the RSS."""
    store_config(store_name)  # fail here, with the valid names, on an unknown store
    command = [sys.executable, "-m", "bench.storelist.measure_memory", store_name, str(shape.namespaces),
               str(shape.pods_per_namespace), str(shape.nodes), str(seed), profiles.pods, profiles.indexers]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    fields = json.loads(output)
    return StoreMemory(**fields)


Measure = Callable[[PopulationShape, int, str, Profiles], StoreMemory]


def measure_run(run_dir: Path, shapes: Sequence[PopulationShape], stores: Sequence[str], seed: int,
                progress: Callable[[str], None] = lambda message: None,
                measure_one: Measure = measure, profiles: Profiles = Profiles(),
                earlier: Sequence[StoreMemory] = ()) -> list[StoreMemory]:
    """Measure every store on every shape (the run's seed), saving after each (after the
    ``earlier`` records of the same run); all the records."""
    results: list[StoreMemory] = list(earlier)
    for shape in dict.fromkeys(shapes):
        for store in stores:
            memory = measure_one(shape, seed, store, profiles)
            results.append(memory)
            save_store_memory(run_dir, results)
            progress(f"memory: {shape.benchmark_name} {store} ({profiles.pods} pods): "
                     f"{memory.store_bytes / 2**20:.1f} MiB, {memory.bytes_per_pod:.0f} B/pod")
    return results


def main(argv: list[str]) -> int:
    store_name, namespaces, per_namespace, nodes, seed, pods, indexers = argv
    result = measure_here(PopulationShape(int(namespaces), int(per_namespace), int(nodes)), int(seed), store_name,
                          Profiles(pods, indexers))
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
