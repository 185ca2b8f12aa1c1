"""``RUN/report.md``: a run's table beside the published one, cell by cell, with plots.

Sections: status (what the run lacks, if anything), the reproduced table in
benchstat's text layout, both tables as pipe tables with the same columns, the
cell-by-cell comparison (fastest configuration, ratios to ``btree+index``,
significance verdicts), objects and pages per LIST, the memory each loaded store
adds, for a sweep run the crossover plot and points (``reports.sweep``), log-scale
charts, the environment, the sample design, and the command that reproduces the run.

A scaled-down run (``smoke``) is set beside the published cells its populations stand
for (recorded by the run in its manifest's facts); a custom-size run has no
counterpart and gets its own table, counts and charts only. Files are never replaced
unless ``force`` is given (``reports.writing``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bench.rundir.facts import StoreListFacts
from bench.rundir.files import RunDirError
from bench.rundir.copy_file import load_copy_costs
from bench.rundir.memory_file import load_store_memory
from bench.rundir.metadata_keys import TIMED_SECONDS_KEY
from bench.rundir.results import RunResults
from benchstat.analysis import AnalyzedTable, analyze
from benchstat.gotext import GoBenchFile
from benchstat.names import parse_name
from benchstat.render import format_table
from reports.agreement import BASE, RowAgreement, compare_rows
from reports.environment import environment_section
from reports.go_results import GO_COLUMNS, collect_go_results, go_rows
from reports.markdown import md_table
from reports.memory_table import COPY_COLUMNS, MEMORY_COLUMNS, copy_rows, memory_rows, missing_memory
from reports.phase_table import FLAG, TOLERANCE, cell_phases, largest_differences, overhead_range, phase_rows
from reports.plots import Bar, Series, grouped_bars, palette, stacked_bars
from reports.ratio_table import format_ratio_table, ratio_rows
from reports.published import SOURCE, PublishedTable, load_published, published_markdown
from reports.sweep import SWEEP_PLOT, sweep_section
from reports.tables import resumed_note, run_caveats, run_table
from reports.write_table import write_rows
from reports.writing import ReportError, ReportOutcome, refuse_existing, write_report_text
from stores import STORE_NAMES

MEDIANS_PLOT = "medians.png"
RATIOS_PLOT = "ratios.png"
PHASES_PLOT = "phases.png"


def short_label(cell: str) -> str:
    """A cell name as two or three chart lines.

    >>> short_label("StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0")
    '50 ns, 150000 pods\\nRV=""'
    >>> short_label("StoreCreateList/RV=Exact")
    'create+list\\nRV=Exact'
    """
    name = parse_name(cell)
    parts = name.levels
    rv = parts.get("RV", "?") or '""'
    if name.base == "StoreCreateList":
        return f"create+list\nRV={rv}"
    label = f"{parts.get('Namespaces', '?')} ns, {parts.get('Pods', '?')} pods\nRV={rv}"
    scope, paginate = parts.get("Scope", "Namespace"), parts.get("Paginate", "0")
    # The published cells are Namespace, Paginate=0; other leaves (full preset) say which they are.
    return label if (scope, paginate) == ("Namespace", "0") else f"{label}\n{scope}, limit {paginate}"


def counterparts(run: RunResults, published: PublishedTable) -> dict[str, str]:
    """Published row -> our row standing for it: by the stand-ins the run recorded, else by name."""
    ours = set(run.cell_names())
    mapping = {row: row for row in published.rows if row in ours}
    if run.manifest is not None:
        stand_ins = StoreListFacts.of(run.manifest).published_counterparts
        mapping.update({theirs: mine for mine, theirs in stand_ins.items()
                        if mine in ours and theirs in published.cells})
    return mapping


def _cell_label(cell: str) -> str:
    # Every row is a StoreList cell: the prefix only widens the tables.
    return cell.removeprefix("StoreList/")


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3g}×" if value < 1000 else f"{value:,.0f}×"  # 4,063× rather than 4.06e+03×


def _fmt_verdict(significant: bool | None) -> str:
    return "–" if significant is None else ("differs" if significant else "~")


def _fmt_agree(agrees: bool | None) -> str:
    return "–" if agrees is None else ("yes" if agrees else "**no**")


def agreement_section(rows: Sequence[RowAgreement]) -> str:
    """Winners per row, then ratios and verdicts per cell, then a one-line tally."""
    if not rows:
        return ("No row of this run has a published counterpart (a custom population); "
                "run `--preset published` or `--preset smoke` to compare with the publication.\n")
    renamed = any(row.row != row.our_row for row in rows)
    winners = md_table(
        ["cell (here)", *(["stands for (published)"] if renamed else []), "fastest here", "fastest published", "same"],
        [[_cell_label(row.our_row), *([_cell_label(row.row)] if renamed else []), row.fastest or "–", row.published_fastest or "–",
          _fmt_agree(row.fastest_agrees)] for row in rows])
    cells = [cell for row in rows for cell in row.cells]
    ratios = md_table(
        ["cell (here)", "configuration", f"÷ {BASE} here", f"÷ {BASE} published", "verdict here",
         "verdict published", "verdicts agree"],
        [[_cell_label(row.our_row), cell.store, _fmt_ratio(cell.ratio), _fmt_ratio(cell.published_ratio),
          _fmt_verdict(cell.significant), _fmt_verdict(cell.published_significant),
          _fmt_agree(cell.verdict_agrees)] for row in rows for cell in row.cells])
    fastest = [row.fastest_agrees for row in rows if row.fastest_agrees is not None]
    verdicts = [cell.verdict_agrees for cell in cells if cell.verdict_agrees is not None]
    tally = (f"The fastest configuration agrees in {sum(fastest)} of {len(fastest)} rows; the significance "
             f"verdict against {BASE} (`~` or not, alpha 0.05) agrees in {sum(verdicts)} of {len(verdicts)} cells.\n")
    return (f"{tally}\n### Fastest configuration per row\n\n{winners}\n"
            f"### Ratio to the row's {BASE} cell, and significance\n\n"
            "A ratio is a cell's centre over its row's base centre (our median; the published centre). "
            "\"differs\": benchstat rejects equality with the base at alpha 0.05; \"~\": it does not.\n\n"
            f"{ratios}")


def memory_section(run: RunResults) -> tuple[str, list[str]]:
    """The memory table and a caveat per planned (population, configuration) without a figure."""
    try:
        memory = load_store_memory(run.path)
    except RunDirError as error:
        return f"The memory file is unreadable: {error}\n", [str(error)]
    if not memory:
        # Runs made before memory was measured have no file: nothing is missing from them.
        return "No memory figures were recorded for this run.\n", []
    populations = StoreListFacts.of(run.manifest).populations if run.manifest else []
    missing = missing_memory(memory, populations, run.planned_configurations())
    caveats = [f"{run.label}: no memory figure for {len(missing)} (population, configuration) pairs: "
               f"{', '.join(missing)}"] if missing else []
    table = md_table(MEMORY_COLUMNS, memory_rows(memory))
    return ("Resident memory (RSS) that loading each store added, measured once per population and "
            "configuration in a fresh interpreter (BTrees allocates outside tracemalloc's view): the tree or "
            "map, the registered indexes and each element's key and field sets. The pods themselves belong to the "
            "storage: `pods+storage B/pod` is what building the population and the storage added to the bare "
            "interpreter. Under `--indexers benchmark` every configuration registers both indexes, as upstream's "
            "one cacher serves Indexed=true and false alike (the index only changes the request), so `x` and "
            "`x+index` differ by noise alone; under `registry` the B-tree configurations register the node index "
            "alone, and the difference from a `benchmark` run is what dropping the namespace index saves.\n\n"
            + table, caveats)


def ops_section(run: RunResults) -> str:
    """Objects and pages per LIST per cell and configuration, as counted by the workers."""
    lines = []
    for cell in run.cell_names():
        for store, results in run.configurations.items():
            count = results.ops.get(cell)
            if count is not None:
                lines.append([cell, store, f"{count.objects_per_op:g}", f"{count.pages_per_op:g}", str(count.requests)])
    if not lines:
        return "No objects/op or pages/op were recorded for this run.\n"
    return ("Every timed request's pages and objects were checked against the counts its population implies "
            "(`bench/storelist/expected.py`; create-then-list: one object per operation); a mismatch fails the run, so "
            "every figure here is a checked one.\n\n") + md_table(["cell", "configuration", "objects/op", "pages/op", "requests counted"], lines)


def phase_section(run: RunResults, ours: AnalyzedTable) -> tuple[str, list[tuple[Path, str]]]:
    """The phase table, its stacked-bar plot and the words, or "" when no sample has phases."""
    cells = cell_phases(run)
    if not cells:
        return "", []
    end_to_end = {(row, label): found.summary.center for row, found_cells in ours.cells.items()
                  for label, found in zip(ours.labels, found_cells) if found is not None}
    header, rows, flagged = phase_rows(cells, end_to_end)
    base = BASE if BASE in run.configurations else next(iter(run.configurations))
    phases = header[2:-5]
    colors = dict(zip(phases, palette([*phases, "x", "y", "z"]).values()))
    panels = {short_label(cell.cell).replace("\n", ", "): {store: {phase: value / 1e3 for phase, value in measured.items()}
                                                          for store, measured in cell.stores.items()}
              for cell in cells}
    plot = stacked_bars(run.path / PHASES_PLOT, "Where a LIST's time goes (instrumented pass)", "µs per request",
                        panels, colors)
    # Flagged in the text, not a note on the exit status: a flag says where to look, not
    # that the run is incomplete.
    flags = (f"\n{FLAG} {len(flagged)} (cell, configuration) pairs sum to more than {TOLERANCE:.0%} off their "
             f"end-to-end: {', '.join(flagged)}.\n" if flagged else "")
    text = ("Each StoreList cell's LIST path timed step by step (`stores/list_phases.py`) by the paired workers of "
            "every second round, after their measured blocks and in blocks as those are, never inside them "
            "(`bench/storelist/phase_pass.py`): "
            "so the passes are spread over the run and see its machine and populations. Every phase is the "
            "interval between two reads of the wall clock (the CPU clock's reads, a system call, were a third of "
            "a 44 µs LIST; runs before that used the run's clock), the cost of one read, measured in place where "
            "blocks hold many pages, taken off each phase once per page. The "
            f"instrumented block's time over the uninstrumented one beside it, less one: {overhead_range(cells)}. Per "
            "phase, the median over the samples that ran the pass; `end-to-end` is the uninstrumented blocks each pass "
            "timed beside its instrumented ones, and `sum ÷ end-to-end` the median over samples of each one's phase "
            "sum over its own end-to-end (held against the same process in the same minute: block times jump by "
            f"about 1.5x on this machine), flagged {FLAG} beyond {TOLERANCE:.0%}; `cell median` is the cell's median "
            "over all its samples. µs per request:\n\n" + md_table(header, rows)
            + "\n\nThe phase that accounts for most of each configuration's difference from " + base + ":\n\n"
            + "\n".join(largest_differences(cells, base)) + "\n" + flags)
    return text, [(plot, "Where a LIST's time goes: phases per configuration and cell (µs per request).")]


def copy_section(run: RunResults) -> str:
    """The result copy's cost per item and pod profile, or "" when the run did not measure it."""
    try:
        costs = load_copy_costs(run.path)
    except RunDirError as error:
        return f"The copy-cost file is unreadable: {error}\n"
    if not costs:
        return ""
    return ("Every LIST returns struct copies of the objects it selects (`stores/cacher.py`, as upstream's "
            "`listVal.Index(i).Set(...)`; the storage path likewise, for etcd's decode), so every configuration "
            "pays this per returned item. Measured before the first round in a fresh interpreter per profile "
            "(`bench/storelist/measure_copy.py`: 3000 pods copied 50 times, GC off).\n\n"
            + md_table(COPY_COLUMNS, copy_rows(costs)))


