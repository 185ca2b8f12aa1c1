"""Markdown pipe tables for the reports: the one table writer both reports use.

Hand-written rather than tabulate's ``pipe`` format because that pads every cell to its
column's width: a 150-row table of long cell names then becomes several times wider
on disk, and a reader's ``grep`` for ``| map | 22 |`` stops matching. GitHub renders
both alike.

>>> print(md_table(["cell", "µs"], [["a|b", 1.5]]), end="")
| cell | µs |
|:--|--:|
| a\\|b | 1.5 |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tabulate import tabulate


def md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A pipe table: the first column left-aligned, the others right-aligned (figures).

    Cells are shown as ``str`` gives them; a ``|`` inside a cell is escaped so it
    cannot split the row.
    """
    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    alignment = "|" + "|".join(":--" if index == 0 else "--:" for index in range(len(header))) + "|"
    return "\n".join([line(header), alignment, *(line(row) for row in rows)]) + "\n"


def text_or_md_table(header: Sequence[str], rows: Iterable[Sequence[object]], fmt: str) -> str:
    """``md``: a pipe table (``md_table``); else tabulate's plain layout, as the ``compare``
    command's text tables are printed (cells as given: no number parsing).

    Cost: O(cells).
    """
    if fmt == "md":
        return md_table(header, rows)
    return tabulate(list(rows), headers=list(header), tablefmt="plain", disable_numparse=True) + "\n"
