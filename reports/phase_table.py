"""The StoreList report's phase costs: where each LIST's time goes, per cell and configuration.

Figures come from the samples themselves: the paired workers of every second round ran
the instrumented pass after their measured blocks (``bench.storelist.phase_pass``) and
recorded each configuration's phases in the sample's metadata (``storelist_phases_ns``).
Per cell and configuration the table gives every phase's median over those samples in
µs per request, their sum, the end-to-end time they are held against, and the sum as a
share of it; a pair more than ``TOLERANCE`` off is flagged. The end-to-end is the LIST's
time in the uninstrumented blocks the pass timed beside its instrumented ones, and the
share the median over samples of each sample's sum over its own end-to-end: block times
jump between levels about 1.5x apart on this machine, and process means differ by up to
2x, so phases from a few blocks of a few processes, held against the median of all
samples, were 49-162% of it at random (a smoke run, 4 processes). The cell's median over
all its samples is shown beside them. Runs recorded before the pass timed blocks beside
itself have no such end-to-end: their share is against the cell's median. The words name, per
configuration other than the base, the phase whose difference from the base's is the
largest.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench.rundir.results import RunResults
from stores.list_phases import PHASE_BESIDE_KEY, PHASE_OVERHEAD_KEY, PHASES, PHASES_KEY, decode_phases

TOLERANCE = 0.10
FLAG = "⚠"


@dataclass(frozen=True)
class CellPhases:
    """One cell: per configuration, each phase's median ns per request and how many samples
    had them; where the samples timed uninstrumented blocks beside the pass, the median
    of those blocks' ns per request (``beside``) and of each sample's phase sum over its
    own (``shares``)."""

    cell: str
    stores: Mapping[str, Mapping[str, float]]
    samples: Mapping[str, int]
    overheads: Sequence[float] = ()
    beside: Mapping[str, float] = field(default_factory=dict)
    shares: Mapping[str, float] = field(default_factory=dict)


def cell_phases(run: RunResults) -> list[CellPhases]:
    """The phases recorded in ``run``'s samples, per cell (cells without any left out)."""
    cells = []
    for cell in run.cell_names():
        stores: dict[str, dict[str, float]] = {}
        samples: dict[str, int] = {}
        overheads: list[float] = []
        beside: dict[str, float] = {}
        shares: dict[str, float] = {}
        for store, results in run.configurations.items():
            overheads += [float(meta[PHASE_OVERHEAD_KEY]) for meta in results.run_metadata(cell)
                          if isinstance(meta.get(PHASE_OVERHEAD_KEY), (int, float))]
            recorded = [(phases, meta.get(PHASE_BESIDE_KEY)) for meta in results.run_metadata(cell)
                        if (phases := decode_phases(meta[PHASES_KEY]) if PHASES_KEY in meta else None)]
            if not recorded:
                continue
            stores[store] = {phase: statistics.median(p.get(phase, 0.0) for p, _ in recorded) for phase in PHASES}
            samples[store] = len(recorded)
            paired = [(sum(p.values()), float(ns)) for p, ns in recorded if isinstance(ns, (int, float)) and ns > 0]
            if len(paired) == len(recorded):
                beside[store] = statistics.median(ns for _, ns in paired)
                shares[store] = statistics.median(total / ns for total, ns in paired)
        if stores:
            cells.append(CellPhases(cell, stores, samples, overheads, beside, shares))
    return cells


def overhead_range(cells: Sequence[CellPhases]) -> str:
    """"-3% to +12%": the instrumentation's overhead over every pass, or a sentence if none was recorded."""
    values = [value for cell in cells for value in cell.overheads]
    if not values:
        return "not recorded in this run"
    return f"{min(values):+.0%} to {max(values):+.0%} (median {statistics.median(values):+.0%})"


def _used_phases(cells: Sequence[CellPhases]) -> list[str]:
    """The phases of at least 5 ns somewhere, in path order."""
    return [phase for phase in PHASES
            if any(phases.get(phase, 0.0) >= 5 for cell in cells for phases in cell.stores.values())]


def phase_rows(cells: Sequence[CellPhases], end_to_end: Mapping[tuple[str, str], float]
               ) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, rows, flagged): per cell and configuration the phases in µs, their sum, the
    end-to-end they are held against (the uninstrumented blocks beside the pass, or for
    an older run the cell's median), the sum's share of it, and the cell's median over all
    samples (``end_to_end``, seconds; "—" if absent); ``flagged`` lists "cell
    configuration" off by more than ``TOLERANCE``."""
    phases = _used_phases(cells)
    header = ["cell", "configuration", *phases, "sum", "end-to-end", "sum ÷ end-to-end", "cell median", "samples"]
    rows, flagged = [], []
    for cell in cells:
        for store, measured in cell.stores.items():
            total = sum(measured.values())
            median = end_to_end.get((cell.cell, store))
            against_ns = cell.beside.get(store) or (median * 1e9 if median else None)
            share = cell.shares.get(store) or (total / against_ns if against_ns else None)
            if share is not None:
                mark = f" {FLAG}" if abs(share - 1) > TOLERANCE else ""
                if mark:
                    flagged.append(f"{cell.cell} {store}")
                agreement = f"{share:.0%}{mark}"
            else:
                agreement = "—"
            rows.append([cell.cell.removeprefix("StoreList/"), store,
                         *[f"{measured.get(phase, 0.0) / 1e3:.2f}" for phase in phases],
                         f"{total / 1e3:.2f}", f"{against_ns / 1e3:.2f}" if against_ns else "—", agreement,
                         f"{median * 1e6:.2f}" if median else "—", str(cell.samples[store])])
    return header, rows, flagged


def largest_differences(cells: Sequence[CellPhases], base: str) -> list[str]:
    """Per cell and configuration other than ``base``: the phase that accounts for most of its
    difference from the base, in words."""
    lines = []
    for cell in cells:
        reference = cell.stores.get(base)
        if reference is None:
            continue
        parts = []
        for store, measured in cell.stores.items():
            if store == base:
                continue
            differences = {phase: measured.get(phase, 0.0) - reference.get(phase, 0.0) for phase in PHASES}
            phase, delta = max(differences.items(), key=lambda item: abs(item[1]))
            total = sum(measured.values()) - sum(reference.values())
            # A share of a difference near zero says nothing (another phase offsets it).
            share = (f", {delta / total:.0%} of its {total / 1e3:+.1f} µs"
                     if abs(total) > 0.05 * sum(reference.values()) else f"; in all {total / 1e3:+.1f} µs")
            parts.append(f"{store}: {phase} ({delta / 1e3:+.1f} µs{share})")
        lines.append(f"- {cell.cell.removeprefix('StoreList/')}: " + "; ".join(parts))
    return lines
