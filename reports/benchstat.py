"""benchstat-style comparison tables (Go's golang.org/x/perf/cmd/benchstat, v2).

The model is independent of where numbers come from: a :class:`BenchTable`
holds one unit and a list of :class:`Column` s (a file, a store
configuration, ...), each mapping a row name to its raw values. The first
column is the baseline every other column is compared against.

:func:`format_table` renders one table exactly like benchstat's text output
(``fmt="text"``) or as a GitHub pipe table (``fmt="md"``)::

                          │   old.txt   │               new.txt               │
                          │   sec/op    │   sec/op     vs base                │
    Encode/format=json-48   1.718µ ± 1%   1.423µ ± 1%  -17.20% (p=0.000 n=10)
    Encode/format=gob-48    3.066µ ± 0%   3.070µ ± 2%        ~ (p=0.446 n=10)
    geomean                 2.295µ        2.090µ        -8.94%

Each cell is the median with the half-width of its confidence interval in
percent of the median; "vs base" is the change of the median when the
Mann-Whitney test rejects equality at ``alpha`` (``~`` otherwise), with the
p-value and sample counts (``n=10``, or ``n=10+8`` when they differ). The
geomean row (only with two or more rows) holds each column's geometric mean of
medians and, under "vs base", the geometric mean of the per-row ratios.
Footnotes ``¹ ²`` use benchstat's wording.

:func:`benchstat_files` is ``benchstat FILE...`` over Go benchmark files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reports import gobench
from reports.stats import Comparison, Summary, compare, geomean, summarize

FORMATS = ("text", "md")

# Each column group of the text layout: centre, CI, footnotes; comparison
# columns add delta, "(p=... n=...)", footnotes.
_CENTER_COLS = 3
_DELTA_COLS = 3

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Number formatting
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scaler:
    """Formats numbers with a fixed unit prefix and number of decimals."""

    precision: int
    factor: float
    prefix: str

    def format(self, value: float) -> str:
        """``value`` divided by the prefix factor, e.g. ``1.718µ``. Cost: O(1)."""
        return f"{value / self.factor:.{self.precision}f}{self.prefix}"


@dataclass(frozen=True)
class _Prefix:
    factor: float
    prefix: str
    # Smallest values printed as 100.0, 10.00 and 1.000 of this prefix; taken
    # from the decimal strings so they agree with how printing rounds.
    at_100: float
    at_10: float
    at_1: float


def _si_prefixes() -> tuple[_Prefix, ...]:
    names = ("T", "G", "M", "k", "", "m", "µ", "n")
    return tuple(
        _Prefix(
            float(f"1e{exp}"),
            name,
            float(f"99.995e{exp}"),
            float(f"9.9995e{exp}"),
            float(f".99995e{exp}"),
        )
        for name, exp in zip(names, range(12, -10, -3))
    )


def _iec_prefixes() -> tuple[_Prefix, ...]:
    # Binary prefixes stop at the unit: "0.001 B/s" reads better than a
    # fractional binary prefix. Thresholds are 99.995, 9.9995 and .99995
    # times the factor, as exact binary constants.
    names = ("Ti", "Gi", "Mi", "Ki", "")
    return tuple(
        _Prefix(
            float(2**exp),
            name,
            float.fromhex(f"0x1.8ffae147ae148p{6 + exp}"),
            float.fromhex(f"0x1.3ffbe76c8b439p{3 + exp}"),
            float.fromhex(f"0x1.fff972474538fp{exp - 1}"),
        )
        for name, exp in zip(names, range(40, -1, -10))
    )


_SI = _si_prefixes()
_IEC = _iec_prefixes()
# Below the smallest prefix, add decimals until 4 significant digits show.
_EXTRA_DIGIT_THRESHOLDS = tuple(float(f"9.9995e{exp}") for exp in range(-1, -9, -1))


def is_binary_unit(unit: str) -> bool:
    """Whether ``unit`` counts bytes in its numerator (``B/op``, ``B/s``), which
    benchstat scales with binary prefixes (Ki, Mi, ...). Cost: O(len(unit))."""
    in_denominator = False
    token = ""
    for char in unit + " ":
        if char in "*/-" or char.isspace():
            if token in ("B", "MB", "bytes") and not in_denominator:
                return True
            token = ""
            if char == "*":
                in_denominator = False
            elif char == "/":
                in_denominator = True
        else:
            token += char
    return False


def common_scale(values: Iterable[float], binary: bool = False) -> Scaler:
    """Choose one prefix and precision for a row so its smallest non-zero value
    shows 4 significant digits (``1.718µ``, ``17.18µ``, ``171.8µ``).

    Cost: O(len(values)).
    """
    smallest = min((abs(v) for v in values if v != 0), default=0.0)
    if smallest == 0:
        return Scaler(3, 1.0, "")
    prefixes = _IEC if binary else _SI
    for p in prefixes:
        if smallest >= p.at_100:
            return Scaler(1, p.factor, p.prefix)
        if smallest >= p.at_10:
            return Scaler(2, p.factor, p.prefix)
        if smallest >= p.at_1:
            return Scaler(3, p.factor, p.prefix)
    last = prefixes[-1]
    scaled = smallest / last.factor
    for extra, threshold in enumerate(_EXTRA_DIGIT_THRESHOLDS):
        if scaled >= threshold or extra == len(_EXTRA_DIGIT_THRESHOLDS) - 1:
            return Scaler(3 + extra, last.factor, last.prefix)
    raise AssertionError("unreachable: the last threshold always matches")


def _row_scaler(row_cells: Sequence[Cell | None], unit: str) -> Scaler:
    # benchstat scales every median of a row alike so they read side by side.
    centers = (cell.summary.center for cell in row_cells if cell is not None)
    return common_scale(centers, is_binary_unit(unit))


def format_scaled(value: float, unit: str) -> str:
    """Format one value with its own prefix, e.g. ``2.295µ``. Cost: O(1)."""
    return common_scale([value], is_binary_unit(unit)).format(value)


def format_range(summary: Summary) -> str:
    """The CI half-width in percent of the median: ``1%``, ``∞`` (too few
    samples) or ``?`` (the interval crosses zero). Cost: O(1)."""
    center, lo, hi = summary.center, summary.lo, summary.hi
    if math.isinf(lo) or math.isinf(hi):
        return "∞"
    if not _sign(center) == _sign(lo) == _sign(hi):
        return "?"
    if center == 0:
        return "0%"
    return f"{100 * max(hi / center - 1, 1 - lo / center):.0f}%"


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def format_delta(comparison: Comparison, old: Summary, new: Summary) -> str:
    """``-17.20%``, ``~`` (not significant), ``0.00%`` (equal medians) or ``?``
    (zero baseline). Cost: O(1)."""
    if not comparison.significant:
        return "~"
    if old.center == new.center:
        return "0.00%"
    if comparison.delta_percent is None:
        return "?"
    return f"{comparison.delta_percent:+.2f}%"


def format_test(comparison: Comparison) -> str:
    """``p=0.000 n=10`` or ``p=0.012 n=10+8``; an exactly-zero p is omitted. Cost: O(1)."""
    p_part = f"p={comparison.p_value:.3f} " if comparison.p_value != 0 else ""
    if comparison.n_old == comparison.n_new:
        return f"{p_part}n={comparison.n_old}"
    return f"{p_part}n={comparison.n_old}+{comparison.n_new}"


def _format_ratio(ratio: float | None) -> str:
    return "?" if ratio is None else f"{(ratio - 1) * 100:+.2f}%"


def superscript(number: int) -> str:
    """``12`` -> ``¹²``. Cost: O(digits)."""
    return "".join(_SUPERSCRIPT_DIGITS[int(d)] for d in str(number))


class _Footnotes:
    """Numbers distinct warning messages in order of first use."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def mark(self, messages: Iterable[str]) -> str:
        marks: list[str] = []
        for message in messages:
            number = self._numbers.setdefault(message, len(self._numbers) + 1)
            marks.append(superscript(number))
        return " ".join(marks)

    def lines(self) -> list[str]:
        return [f"{superscript(n)} {message}" for message, n in self._numbers.items()]


