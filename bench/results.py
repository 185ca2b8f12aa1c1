"""Loading a run directory: per configuration its pyperf suite, samples per cell, metadata.

A *sample* is one pyperf run (one worker process) summarised by the mean of its
values, in seconds per LIST; calibration runs (warm-ups only) are not samples. See
``bench.runner`` for why. Loading checks what a comparison relies on and raises
:class:`ResultsError` with a one-line, file-naming message otherwise; what is merely
incomplete (a configuration or cell missing) is loaded and reported by the
``missing_*`` methods instead, so callers can compare what is there.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyperf

from bench.rundir import OpsCount, RunDirError, RunManifest, load_ops, ops_path, read_manifest, suite_path
from stores import STORE_NAMES

SECONDS = "second"


class ResultsError(ValueError):
    """A run directory or file cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class StoreResults:
    """One configuration of a run: its pyperf suite, samples and counts per cell."""

    store: str
    path: Path
    suite: pyperf.BenchmarkSuite
    samples: Mapping[str, list[float]]  # cell name -> one mean per worker process (s)
    ops: Mapping[str, OpsCount]

    def metadata(self) -> dict[str, object]:
        """Metadata shared by every run of every cell (pyperf's and storelist's)."""
        return dict(self.suite.get_metadata())


@dataclass(frozen=True)
class RunResults:
    """Everything a run directory holds; ``stores`` in the published column order."""

    path: Path
    manifest: RunManifest | None
    stores: Mapping[str, StoreResults]

    @property
    def label(self) -> str:
        return str(self.path)

    def planned_stores(self) -> list[str]:
        """The configurations the run set out to measure (all four without a manifest)."""
        return list(self.manifest.stores) if self.manifest else list(STORE_NAMES)

    def missing_stores(self) -> list[str]:
        return [store for store in self.planned_stores() if store not in self.stores]

    def cell_names(self) -> list[str]:
        """Planned cells in plan order, then any others found, in file order."""
        planned = self.manifest.cell_names() if self.manifest else []
        found = (name for results in self.stores.values() for name in results.samples)
        return list(dict.fromkeys([*planned, *found]))

    def missing_cells(self) -> dict[str, list[str]]:
        """Per present configuration, the cells it has no sample of."""
        cells = self.cell_names()
        missing = {store: [cell for cell in cells if not results.samples.get(cell)]
                   for store, results in self.stores.items()}
        return {store: names for store, names in missing.items() if names}

    def sample_counts(self) -> dict[tuple[str, str], int]:
        """(configuration, cell) -> samples, for every cell with at least one."""
        return {(store, cell): len(values) for store, results in self.stores.items()
                for cell, values in results.samples.items() if values}

    def metadata(self) -> dict[str, object]:
        """Metadata every configuration shares (minus the per-configuration store name)."""
        shared: dict[str, object] | None = None
        for results in self.stores.values():
            current = results.metadata()
            shared = current if shared is None else {k: v for k, v in shared.items() if current.get(k) == v}
        shared = shared or {}
        shared.pop("storelist_store", None)
        return shared


def samples_of(benchmark: pyperf.Benchmark) -> list[float]:
    """One sample per run with values: the mean of its values (s). Calibration runs are skipped."""
    return [statistics.fmean(run.values) for run in benchmark.get_runs() if run.values]


def load_store(path: Path, store: str, ops_file: Path) -> StoreResults:
    """Load one configuration's pyperf JSON file; ResultsError if it is not usable."""
    try:
        suite = pyperf.BenchmarkSuite.load(str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ResultsError(f"{path}: not a pyperf JSON file ({type(error).__name__}: {error})") from None
    samples: dict[str, list[float]] = {}
    for benchmark in suite.get_benchmarks():
        name = benchmark.get_name()
        if benchmark.get_unit() != SECONDS:
            raise ResultsError(f"{path}: benchmark {name} is in {benchmark.get_unit()}s, not seconds")
        samples[name] = samples_of(benchmark)
    try:
        ops = load_ops(ops_file)
    except RunDirError as error:
        raise ResultsError(str(error)) from None
    return StoreResults(store, path, suite, samples, ops)


def load_run(run_dir: Path) -> RunResults:
    """Load every configuration's JSON file in ``run_dir`` (and its manifest, if any).

    ResultsError if ``run_dir`` is not a directory, holds no configuration's JSON file,
    or a file present is unreadable or not pyperf JSON. Cost: parsing the JSON files
    (milliseconds; they hold a few hundred values).
    """
    if not run_dir.exists():
        raise ResultsError(f"{run_dir}: no such run directory")
    if not run_dir.is_dir():
        raise ResultsError(f"{run_dir}: not a run directory (expected a directory of pyperf JSON files)")
    try:
        manifest = read_manifest(run_dir)
    except RunDirError as error:
        raise ResultsError(str(error)) from None
    # A StoreList run (or one without a manifest) has the four store configurations;
    # another kind's manifest names its own (e.g. the trackers of an in-flight run).
    planned = manifest.stores if manifest and manifest.kind != "storelist" else STORE_NAMES
    stores = {store: load_store(suite_path(run_dir, store), store, ops_path(run_dir, store))
              for store in planned if suite_path(run_dir, store).exists()}
    if not stores:
        expected = ", ".join(suite_path(run_dir, store).name for store in planned)
        raise ResultsError(f"{run_dir}: no results (none of {expected})")
    return RunResults(run_dir, manifest, stores)