def write_section(run: RunResults) -> str:
    """The write-cost table, or "" when the run has no write cells."""
    header, rows = write_rows(run)
    if not rows:
        return ""
    indexers = StoreListFacts.of(run.manifest).indexers if run.manifest else "benchmark"
    registered = ("the B-tree configurations register the node index alone, the map configurations both "
                  "(the pod registry after #129933)" if indexers == "registry" else
                  "every configuration registers both indexes (upstream's benchmark)")
    return ("What one write costs the watch cache on a cache holding the whole population: the element's "
            "attributes and the store's add, update (a node change) or delete, with every registered index "
            f"maintained (`bench/storelist/write_cost.py`; the storage's own work, the same for all, is not timed). "
            f"Indexer profile `{indexers}`: {registered}. Median per write ± the 95% CI half-width, over worker "
            "processes.\n\n" + md_table(header, rows))


def _plots(run_dir: Path, ours: AnalyzedTable, rows: Sequence[RowAgreement]) -> list[tuple[Path, str]]:
    colors = palette(STORE_NAMES)
    groups = list(ours.rows)
    series = []
    for index, store in enumerate(ours.labels):
        bars: list[Bar | None] = []
        for row in groups:
            cell = ours.cells[row][index]
            if cell is None:
                bars.append(None)
                continue
            summary = cell.summary
            # An unbounded CI (too few samples) gets no whisker on that side.
            lo = summary.lo * 1e6 if summary.lo > 0 else None
            hi = summary.hi * 1e6 if math.isfinite(summary.hi) else None
            bars.append(Bar(summary.center * 1e6, lo, hi))
        series.append(Series(store, bars, color=colors[store]))
    plots = [(grouped_bars(run_dir / MEDIANS_PLOT, "Median µs per LIST, per configuration (this run; whiskers: 95% CI)",
                           "µs per LIST (log)", [short_label(row) for row in groups], series),
              "Median time per LIST of each configuration, per cell, on a log scale; whiskers are "
              "benchstat's 95% confidence interval of the median.")]
    if rows:
        ratio_series = []
        for store in STORE_NAMES[1:]:
            cells = [next(cell for cell in row.cells if cell.store == store) for row in rows]
            ratio_series.append(Series(f"{store} here", [
                Bar(cell.ratio, cell.ratio_lo, cell.ratio_hi) if cell.ratio is not None else None
                for cell in cells], color=colors[store]))
            ratio_series.append(Series(f"{store} published", [
                Bar(cell.published_ratio) if cell.published_ratio is not None else None for cell in cells],
                hatched=True, color=colors[store]))
        plots.append((grouped_bars(run_dir / RATIOS_PLOT, f"Time relative to {BASE} (1 = dashed line): here vs published",
                                   f"÷ {BASE} (log)", [short_label(row.our_row) for row in rows], ratio_series,
                                   reference=1.0),
                      f"Each configuration's centre over its row's {BASE} centre: solid bars this run (whiskers: "
                      f"the cell's 95% CI over the base median), hatched bars the published table."))
    return plots