# ---------------------------------------------------------------------------
# Text layout
# ---------------------------------------------------------------------------


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


def _text_header(grid: _TextGrid, table: AnalyzedTable) -> None:
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


def _text_row(grid: _TextGrid, table: AnalyzedTable, row: str, notes: _Footnotes) -> None:
    grid.new_row()
    grid.put(0, row)
    row_cells = table.cells[row]
    scaler = _row_scaler(row_cells, table.unit)
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


def _text_geomean(grid: _TextGrid, table: AnalyzedTable, notes: _Footnotes) -> None:
    assert table.geomeans is not None
    grid.new_row()
    grid.put(0, "geomean")
    for i, gm in enumerate(table.geomeans):
        start = _start_col(i)
        if gm.value is not None:
            grid.put(start, format_scaled(gm.value, table.unit), align="right")
        if i > 0:
            ratio = _format_ratio(gm.ratio)
            grid.put(start + _CENTER_COLS, ratio, align="right" if gm.ratio is not None else "left")
        grid.put(_start_col(i + 1) - 1, notes.mark(gm.warnings))


def _render_text(table: AnalyzedTable) -> list[str]:
    grid = _TextGrid()
    notes = _Footnotes()
    _text_header(grid, table)
    for row in table.rows:
        _text_row(grid, table, row, notes)
    if table.geomeans is not None:
        _text_geomean(grid, table, notes)
    return grid.render() + notes.lines()


