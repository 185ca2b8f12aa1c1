"""Run results as benchstat tables, and what makes a comparison of them questionable.

One run gives the published layout: one column per store configuration (the first,
``btree+index`` when present, is the base), one row per cell. Several runs give one
table per configuration with the runs as columns (the first run is the base).

The statistics and the rendering are the ``benchstat`` package's; this module only
chooses the columns and rows, and lists *caveats*: one-line messages about missing
configurations or cells, differing benchmark sets and differing sample counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bench.rundir.metadata_keys import CLOCK_KEY, STORAGE_KEY
from bench.rundir.results import RunResults
from benchstat.analysis import BenchTable, Column
from reports.run_kind import run_clock, run_storage
from stores import STORE_NAMES

UNIT = "sec/op"
# Cells named in one "sample counts differ" message, at most (an interrupted run can
# leave every cell of its last round one sample short).
MAX_NAMED = 5


def run_table(run: RunResults) -> BenchTable:
    """The published layout of one run: a column per configuration, a row per cell."""
    metadata = run.metadata()
    # The clock and the storage head the table too: a figure means something else on
    # another clock or storage. Both from reports.run_kind: a run's write and
    # create-then-list cells do not record them, which leaves them out of the metadata
    # all samples share.
    metadata |= {CLOCK_KEY: run_clock(run), **({STORAGE_KEY: storage} if (storage := run_storage(run)) else {})}
    config = [(key, str(metadata[name])) for key, name in
              (("cpu", "cpu_model_name"), ("python", "python_version"), ("seed", "storelist_seed"),
               ("clock", CLOCK_KEY), ("design", "storelist_design"), ("pods", "storelist_pods_profile"),
               ("indexers", "storelist_indexers"), ("storage", STORAGE_KEY))
              if name in metadata]
    columns = [Column(store, results.samples) for store, results in run.configurations.items()]
    return BenchTable(UNIT, columns, config, row_order=run.cell_names())


def runs_tables(runs: Sequence[RunResults]) -> list[BenchTable]:
    """Per configuration (published order), the same configuration across ``runs``."""
    # Store configurations in the published order, then any other kind's (e.g. trackers) as found.
    found = list(dict.fromkeys(store for run in runs for store in run.configurations))
    stores = [store for store in STORE_NAMES if store in found] + [store for store in found if store not in STORE_NAMES]
    tables = []
    for store in stores:
        columns = [Column(run.label, run.configurations[store].samples) for run in runs if store in run.configurations]
        rows = list(dict.fromkeys(cell for run in runs for cell in run.cell_names()))
        tables.append(BenchTable(UNIT, columns, [("store", store)], row_order=rows))
    return tables


def _sample_count_caveat(where: str, counts: dict[str, int]) -> list[str]:
    """"sample counts differ" naming the cells off the most common count, if any."""
    if len(set(counts.values())) <= 1:
        return []
    usual, _ = Counter(counts.values()).most_common(1)[0]
    odd = [f"{name} n={n}" for name, n in counts.items() if n != usual]
    more = f" and {len(odd) - MAX_NAMED} more" if len(odd) > MAX_NAMED else ""
    return [f"{where}: sample counts differ: n={usual} for most cells, but {', '.join(odd[:MAX_NAMED])}{more}"]


def run_caveats(run: RunResults) -> list[str]:
    """What makes one run's table incomplete or uneven (empty when it is neither)."""
    caveats = []
    manifest = run.manifest
    if manifest is not None and run.status != "complete":
        planned = manifest.settings.get("processes", "?")
        caveats.append(f"{run.label}: the run is {run.status} after "
                       f"{manifest.rounds_completed} of {planned} rounds")
    missing = run.missing_configurations()
    if missing:
        caveats.append(f"{run.label}: missing configurations {', '.join(missing)} "
                       f"(no {', '.join(store + '.json' for store in missing)}); compared the rest")
    for store, cells in run.missing_cells().items():
        caveats.append(f"{run.label}: {store} has no samples of {len(cells)} cells: {', '.join(cells)}")
    counts = {f"{store} {cell}": n for (store, cell), n in run.sample_counts().items()}
    return caveats + _sample_count_caveat(run.label, counts)


def resumed_note(run: RunResults) -> str:
    """"Resumed at T1, T2 (UTC) after an interruption or failure. " for a resumed run, else ""."""
    resumed = run.manifest.resumed if run.manifest else []
    return f"Resumed at {', '.join(resumed)} (UTC) after an interruption or failure. " if resumed else ""


def runs_caveats(runs: Sequence[RunResults]) -> list[str]:
    """Differences between runs that a per-configuration comparison glosses over."""
    base = runs[0]
    caveats = []
    for run in runs[1:]:
        for store in dict.fromkeys([*base.configurations, *run.configurations]):
            if store not in run.configurations or store not in base.configurations:
                lacking = run if store not in run.configurations else base
                caveats.append(f"{lacking.label} has no {store} results; compared the runs that have them")
                continue
            ours = {cell for cell, values in run.configurations[store].samples.items() if values}
            theirs = {cell for cell, values in base.configurations[store].samples.items() if values}
            if ours != theirs:
                caveats.append(f"{store}: benchmark sets differ: {run.label} lacks {len(theirs - ours)} and adds "
                               f"{len(ours - theirs)} cells relative to {base.label}; geomeans may not be comparable")
    counts = {f"{run.label} {store} {cell}": n for run in runs for (store, cell), n in run.sample_counts().items()}
    return caveats + _sample_count_caveat("runs", counts)
