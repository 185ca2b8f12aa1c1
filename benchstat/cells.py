"""The strings inside a benchstat table, shared by the text and markdown layouts.

A centre cell is ``1.718µ ± 1%`` (the median, scaled like the rest of its
row, and :func:`format_range`); a comparison cell is ``-17.20% (p=0.000
n=10)`` (:func:`format_delta` and :func:`format_test`); the geomean row shows
:func:`format_ratio`. Warnings become numbered footnotes (:class:`Footnotes`)
worded as benchstat words them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from benchstat.analysis import Cell
from benchstat.stats import Comparison, Summary
from benchstat.units import Scaler, common_scale, is_binary_unit

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def row_scaler(row_cells: Sequence[Cell | None], unit: str) -> Scaler:
    """The one prefix and precision for every median of a row.

    benchstat scales a row alike so its medians read side by side.

    Cost: O(len(row_cells)).
    """
    centers = (cell.summary.center for cell in row_cells if cell is not None)
    return common_scale(centers, is_binary_unit(unit))


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


def format_ratio(ratio: float | None) -> str:
    """A geomean ratio as a change: ``-8.94%``, or ``?`` when it has none. Cost: O(1)."""
    return "?" if ratio is None else f"{(ratio - 1) * 100:+.2f}%"


def superscript(number: int) -> str:
    """A footnote number in superscript digits.

    >>> superscript(1), superscript(12)
    ('¹', '¹²')

    Cost: O(digits).
    """
    return "".join(_SUPERSCRIPT_DIGITS[int(d)] for d in str(number))


class Footnotes:
    """Numbers distinct warning messages in order of first use, for one table."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def mark(self, messages: Iterable[str]) -> str:
        """The marks of ``messages`` (``¹ ²``), numbering new ones. Cost: O(len(messages))."""
        marks: list[str] = []
        for message in messages:
            number = self._numbers.setdefault(message, len(self._numbers) + 1)
            marks.append(superscript(number))
        return " ".join(marks)

    def lines(self) -> list[str]:
        """One ``¹ message`` line per numbered message, in number order."""
        return [f"{superscript(n)} {message}" for message, n in self._numbers.items()]
