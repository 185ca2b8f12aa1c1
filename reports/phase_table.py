"""The StoreList report's phase costs: where each LIST's time goes, per cell and configuration.

Figures come from the samples themselves: the paired workers of every fourth round ran
the instrumented pass after their measured blocks (``bench.storelist.phase_pass``) and
recorded each configuration's phases in the sample's metadata (``storelist_phases_ns``).
Per cell and configuration the table gives every phase's median over those samples in
µs per request, their sum, the cell's end-to-end median from all its samples, and the
sum as a share of it; a pair more than ``TOLERANCE`` off is flagged. The words name, per
configuration other than the base, the phase whose difference from the base's is the
largest.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.rundir.results import RunResults
from stores.list_phases import PHASE_OVERHEAD_KEY, PHASES, PHASES_KEY, decode_phases

TOLERANCE = 0.10
FLAG = "⚠"


@dataclass(frozen=True)
class CellPhases:
    """One cell: per configuration, each phase's median ns per request, and how many samples had them."""

    cell: str
    stores: Mapping[str, Mapping[str, float]]
    samples: Mapping[str, int]
    overheads: Sequence[float] = ()


def cell_phases(run: RunResults) -> list[CellPhases]:
    """The phases recorded in ``run``'s samples, per cell (cells without any left out)."""
    cells = []
    for cell in run.cell_names():
        stores: dict[str, dict[str, float]] = {}
        samples: dict[str, int] = {}
        overheads: list[float] = []
        for store, results in run.configurations.items():
            overheads += [float(meta[PHASE_OVERHEAD_KEY]) for meta in results.run_metadata(cell)
                          if isinstance(meta.get(PHASE_OVERHEAD_KEY), (int, float))]
            recorded = [phases for meta in results.run_metadata(cell)
                        if (phases := decode_phases(meta[PHASES_KEY]) if PHASES_KEY in meta else None)]
            if recorded:
                stores[store] = {phase: statistics.median(p.get(phase, 0.0) for p in recorded) for phase in PHASES}
                samples[store] = len(recorded)
        if stores:
            cells.append(CellPhases(cell, stores, samples, overheads))
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
    end-to-end median (seconds, from the run; "—" if absent) and the sum's share of it;
    ``flagged`` lists "cell configuration" off by more than ``TOLERANCE``."""
    phases = _used_phases(cells)
    header = ["cell", "configuration", *phases, "sum", "end-to-end", "sum ÷ end-to-end", "samples"]
    rows, flagged = [], []
    for cell in cells:
        for store, measured in cell.stores.items():
            total = sum(measured.values())
            median = end_to_end.get((cell.cell, store))
            if median:
                share = total / (median * 1e9)
                mark = f" {FLAG}" if abs(share - 1) > TOLERANCE else ""
                if mark:
                    flagged.append(f"{cell.cell} {store}")
                agreement = f"{share:.0%}{mark}"
            else:
                agreement = "—"
            rows.append([cell.cell.removeprefix("StoreList/"), store,
                         *[f"{measured.get(phase, 0.0) / 1e3:.2f}" for phase in phases],
                         f"{total / 1e3:.2f}", f"{median * 1e6:.2f}" if median else "—", agreement,
                         str(cell.samples[store])])
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
            share = f", {delta / total:.0%} of its {total / 1e3:+.1f} µs" if abs(total) > 0 else ""
            parts.append(f"{store}: {phase} ({delta / 1e3:+.1f} µs{share})")
        lines.append(f"- {cell.cell.removeprefix('StoreList/')}: " + "; ".join(parts))
    return lines
