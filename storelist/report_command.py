"""``storelist report``: write RUN/report.md and its plots, by the report of the run's suite."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.rundir.files import RunDirError
from bench.rundir.results import load_run
from storelist.options import EXIT_STATUS_HELP, fail, notes, wrap


def cmd_report(args: argparse.Namespace) -> int:
    # Imported here: matplotlib takes ~0.5 s to import, which only `report` needs.
    from reports import inflight_report, storelist_report
    from reports.writing import ReportError

    from benchstat.gotext import parse_file

    try:
        go_files = [parse_file(path, str(path)) for path in args.go]  # ValueError: not Go benchmark output
        run = load_run(args.run)
        inflight = run.manifest is not None and run.manifest.suite == "inflight"
        if inflight and go_files:
            raise ValueError("--go sets upstream's StoreList benchmarks beside a StoreList run, not an in-flight one")
        outcome = (inflight_report.write_report(run, force=args.force) if inflight else
                   storelist_report.write_report(run, force=args.force, go_files=go_files))
    except (RunDirError, ReportError, ValueError) as error:
        return fail("report", str(error))
    plots = ", ".join(path.name for path in outcome.plots)
    print(f"storelist report: wrote {outcome.path} (plots: {plots})")
    return notes("report", outcome.caveats)


def add_report(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "report", help="write RUN/report.md: this run beside the published table, with plots",
        description=wrap("Write RUN/report.md and PNG plots into RUN. For a StoreList run: the reproduced "
                         "benchstat table, the published table (kubernetes PR #129933) in the same columns, a "
                         "cell-by-cell comparison (fastest configuration, ratios to btree+index, significance "
                         "verdicts), objects and pages per LIST, the memory each loaded store adds, for a sweep "
                         "run the crossover plot and points, the environment and the command that reproduces "
                         "the run. For an in-flight run: the trackers' table, costs, memory and simulation. A "
                         "run lacking configurations or cells is reported as far as it goes, and the report "
                         "says what is missing."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, metavar="RUN", help="run directory (from storelist run)")
    parser.add_argument("--go", type=Path, action="append", default=[], metavar="FILE",
                        help="`go test -bench` output of upstream's BenchmarkStoreList/BenchmarkStoreCreateList "
                             "(2025 or 2026 names) to set beside this run (repeatable); benchmarks matching no "
                             "cell are named")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing report.md and its plots (refused otherwise)")
    parser.set_defaults(func=cmd_report)
