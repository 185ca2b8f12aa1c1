"""The StoreList report's memory table: resident memory each loaded store adds, per population.

Figures come from ``RUN/meta/memory.json`` (``bench.rundir.memory_file``): RSS after loading the
store minus RSS before, in a fresh interpreter, so they include the B-tree or map, the
indexes and the per-element keys and field sets, but not the pods (the storage's; their
cost is a column of its own). Page-granular RSS makes small populations' figures coarse
(4 KiB steps). The copy table (``copy_rows``) reads ``RUN/meta/copy.json``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.rundir.copy_file import CopyCost
from bench.rundir.memory_file import StoreMemory

MIB = 2**20


MEMORY_COLUMNS = ["population", "configuration", "pods", "indexers", "store MiB", "store B/pod",
                  "pods+storage B/pod", "baseline MiB"]


def memory_rows(memory: Sequence[StoreMemory]) -> list[list[str]]:
    """Per figure (``MEMORY_COLUMNS``): population, configuration, profiles, store MiB and
    bytes per pod, what the pods and the storage cost per pod ("?" where a run before that
    figure did not measure it), baseline MiB."""
    return [[m.population, m.store, m.pods_profile, m.indexers, f"{m.store_bytes / MIB:.2f}",
             f"{m.bytes_per_pod:,.0f}", f"{m.population_bytes_per_pod:,.0f}" if m.population_bytes else "?",
             f"{m.baseline_bytes / MIB:.1f}"] for m in memory]


def missing_memory(memory: Sequence[StoreMemory], populations: Sequence[str], stores: Sequence[str]) -> list[str]:
    """``population store`` for every planned pair without a figure."""
    measured = {(m.population, m.store) for m in memory}
    return [f"{population} {store}" for population in populations for store in stores
            if (population, store) not in measured]


COPY_COLUMNS = ["pods", "ns per item (median)", "quartiles", "items x repeats"]


def copy_rows(costs: Sequence[CopyCost]) -> list[list[str]]:
    """Per pod profile (``COPY_COLUMNS``): the result copy's cost per item."""
    return [[c.pods_profile, f"{c.median_ns:,.0f}", f"{c.q1_ns:,.0f}-{c.q3_ns:,.0f}", f"{c.items} x {c.repeats}"]
            for c in costs]
