"""Cell by cell: does this run reproduce the published table's shape?

Absolute times cannot match (Python vs Go, one request at a time vs 24 threads), so
a row is compared by what survives a change of machine and language: which
configuration is fastest, each cell's ratio to the row's ``btree+index`` cell, and
whether benchstat calls the difference from ``btree+index`` significant (``~`` or
not). Our statistics come from ``benchstat.analysis.analyze``; nothing is recomputed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from benchstat.analysis import AnalyzedTable
from reports.published import PublishedTable
from stores import STORE_NAMES

BASE = STORE_NAMES[0]  # btree+index: the published base column


@dataclass(frozen=True)
class CellAgreement:
    """One non-base cell of a row, here and published.

    ``ratio``/``ratio_lo``/``ratio_hi``: our median and its CI bounds over our base
    median (the base's own uncertainty is left out); ``significant``: benchstat's
    verdict against the base. ``None`` where this run or the publication lacks the cell.
    """

    row: str
    store: str
    ratio: float | None
    ratio_lo: float | None
    ratio_hi: float | None
    published_ratio: float | None
    significant: bool | None
    published_significant: bool | None

    @property
    def verdict_agrees(self) -> bool | None:
        if self.significant is None or self.published_significant is None:
            return None
        return self.significant == self.published_significant


@dataclass(frozen=True)
class RowAgreement:
    """A published row (``row``), the row of ours that stands for it (``our_row``, the
    same name unless the run is scaled down), the fastest configuration here and
    published, and the non-base cells."""

    row: str
    our_row: str
    fastest: str | None
    published_fastest: str | None
    cells: tuple[CellAgreement, ...]

    @property
    def fastest_agrees(self) -> bool | None:
        if self.fastest is None or self.published_fastest is None:
            return None
        return self.fastest == self.published_fastest


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def compare_rows(ours: AnalyzedTable, published: PublishedTable,
                 our_rows: Mapping[str, str] | None = None) -> list[RowAgreement]:
    """One RowAgreement per published row that ``our_rows`` (published row -> our row;
    default: the same name) maps to a row of ours, in published order.

    Our ratios and verdicts need ``btree+index`` as our first column; without it
    they are None (the fastest configuration is still compared).
    """
    our_base_ok = bool(ours.labels) and ours.labels[0] == BASE
    rows = []
    for row in published.rows:
        our_row = our_rows.get(row, row) if our_rows is not None else row
        if our_row not in ours.cells:
            continue
        our_cells = dict(zip(ours.labels, ours.cells[our_row]))
        centers = {store: cell.summary.center for store, cell in our_cells.items() if cell is not None}
        base = our_cells.get(BASE) if our_base_ok else None
        published_cells = published.cells[row]
        cells = []
        for store in STORE_NAMES[1:]:
            cell = our_cells.get(store)
            ratio = lo = hi = None
            significant = None
            if cell is not None and base is not None and base.summary.center > 0:
                scale = base.summary.center
                ratio = cell.summary.center / scale
                lo, hi = _finite(cell.summary.lo / scale), _finite(cell.summary.hi / scale)
                significant = cell.comparison.significant if cell.comparison is not None else None
            published_cell = published_cells.get(store)
            has_published = published_cell is not None and BASE in published_cells
            cells.append(CellAgreement(
                row, store, ratio, lo, hi,
                published.ratio(row, store) if has_published else None,
                significant,
                published_cell.significant if published_cell is not None else None))
        published_centers = {store: cell.center for store, cell in published_cells.items()}
        rows.append(RowAgreement(
            row, our_row,
            min(centers, key=centers.__getitem__) if centers else None,
            min(published_centers, key=published_centers.__getitem__) if published_centers else None,
            tuple(cells)))
    return rows
