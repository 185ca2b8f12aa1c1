"""What a real etcd adds: the same cells timed over the embedded storage and over etcd.

``storelist compare EMBEDDED ETCD`` (runs of the same cells, one with ``--storage
etcd``) sets, per cell and configuration, the two runs' sec/op side by side and the
time etcd adds per request: the Hodges-Lehmann shift ``etcd - embedded`` of the
per-process samples with the 95% interval that inverts the Mann-Whitney U test
(``benchstat.shift``), and the ratio of the medians. That difference is what the
embedded model leaves out: the round trip of an ``RV=`` request's revision fetch, and
the real range behind an Exact or continued LIST (v1.32 delegates both to etcd).

The two runs are separate processes timed minutes apart, so the difference also holds
whatever the machine did between them; it is meant for effects of the size etcd has
(tens of µs to seconds), not for the few percent the paired design resolves. Both runs
must use the same clock: a CPU clock does not see etcd's own work in another process,
so an embedded run meant for this table is run with ``--clock wall`` (the default over
etcd); a table of two clocks is still shown, with a caveat.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.rundir.results import RunResults
from benchstat.names import parse_name
from benchstat.shift import ShiftSummary, shift_depth, summarize_shift
from benchstat.stats import AllSamplesEqualError
from benchstat.units import format_scaled
from reports.markdown import text_or_md_table
from reports.run_kind import EMBEDDED, ETCD, STORELIST, run_clock, run_storage

HEADER = ("cell", "configuration", "embedded sec/op", "etcd sec/op", "etcd - embedded [95% CI]", "etcd ÷ embedded")


@dataclass(frozen=True)
class StorageRow:
    """One cell and configuration in both runs: the medians and, where both have enough
    samples, the shift ``etcd - embedded`` (None: too few for an interval)."""

    cell: str
    configuration: str
    embedded: float
    etcd: float
    shift: ShiftSummary | None


def storage_pair(runs: Sequence[RunResults]) -> tuple[RunResults, RunResults] | None:
    """The first embedded run and the first etcd run among ``runs``, or None if either is
    missing (further runs of either storage are in the per-configuration tables).

    Cost: reads one StoreList sample's metadata per run until both are found."""
    embedded = next((run for run in runs if run_storage(run) == EMBEDDED), None)
    etcd = next((run for run in runs if run_storage(run) == ETCD), None)
    return (embedded, etcd) if embedded is not None and etcd is not None else None


def storage_rows(embedded: RunResults, etcd: RunResults) -> list[StorageRow]:
    """Every StoreList cell and configuration both runs sampled, in the etcd run's order.

    Cost: per row one sort of the m x n differences of the two runs' samples
    (``summarize_shift``), 400 at 20 processes a side."""
    rows = []
    for cell in etcd.cell_names():
        if parse_name(cell).base != STORELIST:
            continue  # create-then-list and write cells have their own sections
        for configuration, results in etcd.configurations.items():
            theirs = results.samples.get(cell, [])
            ours = embedded.configurations[configuration].samples.get(cell, []) \
                if configuration in embedded.configurations else []
            if not ours or not theirs:
                continue
            try:
                shift = summarize_shift(ours, theirs) if shift_depth(len(ours), len(theirs)) else None
            except AllSamplesEqualError:  # every sample of both the same value: no shift at all
                shift = ShiftSummary(0.0, 0.0, 0.0, 1.0, len(ours), len(theirs), 0.95)
            rows.append(StorageRow(cell, configuration, statistics.median(ours), statistics.median(theirs), shift))
    return rows


def storage_caveats(embedded: RunResults, etcd: RunResults, rows: Sequence[StorageRow]) -> list[str]:
    """A clock mismatch, which makes the difference partly the clocks', and the
    configurations that only one of the runs sampled (left out of the table). Cost: O(rows)."""
    caveats = []
    ours, theirs = run_clock(embedded), run_clock(etcd)
    if ours != theirs:
        caveats.append(f"{embedded.label} was timed on the {ours} clock and {etcd.label} on the {theirs} clock: "
                       f"what etcd adds is then partly the clocks' difference (run the embedded one with "
                       f"--clock {theirs})")
    if rows:
        shown = {row.configuration for row in rows}
        missing = [name for name in dict.fromkeys([*etcd.configurations, *embedded.configurations])
                   if name not in shown]
        if missing:
            caveats.append(f"what etcd adds: {', '.join(missing)} sampled in only one of {embedded.label} and "
                           f"{etcd.label}; left out")
    return caveats


def _seconds(value: float, signed: bool = False) -> str:
    sign = "-" if value < 0 else "+" if signed and value > 0 else ""
    return f"{sign}{format_scaled(abs(value), 'sec/op')}s"


def _shift_cell(shift: ShiftSummary | None) -> str:
    if shift is None:
        return "too few samples for an interval"
    return (f"{_seconds(shift.estimate, signed=True)} [{_seconds(shift.low)}, {_seconds(shift.high)}] "
            f"(p={shift.p_value:.3f} n={shift.n_old}+{shift.n_new})")


def format_storage_table(embedded: RunResults, etcd: RunResults, rows: Sequence[StorageRow], fmt: str) -> str:
    """``rows`` as text (tabulate's plain layout) or markdown; a sentence when the runs
    share no cell. Cost: O(rows)."""
    if not rows:
        return f"{embedded.label} and {etcd.label} have no StoreList cell and configuration in common.\n"
    title = f"what etcd adds: {etcd.label} (etcd) against {embedded.label} (embedded)"
    table = [[row.cell, row.configuration, _seconds(row.embedded), _seconds(row.etcd), _shift_cell(row.shift),
              f"{row.etcd / row.embedded:.3g}" if row.embedded > 0 else "–"] for row in rows]
    separator = "\n\n" if fmt == "md" else "\n"  # markdown needs a blank line before a table
    return title + separator + text_or_md_table(HEADER, table, fmt)
