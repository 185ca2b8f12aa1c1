"""The ratio table across runs: do several paired runs of the same cells agree?

``storelist compare RUN1 RUN2 ...`` of paired runs sets each run's ratio estimate and
95% interval side by side, per cell and configuration, and says how they agree
(``benchstat.paired.runs_agreement``): how many of the runs' estimates lie inside the
other runs' intervals, and the Kruskal-Wallis test of their per-process ratios. A
closing line totals both against what chance alone gives, because neither figure
means much for one cell: another run's estimate falls outside a 95% interval about
one time in six even when the runs measure the same thing, and one cell in twenty
passes p < 0.05 by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.rundir.results import RunResults
from benchstat.paired import RatioSummary, RunsAgreement, format_ratio_estimate, runs_agreement, summarize_ratios
from reports.markdown import text_or_md_table
from reports.ratio_table import has_ratios, process_ratios
from reports.run_kind import run_clock, run_storage, storelist_facts

# What chance alone gives when the runs measure the same ratio: an estimate inside
# another run's equally wide 95% interval with probability P(|Z| < 1.96 / sqrt(2)) =
# 0.834 (intervals of runs with as many processes; bounded, so at least 6 of them).
CHANCE_INSIDE = 0.83
ALPHA = 0.05


@dataclass(frozen=True)
class AcrossRow:
    """One cell and configuration in every run that has its ratios."""

    cell: str
    configuration: str
    summaries: list[RatioSummary | None]  # per run, None where it has none
    agreement: RunsAgreement


def _kind(run: RunResults) -> tuple[str, str | None, str, str, str]:
    """What makes two runs' ratios the same quantity: base, storage, clock, pods, indexers."""
    facts = storelist_facts(run)
    return (next(iter(run.configurations), ""), run_storage(run), run_clock(run),
            facts.pods if facts else "", facts.indexers if facts else "")


def _describe(kind: tuple[str, str | None, str, str, str]) -> str:
    base, storage, clock, pods, indexers = kind
    profiles = f", {pods} pods, {indexers} indexers" if pods else ""
    return f"base {base}, {storage or 'no'} storage, {clock} clock{profiles}"


def runs_alike(runs: Sequence[RunResults]) -> tuple[list[RunResults], list[tuple[RunResults, str]]]:
    """Of the runs with paired ratios, those whose ratios can stand beside the first's (the
    same base, storage, clock and profiles: a ratio to another base, or over another
    storage, is another quantity), and the others with the reason. Runs without ratios
    (unpaired) are in neither.

    Cost: O(runs), reading each run's clock, storage and ratios.
    """
    paired = [run for run in runs if has_ratios(run)]
    if not paired:
        return [], []
    first = _kind(paired[0])
    alike, apart = [], []
    for run in paired:
        kind = _kind(run)
        if kind == first:
            alike.append(run)
        else:
            apart.append((run, f"{_describe(kind)}, against {_describe(first)}"))
    return alike, apart


def across_runs_rows(runs: Sequence[RunResults]) -> list[AcrossRow]:
    """Every cell and non-base configuration with paired ratios in at least two of ``runs``
    (all of one base: ``runs_alike``).

    Cost: per row one ``summarize_ratios`` per run and one Kruskal-Wallis test (~1 ms
    each at 20 processes)."""
    cells = list(dict.fromkeys(cell for run in runs for cell in run.cell_names()))
    configurations = list(dict.fromkeys(name for run in runs for name in list(run.configurations)[1:]))
    rows = []
    for cell in cells:
        for name in configurations:
            recorded = [process_ratios(run, name, cell) for run in runs]
            present = [ratios for ratios in recorded if ratios]
            if len(present) < 2:
                continue
            rows.append(AcrossRow(cell, name, [summarize_ratios(ratios) if ratios else None for ratios in recorded],
                                  runs_agreement(present)))
    return rows


def _estimate(summary: RatioSummary | None) -> str:
    return "–" if summary is None else format_ratio_estimate(summary)


def agreement_totals(rows: Sequence[AcrossRow]) -> str:
    """One sentence: the literal check and the test, totalled over ``rows``, beside chance. Cost: O(rows)."""
    inside = sum(row.agreement.inside for row in rows)
    checks = sum(row.agreement.checks for row in rows)
    differ = sum(row.agreement.p_value < ALPHA for row in rows)
    share = f"{inside / checks:.0%}" if checks else "no bounded interval"
    return (f"estimates inside the other runs' 95% intervals: {inside} of {checks} ({share}; runs that measure "
            f"the same ratio give about {CHANCE_INSIDE:.0%}); runs differ (Kruskal-Wallis p < {ALPHA}) for "
            f"{differ} of {len(rows)} cell-configurations (chance alone: about {ALPHA * len(rows):.1f})")


def format_across_runs(runs: Sequence[RunResults], rows: Sequence[AcrossRow], fmt: str) -> str:
    """``rows`` as text (tabulate's plain layout) or markdown, with the totals; "" when
    there are none. Cost: O(rows x runs)."""
    if not rows:
        return ""
    header = ["ratio to the base across runs", "configuration", *(run.label for run in runs),
              "inside others' CIs", "runs differ p"]
    table = [[row.cell, row.configuration, *map(_estimate, row.summaries),
              f"{row.agreement.inside}/{row.agreement.checks}", f"{row.agreement.p_value:.3f}"] for row in rows]
    totals = agreement_totals(rows)
    closing = f"\n{totals[0].upper()}{totals[1:]}.\n" if fmt == "md" else f"{totals}\n"
    return text_or_md_table(header, table, fmt) + closing
