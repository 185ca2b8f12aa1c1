"""The StoreList report's memory table: resident memory each loaded store adds, per population.

Figures come from ``RUN/meta/memory.json`` (``bench.rundir.memory_file``): RSS after loading the
store minus RSS before, in a fresh interpreter, so they include the B-tree or map, the
indexes and the per-element keys and field sets, but not the pods (the storage's).
Page-granular RSS makes small populations' figures coarse (4 KiB steps).
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.rundir.memory_file import StoreMemory

MIB = 2**20


def memory_rows(memory: Sequence[StoreMemory]) -> list[list[str]]:
    """Per figure: population, configuration, store MiB, bytes per pod, baseline MiB."""
    return [[m.population, m.store, f"{m.store_bytes / MIB:.2f}", f"{m.bytes_per_pod:,.0f}",
             f"{m.baseline_bytes / MIB:.1f}"] for m in memory]


def missing_memory(memory: Sequence[StoreMemory], populations: Sequence[str], stores: Sequence[str]) -> list[str]:
    """``population store`` for every planned pair without a figure."""
    measured = {(m.population, m.store) for m in memory}
    return [f"{population} {store}" for population in populations for store in stores
            if (population, store) not in measured]
