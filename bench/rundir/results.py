"""Loading a run directory: per configuration its pyperf suite, samples per cell, metadata.

A *sample* is one pyperf run (one worker process) summarised by the mean of its
values, in seconds per operation; calibration runs (warm-ups only) are not samples
(``bench.executor`` says why). Loading checks what a comparison relies on and raises
:class:`RunDirError` with a one-line, file-naming message otherwise; what is merely
incomplete (a configuration or cell missing) is loaded and reported by the
``missing_*`` methods instead, so callers can compare what is there.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyperf

from bench.rundir.files import RunDirError
from bench.rundir.layout import ops_path, suite_path
from bench.rundir.lock import has_live_holder
from bench.rundir.manifest import RunManifest, read_manifest
from bench.rundir.ops import OpsCount, load_ops
from stores import STORE_NAMES

SECONDS = "second"


@dataclass(frozen=True)
class ConfigurationResults:
    """One configuration of a run (a store, or a tracker): its pyperf suite, samples and counts per cell."""

    configuration: str
    path: Path
    suite: pyperf.BenchmarkSuite
    samples: Mapping[str, list[float]]  # cell name -> one mean per worker process (s)
    ops: Mapping[str, OpsCount]

    def metadata(self) -> dict[str, object]:
        """Metadata shared by every run of every cell (pyperf's and storelist's)."""
        return dict(self.suite.get_metadata())

    def run_metadata(self, cell: str) -> list[dict[str, object]]:
        """The metadata of each sample of ``cell`` (runs with values), in file order; empty if none."""
        if cell not in self.suite.get_benchmark_names():
            return []
        return [run.get_metadata() for run in self.suite.get_benchmark(cell).get_runs() if run.values]


@dataclass(frozen=True)
class RunResults:
    """Everything a run directory holds; configurations in plan order."""

    path: Path
    manifest: RunManifest | None
    configurations: Mapping[str, ConfigurationResults]

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def status(self) -> str:
        """The manifest's status, except that a "running" run whose process is gone is
        "interrupted (its process is gone)" (no live holder of its lock); "unknown" without a manifest."""
        if self.manifest is None:
            return "unknown"
        if self.manifest.status == "running" and not has_live_holder(self.path):
            return "interrupted (its process is gone)"
        return self.manifest.status

    def planned_configurations(self) -> list[str]:
        """The configurations the run set out to measure (all four without a manifest)."""
        return list(self.manifest.configurations) if self.manifest else list(STORE_NAMES)

    def missing_configurations(self) -> list[str]:
        return [name for name in self.planned_configurations() if name not in self.configurations]

    def cell_names(self) -> list[str]:
        """Planned cells in plan order, then any others found, in file order."""
        planned = self.manifest.benchmarks if self.manifest else []
        found = (name for results in self.configurations.values() for name in results.samples)
        return list(dict.fromkeys([*planned, *found]))

    def missing_cells(self) -> dict[str, list[str]]:
        """Per present configuration, the cells it has no sample of."""
        cells = self.cell_names()
        missing = {store: [cell for cell in cells if not results.samples.get(cell)]
                   for store, results in self.configurations.items()}
        return {store: names for store, names in missing.items() if names}

    def sample_counts(self) -> dict[tuple[str, str], int]:
        """(configuration, cell) -> samples, for every cell with at least one."""
        return {(store, cell): len(values) for store, results in self.configurations.items()
                for cell, values in results.samples.items() if values}

    def metadata(self) -> dict[str, object]:
        """Metadata every configuration shares (minus the per-configuration store name)."""
        shared: dict[str, object] | None = None
        for results in self.configurations.values():
            current = results.metadata()
            shared = current if shared is None else {k: v for k, v in shared.items() if current.get(k) == v}
        shared = shared or {}
        shared.pop("storelist_store", None)
        return shared


def samples_of(benchmark: pyperf.Benchmark) -> list[float]:
    """One sample per run with values: the mean of its values (s). Calibration runs are skipped."""
    return [statistics.fmean(run.values) for run in benchmark.get_runs() if run.values]


def load_configuration(path: Path, configuration: str, ops_file: Path) -> ConfigurationResults:
    """Load one configuration's pyperf JSON file; RunDirError if it is not usable."""
    try:
        suite = pyperf.BenchmarkSuite.load(str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise RunDirError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise RunDirError(f"{path}: not a pyperf JSON file ({type(error).__name__}: {error})") from None
    samples: dict[str, list[float]] = {}
    for benchmark in suite.get_benchmarks():
        name = benchmark.get_name()
        if benchmark.get_unit() != SECONDS:
            raise RunDirError(f"{path}: benchmark {name} is in {benchmark.get_unit()}s, not seconds")
        samples[name] = samples_of(benchmark)
    return ConfigurationResults(configuration, path, suite, samples, load_ops(ops_file))


def load_run(run_dir: Path) -> RunResults:
    """Load every configuration's JSON file in ``run_dir`` (and its manifest, if any).

    RunDirError if ``run_dir`` is not a directory, holds no configuration's JSON file,
    or a file present is unreadable or not pyperf JSON. Cost: parsing the JSON files
    (milliseconds; they hold a few hundred values).
    """
    if not run_dir.exists():
        raise RunDirError(f"{run_dir}: no such run directory")
    if not run_dir.is_dir():
        raise RunDirError(f"{run_dir}: not a run directory (expected a directory of pyperf JSON files)")
    try:
        os.listdir(run_dir)
    except OSError as error:
        raise RunDirError(f"{run_dir}: cannot read: {error.strerror or error}") from None
    manifest = read_manifest(run_dir)
    # Without a manifest (pyperf files copied by hand) look for the four store configurations.
    planned = manifest.configurations if manifest else STORE_NAMES
    configurations = {name: load_configuration(suite_path(run_dir, name), name, ops_path(run_dir, name))
                      for name in planned if suite_path(run_dir, name).exists()}
    if not configurations:
        expected = ", ".join(suite_path(run_dir, name).name for name in planned)
        raise RunDirError(f"{run_dir}: no results (none of {expected})")
    return RunResults(run_dir, manifest, configurations)
