"""benchstat tables as GitHub pipe tables, with the same cells as the text layout.

::

    | sec/op | old.txt | new.txt | vs base |
    |:--|--:|--:|--:|
    | Encode/format=json-48 | 1.718µ ± 1% | 1.423µ ± 1% | -17.20% (p=0.000 n=10) |

The configuration becomes a bullet list above the table and each footnote a
paragraph below it.
"""

from __future__ import annotations

from collections.abc import Sequence

from benchstat.analysis import AnalyzedTable, Cell
from benchstat.cells import Footnotes, format_delta, format_range, format_ratio, format_test, row_scaler
from benchstat.units import format_scaled


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _with_marks(text: str, marks: str) -> str:
    return f"{text} {marks}" if marks else text


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_escape(c) for c in cells) + " |"


def _row_cells(row_cells: Sequence[Cell | None], unit: str, notes: Footnotes) -> list[str]:
    scaler = row_scaler(row_cells, unit)
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


def _geomean_cells(table: AnalyzedTable, notes: Footnotes) -> list[str]:
    assert table.geomeans is not None
    out: list[str] = []
    for i, gm in enumerate(table.geomeans):
        value = "" if gm.value is None else format_scaled(gm.value, table.unit)
        marks = notes.mark(gm.warnings)
        if i == 0:
            out.append(_with_marks(value, marks))
        else:
            out.extend([value, _with_marks(format_ratio(gm.ratio), marks)])
    return out


def render_markdown(table: AnalyzedTable, config: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The lines of one table as a GitHub pipe table, footnotes below it.

    ``config`` pairs are listed above it as ``- key: value`` bullets, then a
    blank line so Markdown ends the list before the table.

    Cost: O(output size).
    """
    notes = Footnotes()
    header = [table.unit, table.labels[0]]
    for label in table.labels[1:]:
        header.extend([label, "vs base"])
    bullets = [f"- {k}: {v}" for k, v in config]
    lines = bullets + ([""] if bullets else [])
    lines += [_line(header), "|" + ":--|" + "--:|" * (len(header) - 1)]
    for row in table.rows:
        lines.append(_line([row, *_row_cells(table.cells[row], table.unit, notes)]))
    if table.geomeans is not None:
        lines.append(_line(["geomean", *_geomean_cells(table, notes)]))
    # Footnotes are separate paragraphs so Markdown keeps one per line.
    for footnote in notes.lines():
        lines.extend(["", footnote])
    return lines
