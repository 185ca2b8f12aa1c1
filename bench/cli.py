"""The ``storelist`` command: run the StoreList benchmarks, compare runs, write reports.

Every subcommand returns an exit status instead of raising: errors the user can fix
(bad option, missing or corrupt file, existing output) print one line on stderr
(``storelist <command>: error: ...``) and exit 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bench.inflight import INFLIGHT_PRESETS, InFlightPreset
from bench.presets import PRESETS, Preset, custom_preset, get_preset, sweep_preset
from bench.results import ResultsError, load_run
from bench.runner import (SAMPLE_MODES, RunError, RunPlan, SampleSettings, default_run_dir, execute, ordered_stores,
                          prepare_run_dir)
from bench.rundir import suite_path
from reports.benchstat import FORMATS, benchstat_files, format_tables
from reports.tables import run_caveats, run_table, runs_caveats, runs_tables
from stores import STORE_NAMES
from workloads import PopulationShape, new_seed

EXIT_OK, EXIT_CAVEATS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

EXIT_STATUS_HELP = """exit status:
  0  done
  1  done, but the input is incomplete or uneven (missing configurations or cells,
     differing benchmark sets or sample counts); each problem is named on stderr
  2  nothing done: bad option, unreadable or corrupt file, existing output"""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``storelist run: error: ... (see storelist run --help)``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _wrap(text: str) -> str:
    """Wrap a description by hand: the raw formatter (kept for the epilogs' lists) does not."""
    return textwrap.fill(text, width=79)


def _fail(command: str, message: str, status: int = EXIT_ERROR) -> int:
    sys.stderr.write(f"storelist {command}: error: {message}\n")
    return status


def _notes(command: str, caveats: Sequence[str]) -> int:
    for caveat in caveats:
        sys.stderr.write(f"storelist {command}: note: {caveat}\n")
    return EXIT_CAVEATS if caveats else EXIT_OK


# ---------------------------------------------------------------------------
# Option types
# ---------------------------------------------------------------------------


def _stores(text: str) -> tuple[str, ...]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of stores")
    try:
        return ordered_stores(names)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _preset(text: str) -> Preset | InFlightPreset:
    if text in INFLIGHT_PRESETS:  # the scheduler's in-flight benchmarks (bench/inflight_cli.py)
        return INFLIGHT_PRESETS[text]
    try:
        return get_preset(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}, {', '.join(INFLIGHT_PRESETS)}") from None


def _integer(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
    return value


def _positive(text: str) -> int:
    return _integer(text, 1)


def _non_negative(text: str) -> int:
    return _integer(text, 0)


def _counts(text: str) -> tuple[int, ...]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("expected a comma-separated list of namespace counts, e.g. 10,100,1000")
    return tuple(_positive(part) for part in parts)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


# ---------------------------------------------------------------------------
# storelist run
# ---------------------------------------------------------------------------


def sample_settings(args: argparse.Namespace) -> tuple[str, SampleSettings]:
    """The sample mode chosen (--fast, --rigorous or default) and its settings, overridden by the options."""
    mode = "fast" if args.fast else "rigorous" if args.rigorous else "default"
    base = SAMPLE_MODES[mode]
    return mode, SampleSettings(
        processes=args.processes or base.processes,
        values=args.values or base.values,
        warmups=base.warmups if args.warmups is None else args.warmups,
        min_time=args.min_time or base.min_time,
        loops=base.loops if args.loops is None else args.loops)


def _plan(args: argparse.Namespace) -> RunPlan:
    sizes = (args.namespaces, args.pods_per_namespace, args.nodes)
    if any(size is not None for size in sizes):
        if None in sizes:
            raise ValueError("custom sizes need all of --namespaces, --pods-per-namespace and --nodes")
        if args.preset is not None:
            raise ValueError("give either --preset or custom sizes, not both")
        preset = custom_preset(PopulationShape(*sizes))
    else:
        preset = args.preset or get_preset("seed")
    sweep = {"total_pods": args.sweep_total, "namespace_counts": args.sweep_namespaces, "nodes": args.sweep_nodes}
    if any(value is not None for value in sweep.values()):
        if preset.name != "sweep":
            raise ValueError("--sweep-total, --sweep-namespaces and --sweep-nodes need --preset sweep")
        preset = sweep_preset(**{key: value for key, value in sweep.items() if value is not None})
    mode, settings = sample_settings(args)
    seed = new_seed() if args.seed is None else args.seed
    return RunPlan(args.output or default_run_dir(), preset, args.stores, seed, settings, mode)


def cmd_run(args: argparse.Namespace) -> int:
    if isinstance(args.preset, InFlightPreset):
        from bench.inflight_cli import run_inflight
        return run_inflight(args)
    try:
        plan = _plan(args)
        prepare_run_dir(plan.run_dir)  # refuse a used directory before announcing anything
    except (ValueError, RunError) as error:
        return _fail("run", str(error))
    cells = [*plan.cases, *plan.create_list_cases]
    print(f"storelist run: preset {plan.preset.name}, {len(cells)} cells x {len(plan.stores)} configurations "
          f"({', '.join(plan.stores)}), {plan.settings.processes} samples each; seed {plan.seed}; "
          f"writing to {plan.run_dir}", flush=True)
    try:
        manifest = execute(plan, progress=lambda line: print(f"storelist run: {line}", flush=True))
    except RunError as error:
        return _fail("run", str(error))
    except KeyboardInterrupt:
        return _fail("run", f"interrupted; partial results are in {plan.run_dir}", EXIT_INTERRUPTED)
    files = ", ".join(suite_path(plan.run_dir, store).name for store in manifest.stores)
    print(f"storelist run: wrote {plan.run_dir} ({files}); seed {plan.seed}\n"
          f"  compare: storelist compare {plan.run_dir}\n  report:  storelist report {plan.run_dir}")
    return EXIT_OK


def _add_run(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "run", help="time the StoreList cells into a new run directory",
        description=_wrap("Time every cell of a preset on every selected store configuration with pyperf, "
                    "into RUN/<store>.json (one pyperf benchmark per cell; `python -m pyperf compare_to "
                    "RUN/btree+index.json RUN/btree.json` works). Worker processes run in interleaved "
                    "rounds, one sample per process; see bench/runner.py."),
        epilog="presets:\n" + "\n".join(f"  {p.name:8} {p.description}"
                                          for p in [*PRESETS.values(), *INFLIGHT_PRESETS.values()])
               + "\n\nsample modes (processes x values, warm-ups, min time per value):\n"
               + "\n".join(f"  {name:9} {s.processes} x {s.values}, {s.warmups}, {s.min_time} s"
                           for name, s in SAMPLE_MODES.items())
               + f"\n\n{EXIT_STATUS_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    what = parser.add_argument_group("what to time")
    what.add_argument("--preset", type=_preset, metavar="|".join([*PRESETS, *INFLIGHT_PRESETS]),
                      help="named set of cells (default: seed, the published table)")
    what.add_argument("--namespaces", type=_positive, help="custom population: namespaces")
    what.add_argument("--pods-per-namespace", type=_positive, help="custom population: pods per namespace")
    what.add_argument("--nodes", type=_positive, help="custom population: nodes")
    what.add_argument("--sweep-total", type=_positive, metavar="PODS",
                      help="sweep preset: pods in every population (default 150000)")
    what.add_argument("--sweep-namespaces", type=_counts, metavar="LIST",
                      help="sweep preset: comma-separated namespace counts (default 10,30,100,300,1000,3000,10000,30000)")
    what.add_argument("--sweep-nodes", type=_positive, metavar="NODES", help="sweep preset: nodes (default 5000)")
    what.add_argument("--stores", type=_stores, default=STORE_NAMES, metavar="LIST",
                      help=f"comma-separated store configurations (default: {','.join(STORE_NAMES)})")
    what.add_argument("--seed", type=_non_negative, help="population seed (default: a fresh one, printed and recorded)")
    how = parser.add_argument_group("sampling (pyperf)")
    modes = how.add_mutually_exclusive_group()
    modes.add_argument("--fast", action="store_true", help="fewer samples and shorter values: rough answers quickly")
    modes.add_argument("--rigorous", action="store_true", help="twice the samples: tighter intervals, twice the time")
    how.add_argument("--processes", type=_positive, help="samples (worker processes) per cell and configuration")
    how.add_argument("--values", type=_positive, help="values per worker process")
    how.add_argument("--warmups", type=_non_negative, help="warm-up values per worker process")
    how.add_argument("--min-time", type=_seconds, metavar="SECONDS", help="minimum duration of a value")
    how.add_argument("--loops", type=_non_negative, help="requests per value (default 0: pyperf calibrates)")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="run directory, new or empty (default: results/<UTC timestamp>)")
    parser.set_defaults(func=cmd_run)


# ---------------------------------------------------------------------------
# storelist compare / benchstat
# ---------------------------------------------------------------------------


def cmd_compare(args: argparse.Namespace) -> int:
    try:
        runs = [load_run(path) for path in args.runs]
    except ResultsError as error:
        return _fail("compare", str(error))
    if len(runs) == 1:
        tables, caveats = [run_table(runs[0])], run_caveats(runs[0])
    else:
        tables = runs_tables(runs)
        caveats = [caveat for run in runs for caveat in run_caveats(run)] + runs_caveats(runs)
    sys.stdout.write(format_tables(tables, args.format))
    return _notes("compare", caveats)


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text: benchstat's layout; md: GitHub pipe tables (default: text)")


def _add_compare(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "compare", help="benchstat table of one run, or of the same configurations across runs",
        description=_wrap("With one RUN: the published layout, one column per store configuration "
                    f"({', '.join(STORE_NAMES)}), the first being the base. With several: one table per "
                    "configuration, one column per run, the first run being the base. Cells show the median "
                    "± its 95% CI half-width; \"vs base\" the change of the median where the Mann-Whitney "
                    "test rejects equality at alpha 0.05, else ~, with p and the sample counts. A sample is "
                    "one worker process (the mean of its values). Configurations or cells missing from a "
                    "run are left out and named on stderr."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN", help="run directory (from storelist run)")
    _add_format_option(parser)
    parser.set_defaults(func=cmd_compare)


def cmd_benchstat(args: argparse.Namespace) -> int:
    try:
        sys.stdout.write(benchstat_files(args.files, args.format))
    except ValueError as error:
        return _fail("benchstat", str(error))
    return EXIT_OK


def _add_benchstat(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "benchstat", help="benchstat over Go benchmark text files",
        description=_wrap("Compare Go benchmark output files (`go test -bench` text) like golang.org/x/perf's "
                    "benchstat: the first file is the base, one column per file."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Go benchmark text file")
    _add_format_option(parser)
    parser.set_defaults(func=cmd_benchstat)


# ---------------------------------------------------------------------------
# storelist report
# ---------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    # Imported here: matplotlib takes ~0.5 s to import, which only `report` needs.
    from reports.report import ReportError, write_report

    try:
        run = load_run(args.run)
        if run.manifest is not None and run.manifest.kind == "inflight":
            from reports.inflight_report import write_inflight_report
            outcome = write_inflight_report(run, force=args.force)
        else:
            outcome = write_report(run, force=args.force)
    except (ResultsError, ReportError) as error:
        return _fail("report", str(error))
    plots = ", ".join(path.name for path in outcome.plots)
    print(f"storelist report: wrote {outcome.path} (plots: {plots})")
    return _notes("report", outcome.caveats)


def _add_report(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "report", help="write RUN/report.md: this run beside the published table, with plots",
        description=_wrap("Write RUN/report.md and PNG plots into RUN: the reproduced benchstat table, the published "
                    "table (kubernetes PR #129933) in the same columns, a cell-by-cell comparison (fastest "
                    "configuration, ratios to btree+index, significance verdicts), objects and pages per LIST, "
                    "the memory each loaded store adds, for a sweep run the crossover plot and points, "
                    "the environment and the command that reproduces the run. A run lacking configurations "
                    "or cells is reported as far as it goes, and the report says what is missing."),
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, metavar="RUN", help="run directory (from storelist run)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing report.md and its plots (refused otherwise)")
    parser.set_defaults(func=cmd_report)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="storelist", description="Kubernetes watch-cache StoreList benchmarks (kubernetes "
                     "PR #129933) in Python: run them, compare runs, report against the published table.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_run(commands)
    _add_compare(commands)
    _add_benchstat(commands)
    _add_report(commands)
    # The scheduler queue simulation registers its own `inflight` command.
    from scheduling.cli import register as register_inflight
    register_inflight(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
