"""Run directories written with pyperf's API instead of timed: fast, and with known values.

Tests of loading, comparing and reporting need runs whose numbers they choose (and
many of them), which real runs cannot give in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyperf

from bench.rundir.facts import StoreListFacts
from bench.rundir.layout import ops_path, suite_path
from bench.rundir.manifest import RunManifest, write_manifest
from bench.rundir.ops import OpsCount, add_ops
from bench.storelist.cases import StoreListCase

Samples = Mapping[str, Mapping[str, Sequence[float]]]  # store -> cell -> one value per run


def spread(center: float, n: int = 10, width: float = 0.02) -> list[float]:
    """``n`` distinct values evenly spread over ``center`` ± ``width``/2 (relative)."""
    return [center * (1 + width * (i / (n - 1) - 0.5)) for i in range(n)] if n > 1 else [center]


def write_suite(path: Path, cells: Mapping[str, Sequence[float]], store: str, seed: int = 1,
                metadata: Mapping[str, str] | None = None) -> None:
    """A pyperf suite: per cell one benchmark with one single-value run per sample
    (``metadata``: more of every run's, e.g. the storage and the clock)."""
    benchmarks = []
    for cell, values in cells.items():
        runs = [pyperf.Run([value], metadata={"name": cell, "unit": "second", "loops": 4,
                                              "storelist_store": store, "storelist_seed": seed,
                                              "cpu_model_name": "Test CPU", "python_version": "3.11.7",
                                              **(metadata or {})},
                           collect_metadata=False)
                for value in values]
        benchmarks.append(pyperf.Benchmark(runs))
    pyperf.BenchmarkSuite(benchmarks).dump(str(path))


def manifest(cases: Sequence[StoreListCase], stores: Sequence[str], preset: str = "published", seed: int = 1,
             processes: int = 10, status: str = "complete",
             counterparts: Mapping[str, str] | None = None, clock: str = "wall") -> RunManifest:
    """A StoreList manifest; ``counterparts`` as a run of a scaled-down preset records them."""
    facts = StoreListFacts(list(dict.fromkeys(c.shape.benchmark_name for c in cases)), dict(counterparts or {}),
                           "unpaired", clock)
    return RunManifest(suite="storelist", preset=preset, configurations=list(stores),
                       benchmarks=[c.name for c in cases], seed=seed, mode="default", facts=facts.to_dict(),
                       settings={"processes": processes, "values": 3, "warmups": 1, "min_time": 0.1, "loops": 0},
                       command=f"storelist run --preset {preset} --seed {seed} -o RUN",
                       environment={"cpu_model": "Test CPU", "python_version": "3.11.7",
                                    "python_implementation": "CPython",
                                    "git_revision": "abc123", "version_pyperf": "2.10.0"},
                       started="2025-01-31T00:00:00+00:00", finished="2025-01-31T00:10:00+00:00",
                       status=status, rounds_completed=processes if status == "complete" else 1)


def write_run(run_dir: Path, samples: Samples, run_manifest: RunManifest | None = None,
              ops: Mapping[str, Mapping[str, OpsCount]] | None = None,
              metadata: Mapping[str, str] | None = None) -> Path:
    """Write ``samples`` as a run directory (plus manifest and ops files if given)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    for store, cells in samples.items():
        write_suite(suite_path(run_dir, store), cells, store, metadata=metadata)
    if run_manifest is not None:
        write_manifest(run_dir, run_manifest)
    for store, counts in (ops or {}).items():
        for cell, count in counts.items():
            add_ops(ops_path(run_dir, store), cell, count)
    return run_dir


def write_paired_run(run_dir: Path, ratios: Mapping[str, Mapping[str, Sequence[float]]], base: str = "btree+index",
                     base_seconds: float = 1e-5) -> Path:
    """A paired run: per non-base store and cell, one process per ratio, recorded as the
    paired worker records it (``storelist_ratio``); the base's processes at ratio 1."""
    run_dir.mkdir(parents=True, exist_ok=True)
    cells = next(iter(ratios.values()))
    per_store = {base: {cell: [1.0] * len(values) for cell, values in cells.items()}, **ratios}
    for store, by_cell in per_store.items():
        benchmarks = [pyperf.Benchmark([pyperf.Run([base_seconds * ratio], metadata={
            "name": cell, "unit": "second", "loops": 4, "storelist_design": "paired", "storelist_clock": "cpu",
            "storelist_ratio": ratio}, collect_metadata=False) for ratio in values])
            for cell, values in by_cell.items()]
        pyperf.BenchmarkSuite(benchmarks).dump(str(suite_path(run_dir, store)))
    return run_dir
