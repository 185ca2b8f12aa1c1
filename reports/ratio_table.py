"""The ratio table: per cell and configuration, the ratio to the base from the paired design.

In a paired run every worker process timed all configurations of a cell in
interleaved blocks and recorded, per configuration, its ratio to the base (the
median of its per-block ratios, ``bench.rundir.metadata_keys.RATIO_KEY`` in the run's metadata). This
table summarises those per-process ratios with ``benchstat.paired`` (the sample unit
stays the process): the Hodges-Lehmann estimate, the 95% confidence interval that
inverts the Wilcoxon signed-rank test, and that test; ``~`` where the interval
contains 1.
It sits beside benchstat's table, which stays as it is (each configuration's sec/op,
Mann-Whitney U), because that is what users hold against Go's output.

Cost: one Wilcoxon test per cell and configuration (~1 ms; up to ~0.2 s at n = 10
with ties, which scipy then enumerates exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.rundir.metadata_keys import RATIO_KEY
from bench.rundir.results import RunResults
from benchstat.paired import RatioSummary, format_ratio_cell, summarize_ratios
from reports.markdown import text_or_md_table
from reports.run_kind import run_clock, storelist_facts


@dataclass(frozen=True)
class RatioRow:
    """One cell: per non-base configuration, the summary of its per-process ratios (None: none recorded)."""

    cell: str
    ratios: dict[str, RatioSummary | None]


def process_ratios(run: RunResults, configuration: str, cell: str) -> list[float]:
    """The per-process ratios to the base that ``configuration``'s samples of ``cell``
    recorded. Cost: one read of the cell's samples' metadata."""
    if configuration not in run.configurations:
        return []
    return [float(meta[RATIO_KEY]) for meta in run.configurations[configuration].run_metadata(cell)
            if isinstance(meta.get(RATIO_KEY), (int, float))]


def has_ratios(run: RunResults) -> bool:
    """Whether any sample of the run recorded a paired ratio (a paired run): without the
    statistics ``ratio_rows`` computes. Cost: reads samples' metadata until one has."""
    base, *others = run.configurations
    return any(process_ratios(run, name, cell) for cell in run.cell_names() for name in others)


def ratio_rows(run: RunResults) -> list[RatioRow]:
    """Every cell with paired ratios, in the run's cell order."""
    base, *others = run.configurations
    rows = []
    for cell in run.cell_names():
        summaries: dict[str, RatioSummary | None] = {}
        for name in others:
            recorded = process_ratios(run, name, cell)
            summaries[name] = summarize_ratios(recorded) if recorded else None
        if any(summary is not None for summary in summaries.values()):
            rows.append(RatioRow(cell, summaries))
    return rows


def clock_of(run: RunResults) -> str:
    """"paired design, cpu clock" as the run recorded it, else what its samples say."""
    facts = storelist_facts(run)
    return f"{facts.design} design, {run_clock(run)} clock" if facts else f"{run_clock(run)} clock"


def format_ratio_table(run: RunResults, rows: list[RatioRow], fmt: str) -> str:
    """``rows`` (``ratio_rows(run)``) as text (tabulate's plain layout) or markdown; a sentence when there are none."""
    base, *others = run.configurations
    if not rows:
        return (f"No paired ratios in {run.label} (an unpaired run, or one whose cells have one configuration): "
                "run it with --design paired for the ratio table.\n")
    header = [f"ratio to {base} ({clock_of(run)})", *others]
    table = [[row.cell, *("–" if row.ratios[name] is None else format_ratio_cell(row.ratios[name])
                          for name in others)] for row in rows]
    return text_or_md_table(header, table, fmt)