# ---------------------------------------------------------------------------
# Markdown layout
# ---------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _with_marks(text: str, marks: str) -> str:
    return f"{text} {marks}" if marks else text


def _md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_md_escape(c) for c in cells) + " |"


def _md_cells(row_cells: Sequence[Cell | None], unit: str, notes: _Footnotes) -> list[str]:
    scaler = _row_scaler(row_cells, unit)
    base = row_cells[0]
    out: list[str] = []
    for i, cell in enumerate(row_cells):
        if cell is None:
            out.extend([""] if i == 0 else ["", ""])
            continue
        center = f"{scaler.format(cell.summary.center)} ± {format_range(cell.summary)}"
        out.append(_with_marks(center, notes.mark(cell.summary.warnings)))
        if i == 0:
            continue
        if cell.comparison is None or base is None:
            out.append("")
            continue
        delta = format_delta(cell.comparison, base.summary, cell.summary)
        test = format_test(cell.comparison)
        out.append(_with_marks(f"{delta} ({test})", notes.mark(cell.comparison.warnings)))
    return out


def _md_geomean_cells(table: AnalyzedTable, notes: _Footnotes) -> list[str]:
    assert table.geomeans is not None
    out: list[str] = []
    for i, gm in enumerate(table.geomeans):
        value = "" if gm.value is None else format_scaled(gm.value, table.unit)
        marks = notes.mark(gm.warnings)
        if i == 0:
            out.append(_with_marks(value, marks))
        else:
            out.extend([value, _with_marks(_format_ratio(gm.ratio), marks)])
    return out


def _render_md(table: AnalyzedTable) -> list[str]:
    notes = _Footnotes()
    header = [table.unit, table.labels[0]]
    for label in table.labels[1:]:
        header.extend([label, "vs base"])
    lines = [_md_line(header), "|" + ":--|" + "--:|" * (len(header) - 1)]
    for row in table.rows:
        lines.append(_md_line([row, *_md_cells(table.cells[row], table.unit, notes)]))
    if table.geomeans is not None:
        lines.append(_md_line(["geomean", *_md_geomean_cells(table, notes)]))
    # Footnotes are separate paragraphs so Markdown keeps one per line.
    for footnote in notes.lines():
        lines.extend(["", footnote])
    return lines


# ---------------------------------------------------------------------------
# Public rendering
# ---------------------------------------------------------------------------