def measuring_share(run: RunResults) -> float | None:
    """The share of the run's wall time spent inside timed loops (paired samples record it), None if unknown."""
    if run.manifest is None or not run.manifest.finished:
        return None
    timed = sum(float(meta.get(TIMED_SECONDS_KEY, 0.0)) for results in run.configurations.values()
                for cell in run.cell_names() for meta in results.run_metadata(cell))
    started, finished = (datetime.fromisoformat(stamp) for stamp in (run.manifest.started, run.manifest.finished))
    wall = (finished - started).total_seconds()
    return timed / wall if timed and wall > 0 else None


def sample_section(run: RunResults) -> str:
    counts = sorted(set(run.sample_counts().values()))
    settings = run.manifest.settings if run.manifest else {}
    facts = StoreListFacts.of(run.manifest) if run.manifest else None
    where = (f"Samples per cell: {', '.join(f'n={n}' for n in counts) or 'none'}. Worker processes ran in rounds, "
             "the order of configurations rotated each round, so drifting machine noise hits every configuration "
             "alike (`bench/executor.py`). The request of each iteration is built before the clock starts; the "
             "timed loop is the LIST path alone.")
    if facts is not None and facts.design == "paired":
        share = measuring_share(run)
        text = (f"Paired design, {facts.clock} clock (`--clock`). Each sample is one worker process that built the "
                "population and the storage once and a cacher of every configuration over that storage, then timed "
                f"{settings.get('blocks', '?')} rounds of blocks after {settings.get('warmups', '?')} warm-up "
                f"round(s): one block per configuration, each at least {settings.get('block_time', '?')} s of "
                "`loops` requests, the order rotated from round to round (`bench/storelist/paired_worker.py`). "
                "The benchstat table's sec/op of a sample is the mean of its blocks. The ratio table's ratio of a "
                "sample is the median of its per-block ratios to the base block of the same round: adjacent "
                "blocks saw the same machine, so what other processes take and the drift over seconds cancel. "
                "The process stays the sample unit (heap layout, hash seed and code placement are the process's): "
                "the ratio's test is the Wilcoxon signed-rank test of log(ratio) over processes (exact for n <= 50), "
                "its interval the 95% CI that inverts that test (the Walsh averages of log ratios, exact coverage "
                "95.1% at n = 20), and its estimate the matching Hodges-Lehmann estimate (the median of the "
                "pairwise geometric means), so the interval and the test cannot contradict each other. Not "
                "benchstat's CI of the median (the inverted sign test, kept in the benchstat table): on three "
                "20-process runs it was about a quarter wider (widest half-width 6.5% against 4.4%). Not a "
                "bootstrap: over 10-20 processes it has too few distinct resamples for a stable 2.5% quantile. "
                "The cell says `~` when the interval contains 1. "
                + (f"Share of the run's wall time spent inside timed loops: {share:.0%}. " if share else "") + where)
    else:
        text = (f"Unpaired design: each sample is one pyperf run (one worker process, one configuration) summarised "
                f"by the mean of {settings.get('values', '?')} values after {settings.get('warmups', '?')} "
                f"warm-up(s), each value lasting at least {settings.get('min_time', '?')} s; a value is the time of "
                "`loops` consecutive LIST requests divided by `loops` (loops calibrated once per cell and "
                "configuration, then fixed). " + where)
    return text + "\n"


