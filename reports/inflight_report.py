"""``RUN/report.md`` of an in-flight run (``storelist run --preset inflight``).

Sections: status, the benchstat table (trackers as columns, ``marker`` the base, so a
delta is the cost of the fix), the costs at the largest in-flight count, the trackers'
memory, the simulation of the default workload (recorded at run time, so it is the
revision that was timed), a log-log chart of cost against pods in flight, the
environment, the sample design and the commands that reproduce the run.

The tables, the statistics, the environment section and the refusal to replace an
existing report without ``force`` are shared with the StoreList report
(``reports.tables``, the ``benchstat`` package, ``reports.environment``,
``reports.writing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from bench.inflight.cells import OPS
from bench.rundir.facts import InFlightFacts
from bench.rundir.inflight_files import MemoryPoint, load_simulation, load_tracker_memory
from bench.rundir.results import RunResults
from benchstat.analysis import AnalyzedTable, analyze
from benchstat.names import parse_name
from benchstat.render import format_table
from reports.environment import environment_section
from reports.markdown import md_table
from reports.plots import Line, log_lines, palette
from reports.ratio_table import format_ratio_table, ratio_rows
from reports.tables import resumed_note, run_caveats, run_table
from reports.writing import ReportError, ReportOutcome, refuse_existing, write_report_text
from scheduling.simulate import SimulationReport, format_simulation

COSTS_PLOT = "inflight-costs.png"


class CellName(NamedTuple):
    """What an in-flight benchmark's name says: ``InFlight/Op=Pop/InFlight=10/EventsPerPop=1``."""

    op: str
    in_flight: int
    events_per_pop: int | None


def cell_name(benchmark: str) -> CellName:
    """The operation, pods in flight and event rate a benchmark name holds; ValueError if it is no in-flight name.

    >>> cell_name("InFlight/Op=Event/InFlight=1000")
    CellName(op='Event', in_flight=1000, events_per_pop=None)
    """
    name = parse_name(benchmark)
    try:
        if name.base != "InFlight" or name.levels["Op"] not in OPS:
            raise KeyError("Op")
        rate = name.levels.get("EventsPerPop")
        return CellName(name.levels["Op"], int(name.levels["InFlight"]), None if rate is None else int(rate))
    except (KeyError, ValueError) as error:
        raise ValueError(f"not an in-flight benchmark name: {benchmark!r} ({error})") from None


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.3g} µs"


def _medians(table: AnalyzedTable) -> dict[str, dict[str, tuple[float, float, float]]]:
    """Row -> tracker -> (median, CI low, CI high) in seconds, for the cells that have samples."""
    medians: dict[str, dict[str, tuple[float, float, float]]] = {}
    for row in table.rows:
        for label, cell in zip(table.labels, table.cells[row]):
            if cell is not None:
                medians.setdefault(row, {})[label] = (cell.summary.center, cell.summary.lo, cell.summary.hi)
    return medians


def largest_in_flight_section(table: AnalyzedTable) -> str:
    """Per operation (and event rate) at the largest in-flight count: each tracker's median and list ÷ marker."""
    cells = {row: cell_name(row) for row in table.rows}
    if not cells:
        return "No samples.\n"
    largest = max(cell.in_flight for cell in cells.values())
    medians = _medians(table)
    base, *others = table.labels
    rows = []
    for row, cell in cells.items():
        if cell.in_flight != largest:
            continue
        figures = medians.get(row, {})
        centre = {label: figures[label][0] for label in figures}
        ratios = [f"{centre[other] / centre[base]:.3g}×" if base in centre and other in centre and centre[base] > 0
                  else "–" for other in others]
        rows.append([cell.op, "–" if cell.events_per_pop is None else str(cell.events_per_pop),
                     *(_us(centre[label]) if label in centre else "–" for label in table.labels), *ratios])
    header = ["operation", "events per Pop", *(f"{label} (median)" for label in table.labels),
              *(f"{other} ÷ {base}" for other in others)]
    return f"At {largest} pods in flight (medians of the table above):\n\n" + md_table(header, rows)


def memory_section(points: Sequence[MemoryPoint] | None) -> str:
    """List length, events kept and bytes per tracker, in-flight count and events received."""
    if points is None:
        return "The run recorded no memory figures (no `meta/inflight-memory.json`).\n"
    rows = [[point["tracker"], point["in_flight"], point["events"], point["list_length"], point["events_kept"],
             f"{point['bytes']:,}"] for point in points]
    return ("Python heap bytes (`tracemalloc`) allocated by a fresh tracker into which `in flight` pods were "
            "popped and then `events` events received (the pods themselves not counted), measured when the run "
            "started. The events received are in flight × events per Pop, what a marker tracker keeps at a steady "
            "state (every event since the oldest in-flight pod's Pop). The list tracker's list holds a node per pod "
            "and per event (I + E), the marker tracker's one per event (E) plus a marker per pod in a map. Python "
            "object sizes: compare the trackers with each other, not with Go.\n\n"
            + md_table(["tracker", "in flight", "events", "list length", "events kept", "bytes"], rows))


