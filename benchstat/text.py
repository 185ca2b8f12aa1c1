"""benchstat's text layout: aligned column groups under ``│`` separated headers.

::

                          │   old.txt   │               new.txt               │
                          │   sec/op    │   sec/op     vs base                │
    Encode/format=json-48   1.718µ ± 1%   1.423µ ± 1%  -17.20% (p=0.000 n=10)
    Encode/format=gob-48    3.066µ ± 0%   3.070µ ± 2%        ~ (p=0.446 n=10)
    geomean                 2.295µ        2.090µ        -8.94%

Each column group has a centre, a CI and a footnote column; comparison groups
add delta, ``(p=... n=...)`` and footnote columns. Widths follow benchstat's
rules, so the output matches it character for character.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchstat.analysis import AnalyzedTable
from benchstat.cells import Footnotes, format_delta, format_range, format_ratio, format_test, row_scaler
from benchstat.units import format_scaled

# Each column group of the layout: centre, CI, footnotes; comparison columns
# add delta, "(p=... n=...)", footnotes.
_CENTER_COLS = 3
_DELTA_COLS = 3


@dataclass(frozen=True)
class _GridCell:
    row: int
    col: int
    span: int
    value: str
    margin: str
    align: str  # "left", "center" or "right"


class _TextGrid:
    """Column layout of benchstat's text tables.

    Cells sit on a grid of logical columns and may span several. Each column
    is as wide as its widest single-column cell plus the widest left margin
    placed on it; spanning cells that do not fit widen the non-"shrink"
    columns they cover, evenly, widest first. Empty cells print nothing, so
    lines carry no trailing blanks.
    """

    def __init__(self) -> None:
        self._cells: list[_GridCell] = []
        self._shrink: set[int] = set()
        self._row = -1

    def new_row(self) -> None:
        self._row += 1

    def put(
        self, col: int, value: str, *, span: int = 1, margin: str | None = None, align: str = "left"
    ) -> None:
        if margin is None:
            # Cells get one blank of separation, except in the first column
            # and when empty.
            margin = "" if col == 0 or not value else " "
        self._cells.append(_GridCell(self._row, col, span, value, margin, align))

    def set_shrink(self, col: int) -> None:
        self._shrink.add(col)

    def render(self) -> list[str]:
        n_cols = max((c.col + c.span for c in self._cells), default=0)
        margins = [0] * n_cols
        for cell in self._cells:
            margins[cell.col] = max(margins[cell.col], len(cell.margin))
        widths = self._widths(n_cols, margins)
        offsets = [0]
        for width in widths:
            offsets.append(offsets[-1] + width)
        lines: list[str] = []
        for cell in sorted(self._cells, key=lambda c: (c.row, c.col)):
            while len(lines) <= cell.row:
                lines.append("")
            if not cell.value.strip() and not cell.margin.strip():
                continue
            width = offsets[cell.col + cell.span] - offsets[cell.col] - margins[cell.col]
            # A cell that overflowed its columns pushes the next one right by
            # as much again (benchstat pads with |gap| blanks).
            gap = abs(offsets[cell.col] - len(lines[cell.row]))
            margin = cell.margin.rjust(margins[cell.col])
            lines[cell.row] += " " * gap + margin + _align(cell, width)
        return lines

    def _widths(self, n_cols: int, margins: list[int]) -> list[int]:
        widths = [0] * n_cols
        for cell in sorted(self._cells, key=lambda c: c.span):
            needed = len(cell.value) + margins[cell.col]
            covered = range(cell.col, cell.col + cell.span)
            if cell.span == 1:
                widths[cell.col] = max(widths[cell.col], needed)
            elif sum(widths[c] for c in covered) < needed:
                self._widen(widths, covered, needed)
        return widths

    def _widen(self, widths: list[int], covered: range, needed: int) -> None:
        growable = [c for c in covered if c not in self._shrink]
        needed -= sum(widths[c] for c in covered if c in self._shrink)
        # Columns already wider than the average keep their width and leave
        # the rest to the narrower ones.
        growable.sort(key=lambda c: widths[c], reverse=True)
        remaining = len(growable)
        for col in growable:
            average = -(-needed // remaining)
            widths[col] = max(widths[col], average)
            needed -= widths[col]
            remaining -= 1


def _align(cell: _GridCell, width: int) -> str:
    if cell.align == "right":
        return cell.value.rjust(width)
    if cell.align == "center":
        return " " * abs(int((width - len(cell.value)) / 2)) + cell.value
    return cell.value


def _start_col(group: int) -> int:
    # Column 0 holds row names; the baseline group has no delta columns.
    if group == 0:
        return 1
    return 1 + _CENTER_COLS + (group - 1) * (_CENTER_COLS + _DELTA_COLS)


def _header(grid: _TextGrid, table: AnalyzedTable) -> None:
    edge = _start_col(len(table.labels))
    grid.new_row()
    for i, label in enumerate(table.labels):
        start = _start_col(i)
        grid.put(start, label, span=_start_col(i + 1) - start, margin=" │ ", align="center")
    grid.put(edge, "", margin=" │")
    grid.new_row()
    for i in range(len(table.labels)):
        start = _start_col(i)
        grid.put(start, table.unit, span=_CENTER_COLS, margin=" │ ", align="center")
        if i > 0:
            grid.put(start + _CENTER_COLS, "vs base", span=_DELTA_COLS, margin="  ")
        # Wide headers only stretch a group's first (value) column.
        for col in range(start + 1, _start_col(i + 1)):
            grid.set_shrink(col)
    grid.put(edge, "", margin=" │")


def _row(grid: _TextGrid, table: AnalyzedTable, row: str, notes: Footnotes) -> None:
    grid.new_row()
    grid.put(0, row)
    row_cells = table.cells[row]
    scaler = row_scaler(row_cells, table.unit)
    base = row_cells[0]
    for i, cell in enumerate(row_cells):
        if cell is None:
            continue
        start = _start_col(i)
        grid.put(start, scaler.format(cell.summary.center), align="right")
        grid.put(start + 1, format_range(cell.summary), margin=" ± ", align="right")
        grid.put(start + 2, notes.mark(cell.summary.warnings))
        if cell.comparison is not None and base is not None:
            delta = format_delta(cell.comparison, base.summary, cell.summary)
            grid.put(start + 3, delta, align="right")
            grid.put(start + 4, f"({format_test(cell.comparison)})")
            grid.put(start + 5, notes.mark(cell.comparison.warnings))


def _geomean(grid: _TextGrid, table: AnalyzedTable, notes: Footnotes) -> None:
    assert table.geomeans is not None
    grid.new_row()
    grid.put(0, "geomean")
    for i, gm in enumerate(table.geomeans):
        start = _start_col(i)
        if gm.value is not None:
            grid.put(start, format_scaled(gm.value, table.unit), align="right")
        if i > 0:
            ratio = format_ratio(gm.ratio)
            grid.put(start + _CENTER_COLS, ratio, align="right" if gm.ratio is not None else "left")
        grid.put(_start_col(i + 1) - 1, notes.mark(gm.warnings))


def render_text(table: AnalyzedTable, config: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The lines of one table in benchstat's text layout, footnotes below it.

    ``config`` pairs are printed above it as ``key: value`` lines.

    Cost: O(c log c) to lay out the c cells of the grid, plus O(output size).
    """
    grid = _TextGrid()
    notes = Footnotes()
    _header(grid, table)
    for row in table.rows:
        _row(grid, table, row, notes)
    if table.geomeans is not None:
        _geomean(grid, table, notes)
    return [f"{k}: {v}" for k, v in config] + grid.render() + notes.lines()
