"""The comparison model: tables of raw values in, every benchstat statistic out.

The model is independent of where numbers come from: a :class:`BenchTable`
holds one unit and a list of :class:`Column` s (a file, a store
configuration, ...), each mapping a row name to its raw values. The first
column is the baseline every other column is compared against.

:func:`analyze` turns it into an :class:`AnalyzedTable`: per row and column
the median with its confidence interval and, outside the baseline, the
Mann-Whitney comparison with the baseline; and, for two or more rows, the
geomean row (each column's geometric mean of medians and the geometric mean
of its per-row ratios to the baseline). Rendering it is :mod:`benchstat.render`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchstat.stats import Comparison, Summary, compare, geomean, summarize


@dataclass(frozen=True)
class Column:
    """One compared configuration: its label and, per row name, the raw values.

    A row with no values counts as missing from this column.
    """

    label: str
    rows: Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class BenchTable:
    """Values of one unit (e.g. ``sec/op``) for a set of rows across columns.

    ``config`` lines (``("goos", "linux")``) are printed above the table.
    Rows appear in ``row_order`` if given; rows it does not list follow in
    order of first appearance, going through the columns in order.
    """

    unit: str
    columns: Sequence[Column]
    config: Sequence[tuple[str, str]] = ()
    row_order: Sequence[str] | None = None

    def rows(self) -> list[str]:
        """Row names in display order; only rows with values in some column.

        Cost: O(total number of row entries).
        """
        present = {name for column in self.columns for name, vs in column.rows.items() if vs}
        by_column = (name for column in self.columns for name in column.rows)
        ordered = dict.fromkeys([*(self.row_order or ()), *by_column])
        return [name for name in ordered if name in present]


@dataclass(frozen=True)
class Cell:
    """The statistics of one row in one column; ``comparison`` is against the
    baseline column, ``None`` in the baseline or when the baseline lacks the row."""

    summary: Summary
    comparison: Comparison | None


@dataclass(frozen=True)
class GeomeanCell:
    """The geomean row entry of one column.

    ``value`` is the geomean of the column's medians (``None`` if some median
    is <= 0); ``ratio`` the geomean of new/old median ratios over the rows the
    column shares with the baseline (``None`` for the baseline or when a ratio
    cannot be formed).
    """

    value: float | None
    ratio: float | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class AnalyzedTable:
    """A :class:`BenchTable` with every statistic computed, ready to render.

    ``cells[row][i]`` is the cell of column ``i`` (``None`` if missing);
    ``geomeans`` is ``None`` when the table has a single row.
    """

    unit: str
    labels: tuple[str, ...]
    rows: tuple[str, ...]
    cells: Mapping[str, tuple[Cell | None, ...]]
    geomeans: tuple[GeomeanCell, ...] | None


def analyze(table: BenchTable, alpha: float = 0.05, confidence: float = 0.95) -> AnalyzedTable:
    """Compute summaries, comparisons with the first column, and the geomean row.

    Cost: O(R * C * n log n) for R rows, C columns and n values per cell, plus
    one Mann-Whitney test per compared cell (milliseconds each at most).
    """
    if not table.columns:
        raise ValueError(f"table of {table.unit!r} has no columns")
    _check_level("alpha", alpha)
    _check_level("confidence", confidence)
    rows = table.rows()
    cells = {row: _row_cells(table.columns, row, alpha, confidence) for row in rows}
    geomeans = _geomean_row(cells, len(table.columns)) if len(rows) > 1 else None
    labels = tuple(column.label for column in table.columns)
    return AnalyzedTable(table.unit, labels, tuple(rows), cells, geomeans)


def _check_level(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value}")


def _row_cells(
    columns: Sequence[Column], row: str, alpha: float, confidence: float
) -> tuple[Cell | None, ...]:
    samples = [list(column.rows.get(row, ())) for column in columns]
    base = samples[0]
    cells: list[Cell | None] = []
    for i, values in enumerate(samples):
        if not values:
            cells.append(None)
            continue
        comparison = compare(base, values, alpha) if i > 0 and base else None
        cells.append(Cell(summarize(values, confidence), comparison))
    return tuple(cells)


def _geomean_row(
    cells: Mapping[str, tuple[Cell | None, ...]], n_columns: int
) -> tuple[GeomeanCell, ...]:
    base_count = sum(1 for row_cells in cells.values() if row_cells[0] is not None)
    return tuple(_geomean_cell(cells, i, base_count) for i in range(n_columns))


def _geomean_cell(
    cells: Mapping[str, tuple[Cell | None, ...]], column: int, base_count: int
) -> GeomeanCell:
    centers: list[float] = []
    ratios: list[float] = []
    ratio_ok = True
    for row_cells in cells.values():
        cell, base = row_cells[column], row_cells[0]
        if cell is None:
            continue
        centers.append(cell.summary.center)
        if column == 0 or base is None:
            continue
        new, old = cell.summary.center, base.summary.center
        if new == old:
            ratios.append(1.0)  # also makes 0/0 a ratio of 1
        elif old == 0:
            ratio_ok = False
            ratios.append(0.0)  # keeps the paired-row count right
        else:
            ratios.append(new / old)
    warnings: list[str] = []
    # Comparing geomeans over different benchmark sets is misleading; the
    # delta is the geomean of per-row ratios, but warn anyway.
    if column > 0 and len(ratios) != base_count:
        warnings.append("benchmark set differs from baseline; geomeans may not be comparable")
    value = _positive_geomean(centers)
    if value is None:
        warnings.append("summaries must be >0 to compute geomean")
    ratio: float | None = None
    if column > 0 and ratio_ok:
        ratio = _positive_geomean(ratios)
        if ratio is None:
            warnings.append("ratios must be >0 to compute geomean")
    return GeomeanCell(value, ratio, tuple(warnings))


def _positive_geomean(values: Sequence[float]) -> float | None:
    try:
        return geomean(values)
    except ValueError:
        return None