def simulation_section(report: SimulationReport | None) -> str:
    if report is None:
        return "The run recorded no simulation (no `meta/inflight-simulation.json`).\n"
    return ("The simulation of `storelist inflight simulate` (scheduling/simulate.py) with its default workload, run "
            "when the benchmarks started and recorded in `meta/inflight-simulation.json`: one seeded workload replayed "
            "through both trackers on a fake clock. A pod is *wrongly parked* when it went to unschedulablePods although "
            "an event its hint would Queue arrived while it was in flight.\n\n"
            f"```\n{format_simulation(report)}\n```\n")


def _plot(run_dir: Path, table: AnalyzedTable) -> tuple[Path, str] | None:
    """Median cost against pods in flight: a line per (tracker, operation) at the lowest event rate."""
    cells = {row: cell_name(row) for row in table.rows}
    rates = [cell.events_per_pop for cell in cells.values() if cell.events_per_pop is not None]
    rate = min(rates, default=None)
    medians = _medians(table)
    colors = palette(OPS)
    lines = []
    for index, tracker in enumerate(table.labels):
        for op in OPS:
            points = [(float(cell.in_flight), *(value * 1e6 for value in medians[row][tracker]))
                      for row, cell in cells.items()
                      if cell.op == op and cell.events_per_pop in (None, rate) and tracker in medians.get(row, {})]
            if points:
                lines.append(Line(f"{op} · {tracker}", points, color=colors[op], dashed=index > 0))
    if not lines:
        return None
    path = log_lines(run_dir / COSTS_PLOT, f"Median cost per operation against pods in flight "
                     f"({rate} event(s) per Pop; whiskers: 95% CI)", "pods in flight (log)", "µs per operation (log)",
                     {"": lines})
    caption = (f"Median µs per Event, Pop and Done against pods in flight, {rate} event(s) per Pop for Pop and Done; "
               f"solid lines {table.labels[0]}, dashed {', '.join(table.labels[1:])}.")
    return path, caption


def sample_section(run: RunResults) -> str:
    settings = run.manifest.settings if run.manifest else {}
    facts = InFlightFacts.of(run.manifest) if run.manifest else None
    wall_factor = f"{facts.wall_factor:g}" if facts else "?"
    counts = sorted(set(run.sample_counts().values()))
    operation = ("the time spent in the operation over `loops` repetitions divided by `loops` (`scheduling/costs.py`: "
                 "the real queue, setup excluded; Pop and Done are timed one call at a time, so they include one "
                 "`perf_counter` pair)")
    samples = f"Samples per cell: {', '.join(f'n={n}' for n in counts) or 'none'}.\n"
    if facts is None or facts.design != "paired":
        return (f"Each sample is one pyperf run (one worker process per tracker) summarised by the mean of its "
                f"{settings.get('values', '?')} values after {settings.get('warmups', '?')} warm-up(s); a value is "
                f"{operation}. Loops were chosen once per (cell, tracker) by doubling until the timed part reached "
                f"{settings.get('min_time', '?')} s or a whole call {wall_factor}× that, then fixed for every sample. "
                "Worker processes ran in rounds, the two trackers of a cell back to back in an order rotated each "
                f"round (`bench/executor.py`). {samples}")
    return ("Paired design: each sample is one worker process (`bench/inflight/worker.py`) that times both trackers "
            f"of a cell in {settings.get('blocks', '?')} rounds of blocks after {settings.get('warmups', '?')} "
            "warm-up round(s), one block per tracker, the order rotated from round to round. A block's value is "
            f"{operation}, on the wall clock (a CPU-clock read costs about 1 µs here, as much as a Pop). A block "
            f"holds enough repetitions for {settings.get('block_time', '?')} s of timed operation or a whole call of "
            f"{wall_factor}× that, whichever comes first (a Pop's untimed events and Done can cost a thousand times "
            "the Pop), calibrated in the cell's first process and kept. The ratio table's estimate per process is "
            "the median of its per-round ratios list ÷ marker; the processes, independent, give the Hodges-Lehmann "
            "estimate and the interval that inverts the Wilcoxon signed-rank test (`benchstat/paired.py`), as in "
            "the StoreList report. The benchstat table is each tracker's seconds per operation, a sample being the "
            f"mean of a process's blocks. {samples}")


def reproduce_section(run: RunResults) -> str:
    command = run.manifest.command if run.manifest else "(the run has no manifest: command unknown)"
    files = " ".join(str(run.path / f"{tracker}.json") for tracker in run.configurations)
    return (f"```sh\n{command}\nstorelist compare {run.path}\nstorelist report {run.path}\n"
            f"python -m pyperf compare_to {files}\nstorelist inflight simulate\n```\n")


