"""``storelist compare``: benchstat's table of one run, or of the same configurations across runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchstat.render import FORMATS, format_tables
from bench.rundir.files import RunDirError
from bench.rundir.results import load_run
from reports.ratio_runs import across_runs_rows, format_across_runs, runs_alike
from reports.ratio_table import format_ratio_table, ratio_rows
from reports.storage_table import format_storage_table, storage_caveats, storage_pair, storage_rows
from reports.tables import run_caveats, run_table, runs_caveats, runs_tables
from stores import STORE_NAMES
from storelist.options import EXIT_STATUS_HELP, add_format_option, fail, notes, wrap


def cmd_compare(args: argparse.Namespace) -> int:
    try:
        runs = [load_run(path) for path in args.runs]
    except RunDirError as error:
        return fail("compare", str(error))
    if len(runs) == 1:
        tables, caveats = [run_table(runs[0])], run_caveats(runs[0])
    else:
        tables = runs_tables(runs)
        caveats = [caveat for run in runs for caveat in run_caveats(run)] + runs_caveats(runs)
    sys.stdout.write(format_tables(tables, args.format))
    for run in runs:
        rows = ratio_rows(run)
        if rows:
            sys.stdout.write("\n" + format_ratio_table(run, rows, args.format))
    alike, apart = runs_alike(runs) if len(runs) > 1 else ([], [])
    across = across_runs_rows(alike) if len(alike) > 1 else []
    if across:
        sys.stdout.write("\n" + format_across_runs(alike, across, args.format))
    caveats += [f"ratios across runs: {run.label} left out ({why})" for run, why in apart]
    pair = storage_pair(runs)
    if pair is not None:
        rows = storage_rows(*pair)
        sys.stdout.write("\n" + format_storage_table(*pair, rows, args.format))
        caveats += storage_caveats(*pair, rows)
    return notes("compare", caveats)


def add_compare(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "compare", help="benchstat table of one run, or of the same configurations across runs",
        description=wrap("With one RUN: the published layout, one column per store configuration "
                         f"({', '.join(STORE_NAMES)}; for an in-flight run, per tracker), the first being the "
                         "base. With several: one table per configuration, one column per run, the first run "
                         "being the base. Cells show the median ± its 95% CI half-width; \"vs base\" the change "
                         "of the median where the Mann-Whitney test rejects equality at alpha 0.05, else ~, "
                         "with p and the sample counts. A sample is one worker process (the mean of its "
                         "values). Configurations or cells missing from a run are left out and named on stderr. A "
                         "paired run (storelist run --design paired, the default) adds the ratio table: per "
                         "cell and configuration the Hodges-Lehmann estimate of the per-process ratios to the "
                         "base, the 95% CI that inverts the Wilcoxon signed-rank test, and that test, ~ where "
                         "the CI contains 1. Several paired runs add the ratios across runs: each run's estimate and "
                         "interval, how many estimates lie inside the other runs' intervals, and the Kruskal-Wallis "
                         "test that the runs' per-process ratios agree (runs of one base, storage, clock and profiles). "
                         "Runs over both storages (one with --storage etcd) add what etcd adds per cell: the "
                         "Hodges-Lehmann shift etcd - embedded with the 95% CI that inverts the Mann-Whitney "
                         "test, and the ratio of the medians."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN", help="run directory (from storelist run)")
    add_format_option(parser, FORMATS)
    parser.set_defaults(func=cmd_compare)