def reproduce_section(run: RunResults) -> str:
    command = run.manifest.command if run.manifest else "(the run has no manifest: command unknown)"
    return (f"```sh\n{command}\nstorelist compare {run.path}\nstorelist report {run.path}\n```\n\n"
            "Or `make bench` (published preset, then compare and report) / `make bench-fast` (smoke preset, --fast).\n")


def _intro(preset: str) -> str:
    if preset == "full":
        return ("Preset `full`: every leaf of BenchmarkStoreList (RV x Scope x Paginate, continue tokens "
                "followed to the last page) on the three published populations, and the create-then-list "
                "cells (StoreCreateList); columns = store configurations. Only the Namespace, Paginate=0 "
                f"cells have published counterparts ({SOURCE}).")
    if preset == "sweep":
        return ("Preset `sweep`: one cluster size spread over several namespace counts, the published cases "
                "(RV \"\" and NotOlderThan, Scope=Namespace, Paginate=0) on each; see the crossover section.")
    return (f"Preset `{preset}`: the watch-cache StoreList table of {SOURCE}, rows = populations x RV, "
            "Scope=Namespace, Paginate=0; columns = store configurations.")


def render_report(run: RunResults, published: PublishedTable, plots: Sequence[tuple[Path, str]],
                  rows: Sequence[RowAgreement], caveats: Sequence[str], memory: str = "",
                  sweep: str = "", go: str = "", phases: str = "") -> str:
    """The report's Markdown (plots already drawn, referenced by file name)."""
    table = run_table(run)
    preset = run.manifest.preset if run.manifest else "unknown"
    status = resumed_note(run) + ("\n".join(f"- {caveat}" for caveat in caveats) if caveats else (
        f"Complete: {len(run.cell_names())} cells x {len(run.configurations)} configurations, every cell sampled."))
    sections = [
        f"# StoreList reproduction: `{run.path}`\n",
        f"{_intro(preset)} The published figures come from Go on "
        "24 hardware threads (throughput: wall time / b.N over concurrent requests); ours are the latency of one "
        "request at a time in Python. Compare shapes and ratios, never absolute µs.\n",
        f"## Status\n\n{status}\n",
        f"## Reproduced table (benchstat)\n\n```\n{format_table(table, 'text').rstrip()}\n```\n",
        f"## Ratios to {BASE} (paired)\n\n```\n{format_ratio_table(run, ratio_rows(run), 'text').rstrip()}\n```\n",
        f"## Side by side\n\n### This run\n\n{format_table(table, 'md')}\n### Published: {SOURCE}\n\n"
        f"{published_markdown(published)}\nThe published p-values are not part of the published table's CSV, so "
        "its \"vs base\" column shows the delta, or `~` where benchstat found no significant difference.\n",
        f"## Cell by cell\n\n{agreement_section(rows)}",
        *([f"## Go on this machine\n\n{go}"] if go else []),
        f"## Objects and pages per LIST\n\n{ops_section(run)}",
        *([f"## Where the time goes\n\n{phases}"] if phases else []),
        f"## Store memory\n\n{memory or 'Not part of this report.'}\n",
        *([f"## Result copy\n\n{copies}\n"] if (copies := copy_section(run)) else []),
        *([f"## Write cost\n\n{writes}\n"] if (writes := write_section(run)) else []),
        *([f"## Crossover sweep\n\n{sweep}"] if sweep else []),
        "## Plots\n\n" + "\n".join(f"![{path.stem}]({path.name})\n\n{caption}\n" for path, caption in plots),
        f"## Environment\n\n{environment_section(run)}",
        f"## Sample design\n\n{sample_section(run)}",
        f"## How to reproduce\n\n{reproduce_section(run)}",
    ]
    return "\n".join(sections)