def format_tables(
    tables: Sequence[BenchTable], fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """Render several tables like benchstat: blank line between tables, and above
    each the configuration lines whose value changed since the previous table.

    In ``md`` the configuration is a bullet list and each table a GitHub pipe
    table with the same cells (``1.718µ ± 1%``, ``-17.20% (p=0.000 n=10)``),
    its footnotes below it.

    Cost: that of :func:`analyze` per table plus O(output size).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    blocks: list[list[str]] = []
    previous: dict[str, str] = {}
    for table in tables:
        changed = [(k, v) for k, v in table.config if previous.get(k) != v]
        previous = dict(table.config)
        analyzed = analyze(table, alpha, confidence)
        if fmt == "text":
            blocks.append([f"{k}: {v}" for k, v in changed] + _render_text(analyzed))
        else:
            config = [f"- {k}: {v}" for k, v in changed]
            blocks.append(config + ([""] if config else []) + _render_md(analyzed))
    return "\n\n".join("\n".join(block) for block in blocks) + ("\n" if blocks else "")


def format_table(
    table: BenchTable, fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """Render one table (with its config lines) in benchstat's layout (``text``)
    or as a GitHub pipe table (``md``). See :func:`format_tables`.

    Cost: that of :func:`analyze` plus O(output size).
    """
    return format_tables([table], fmt, alpha, confidence)


# ---------------------------------------------------------------------------
# benchstat over Go benchmark files
# ---------------------------------------------------------------------------


class _FirstSeen:
    """Positions of values in order of first observation."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def see(self, value: str) -> int:
        return self.order.setdefault(value, len(self.order))


def tables_from_files(files: Sequence[gobench.GoBenchFile]) -> list[BenchTable]:
    """Group Go benchmark results into tables like ``benchstat`` does by default.

    One table per distinct (configuration, unit); one column per file having
    results in that table, labelled by the file's label; rows by benchmark
    name. Tables, rows and columns follow the order values are first seen
    (configuration key by key, then unit).

    Cost: O(total number of values).
    """
    results = [(f.label, r) for f in files for r in f.results]
    keys = list(dict.fromkeys(k for _, r in results for k, _ in r.config))
    seen_values = {key: _FirstSeen() for key in keys}
    seen_units = _FirstSeen()
    row_order = list(dict.fromkeys(r.name for _, r in results))
    grouped: dict[tuple[tuple[str, str], ...], dict[str, dict[str, dict[str, list[float]]]]] = {}
    sort_keys: dict[tuple[tuple[str, str], ...], tuple[int, ...]] = {}
    for label, result in results:
        config = dict(result.config)
        full = tuple((key, config.get(key, "")) for key in keys)
        position = tuple(seen_values[key].see(value) for key, value in full)
        for unit, value in result.values:
            table_key = full + ((".unit", unit),)
            sort_keys.setdefault(table_key, position + (seen_units.see(unit),))
            columns = grouped.setdefault(table_key, {})
            columns.setdefault(label, {}).setdefault(result.name, []).append(value)
    labels = list(dict.fromkeys(f.label for f in files))
    tables: list[BenchTable] = []
    for table_key in sorted(grouped, key=sort_keys.__getitem__):
        columns = grouped[table_key]
        tables.append(
            BenchTable(
                unit=table_key[-1][1],
                columns=[Column(label, columns[label]) for label in labels if label in columns],
                config=table_key[:-1],
                row_order=row_order,
            )
        )
    return tables


def benchstat_files(
    paths: Sequence[Path], fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """``benchstat PATH...``: compare Go benchmark files, the first being the baseline.

    Each file is a column labelled by its path as given; there is one table per
    configuration and unit, with the configuration printed above it. Raises
    ``ValueError`` for an unreadable, empty or malformed file.

    Cost: parsing is linear in the files' size; then as :func:`format_tables`.
    """
    if not paths:
        raise ValueError("benchstat needs at least one benchmark file")
    files = [gobench.parse_file(Path(path), str(path)) for path in paths]
    return format_tables(tables_from_files(files), fmt, alpha, confidence)
