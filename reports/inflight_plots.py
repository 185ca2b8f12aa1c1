"""Log-log line charts (PNG, matplotlib's Agg backend): a cost against a size, one line per series.

Like ``reports.plots`` the chart knows nothing of benchmarks; ``reports.inflight_report``
decides the lines. Cost: ~0.1 s per chart once matplotlib is imported (~0.5 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter


@dataclass(frozen=True)
class Line:
    """Points (x, y, y_lo, y_hi) of one series; the bounds draw whiskers when finite and positive."""

    label: str
    points: Sequence[tuple[float, float, float | None, float | None]]
    color: str | None = None
    dashed: bool = False


def loglog_lines(path: Path, title: str, xlabel: str, ylabel: str, lines: Sequence[Line]) -> Path:
    """Draw ``lines`` on log x and y axes into ``path``; points with y <= 0 are left out."""
    figure = Figure(figsize=(8.0, 5.2), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for line in lines:
        points = sorted(point for point in line.points if point[0] > 0 and point[1] > 0)
        if not points:
            continue
        xs = [x for x, _, _, _ in points]
        ys = [y for _, y, _, _ in points]
        # Whiskers must be non-negative; an unknown bound draws none on that side.
        below = [y - lo if lo is not None and 0 < lo <= y else 0.0 for _, y, lo, _ in points]
        above = [hi - y if hi is not None and hi >= y and hi != float("inf") else 0.0 for _, y, _, hi in points]
        axes.errorbar(xs, ys, yerr=[below, above], label=line.label, color=line.color, marker="o", markersize=4,
                      linestyle="--" if line.dashed else "-", linewidth=1.2, capsize=2, elinewidth=0.7)
    axes.set_xscale("log")
    axes.set_yscale("log")
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    axes.xaxis.set_major_formatter(plain)
    axes.yaxis.set_major_formatter(plain)
    # Minor ticks are labelled only when an axis spans less than a decade (else they crowd it).
    for axis, (low, high) in ((axes.xaxis, axes.get_xlim()), (axes.yaxis, axes.get_ylim())):
        axis.set_minor_formatter(plain if high / low < 10 else NullFormatter())
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize=11)
    axes.grid(which="both", alpha=0.3)
    axes.legend(fontsize=8, ncols=2)
    figure.savefig(path, dpi=110)
    return path