def go_section(run: RunResults, ours: AnalyzedTable, published: PublishedTable, go_files: Sequence[GoBenchFile]
               ) -> tuple[str, list[str]]:
    """Go results beside ours and the published ones, and a caveat naming the unmatched benchmarks."""
    go = collect_go_results(go_files, run.cell_names())
    base = BASE if BASE in run.configurations else next(iter(run.configurations))
    our_ratio: dict[tuple[str, str], float] = {}
    for row in ratio_rows(run):
        our_ratio.update({(row.cell, store): summary.center for store, summary in row.ratios.items() if summary})
    for cell, cells in ours.cells.items():
        base_cell = cells[ours.labels.index(base)] if base in ours.labels else None
        for label, found in zip(ours.labels, cells):
            if found is not None and base_cell is not None and base_cell.summary.center > 0:
                our_ratio.setdefault((cell, label), found.summary.center / base_cell.summary.center)
    published_ratio = {(mine, store): published.ratio(theirs, store)
                       for theirs, mine in counterparts(run, published).items() for store in published.stores}
    rows = go_rows(go, run.cell_names(), list(run.configurations), base, our_ratio, published_ratio)
    caveats = ([f"--go: {len(go.unmatched)} Go benchmarks match no cell of {run.label}: {', '.join(go.unmatched)}"]
               if go.unmatched else [])
    text = (f"Go benchmark output from {', '.join(f'`{name}`' for name in go.files)} (`--go`), mapped onto this run's "
            "cells: upstream's 2025 names (`Store=…/Indexed=…`) and 2026 names (no `Store=` level: the B-tree) "
            "alike (`reports/go_results.py`). Go sec/op is the median ± its 95% CI half-width over the file's "
            "lines of that benchmark; the ratios are to the base's median (ours: the paired estimate where the "
            "run has one). Go's figure is throughput over concurrent requests, ours one request's latency.\n\n"
            + (md_table(GO_COLUMNS, rows) if rows else "No Go benchmark matched a cell of this run.\n"))
    if go.unmatched:
        text += "\n\nUnmatched Go benchmarks: " + ", ".join(f"`{name}`" for name in go.unmatched) + "\n"
    return text, caveats