# Why upstream's own regression case cannot show the bug any more (issue: agree with
# upstream's tests, case 13); the facts come from scheduling_queue_test.go's Test_InFlightPods
# at cbcc2147 (v1.29) and after #122629 (v1.30).
UPSTREAM_REGRESSION_CASE = (
    "Upstream's regression case for the bug #120413 fixed is the `Test_InFlightPods` case \"pod is enqueued to "
    "activeQ because the failed plugin has a hint fn and it returns Queue for a concurrent event that was received "
    "while some other pod was in flight\": pop pod1, NodeAdd, pop pod2, AssignedPodAdd, then both fail; pod2 "
    "must reach activeQ. Up to v1.29 the first design fails it: pod2's marker is NodeAdd, which pod1's Done "
    "removes, so pod2 never sees AssignedPodAdd. From v1.30 the queue drops events no plugin registered "
    "(#122629), and the case's hint map registers only AssignedPodAdd, so NodeAdd is never recorded, pod2 has no "
    "marker to lose, and **the first design passes the case**. A reader checking the bug against upstream's test "
    "of v1.30 or later would find nothing wrong. The tests here keep the bug visible with the filter on by "
    "registering an observer plugin for every event (`tests/test_scheduling_inflight.py`), which is what "
    "v1.29's queue recorded anyway.\n")


RATIO_INTRO = ("Per cell, list ÷ marker measured side by side in each process, with its 95% confidence interval "
               "and the signed-rank test (`~` where the interval contains 1): below 1 the fix is cheaper.\n")


def render_report(run: RunResults, table: AnalyzedTable, memory: Sequence[MemoryPoint] | None,
                  simulation: SimulationReport | None, plot: tuple[Path, str] | None, caveats: Sequence[str]) -> str:
    """The report's Markdown (the plot already drawn, referenced by file name)."""
    bench_table = run_table(run)
    preset = run.manifest.preset if run.manifest else "unknown"
    status = resumed_note(run) + ("\n".join(f"- {caveat}" for caveat in caveats) if caveats else (
        f"Complete: {len(run.cell_names())} benchmarks x {len(run.configurations)} trackers, every benchmark sampled."))
    plots = f"![{plot[0].stem}]({plot[0].name})\n\n{plot[1]}\n" if plot else "No samples to plot.\n"
    sections = [
        f"# Scheduler in-flight tracking: `{run.path}`\n",
        f"Preset `{preset}`: the cost of each operation of the kube-scheduler queue's in-flight tracking under both "
        "designs (kubernetes PR #120413), through the real queue (`scheduling/`). `marker` is the first design "
        "(one list of events, a marker per pod), the base column; `list` is the fix (one list of pods and events), "
        "so a delta is what the fix costs or saves. Benchmarks are `InFlight/Op=<operation>/InFlight=<pods in flight>"
        "[/EventsPerPop=<events received per Pop>]`.\n",
        f"## Status\n\n{status}\n",
        f"## Benchstat table\n\n```\n{format_table(bench_table, 'text').rstrip()}\n```\n",
        f"## Ratios, paired\n\n{RATIO_INTRO}\n```\n{format_ratio_table(run, ratio_rows(run), 'text').rstrip()}\n```\n",
        f"## At the largest in-flight count\n\n{largest_in_flight_section(table)}",
        f"## Memory\n\n{memory_section(memory)}",
        f"## Simulation\n\n{simulation_section(simulation)}",
        f"## Checking the bug against upstream's own test\n\n{UPSTREAM_REGRESSION_CASE}",
        f"## Plot\n\n{plots}",
        f"## Environment\n\n{environment_section(run)}\n(The seed row is the simulated workload's seed; the timed "
        "workloads are not random.)\n",
        f"## Sample design\n\n{sample_section(run)}",
        f"## How to reproduce\n\n{reproduce_section(run)}",
    ]
    return "\n".join(sections)


def write_report(run: RunResults, force: bool = False) -> ReportOutcome:
    """Write ``report.md`` and its plot into the run directory.

    Refuses (ReportError, nothing written) when either file exists, unless ``force``.
    Cost: the statistics of one table plus ~1 s for matplotlib.
    """
    refuse_existing(run.path, (COSTS_PLOT,), force)
    memory = load_tracker_memory(run.path)
    simulation = load_simulation(run.path)
    try:
        table = analyze(run_table(run))
        for row in table.rows:
            cell_name(row)
        caveats = tuple(run_caveats(run))
        plot = _plot(run.path, table)
        text = render_report(run, table, memory, simulation, plot, caveats)
    except ValueError as error:  # RunDirError included: the manifest's facts
        raise ReportError(f"{run.path}: {error}") from None
    target = write_report_text(run.path, text)
    return ReportOutcome(target, (plot[0],) if plot else (), caveats)
