"""The StoreList report's phase costs: where each LIST's time goes, per cell and configuration.

Figures come from ``RUN/meta/phases.json`` (``bench.rundir.phases_file``), the
instrumented pass made before the first round (``stores.list_phases``). Per cell and
configuration the table gives every phase's µs per request, their sum, the cell's
end-to-end median from the timed runs, and the sum as a share of it; a cell whose sum is
more than ``TOLERANCE`` off is flagged. The words name, per configuration other than
the base, the phase whose difference from the base's is the largest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bench.rundir.phases_file import CellPhases

TOLERANCE = 0.10
FLAG = "⚠"


def _used_phases(cells: Sequence[CellPhases]) -> list[str]:
    """The phases non-zero somewhere, in path order."""
    order = list(dict.fromkeys(phase for cell in cells for store in cell.stores.values() for phase in store.phases_ns))
    return [phase for phase in order
            if any(store.phases_ns.get(phase, 0.0) >= 0.005e3 for cell in cells for store in cell.stores.values())]


def phase_rows(cells: Sequence[CellPhases], end_to_end: Mapping[tuple[str, str], float]) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, rows, flagged): per cell and configuration the phases in µs, their sum, the
    end-to-end median (seconds, from the run; "—" if absent) and the sum's share of it;
    ``flagged`` lists "cell configuration" off by more than ``TOLERANCE``."""
    phases = _used_phases(cells)
    header = ["cell", "configuration", *phases, "sum", "end-to-end", "sum ÷ end-to-end"]
    rows, flagged = [], []
    for cell in cells:
        for store, measured in cell.stores.items():
            total = measured.total_ns
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
                         *[f"{measured.phases_ns.get(phase, 0.0) / 1e3:.2f}" for phase in phases],
                         f"{total / 1e3:.2f}", f"{median * 1e6:.2f}" if median else "—", agreement])
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
            differences = {phase: measured.phases_ns.get(phase, 0.0) - reference.phases_ns.get(phase, 0.0)
                           for phase in set(measured.phases_ns) | set(reference.phases_ns)}
            phase, delta = max(differences.items(), key=lambda item: abs(item[1]))
            total = measured.total_ns - reference.total_ns
            share = f", {delta / total:.0%} of its {total / 1e3:+.1f} µs" if abs(total) > 0 else ""
            parts.append(f"{store}: {phase} ({delta / 1e3:+.1f} µs{share})")
        lines.append(f"- {cell.cell.removeprefix('StoreList/')}: " + "; ".join(parts))
    return lines