def write_report(run: RunResults, force: bool = False, published: PublishedTable | None = None,
                 go_files: Sequence[GoBenchFile] = ()) -> ReportOutcome:
    """Write ``report.md`` and its PNG plots into the run directory; ``go_files``: Go
    benchmark output to set beside ours (``go_section``).

    Refuses (ReportError, nothing written) when any of these files exists, unless
    ``force``. Cost: the statistics of one table plus ~1 s for matplotlib.
    """
    refuse_existing(run.path, (MEDIANS_PLOT, RATIOS_PLOT, SWEEP_PLOT, PHASES_PLOT), force)
    published = published or load_published()
    try:
        ours = analyze(run_table(run))
        rows = compare_rows(ours, published, counterparts(run, published))
    except ValueError as error:  # RunDirError included: the manifest's facts
        raise ReportError(f"{run.path}: {error}") from None
    memory, memory_caveats = memory_section(run)
    go, go_caveats = go_section(run, ours, published, go_files) if go_files else ("", [])
    phases, phase_plots = phase_section(run, ours)
    caveats = tuple(run_caveats(run) + memory_caveats + go_caveats)
    plots = _plots(run.path, ours, rows) + phase_plots
    sweep, sweep_plots = sweep_section(run) if run.manifest and run.manifest.preset == "sweep" else ("", [])
    text = render_report(run, published, plots, rows, caveats, memory, sweep, go, phases)
    plots += sweep_plots
    target = write_report_text(run.path, text)
    return ReportOutcome(target, tuple(path for path, _ in plots), caveats)
