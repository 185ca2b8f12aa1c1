"""The reports' charts, drawn with matplotlib's Agg backend (PNG files): grouped bars on a
log scale, and lines on log-log axes.

The charts know nothing of benchmarks: a bar chart is groups (x positions) of bars,
one per series, each bar a value with optional CI whiskers; a line chart is panels of
lines, each point with optional whiskers. The report modules decide what to draw.
Figures are built with ``matplotlib.figure.Figure`` rather than pyplot, so no global
state or display is involved. Cost: ~0.1 s per chart, ~0.5 s to import.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from bench.rundir.files import write_bytes


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` > 0 and, if known, its CI bounds (whiskers)."""

    value: float
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class Series:
    """A bar per group (None: no bar there); ``hatched`` marks e.g. published figures."""

    label: str
    bars: Sequence[Bar | None]
    hatched: bool = False
    color: str | None = None


def grouped_bars(path: Path, title: str, ylabel: str, groups: Sequence[str], series: Sequence[Series],
                 reference: float | None = None) -> Path:
    """Draw ``series`` as side-by-side bars per group on a log y axis into ``path`` (PNG).

    ``reference`` (e.g. ratio 1) draws a dashed horizontal line and makes bars grow
    from it, up or down, so "slower" and "faster" read apart. Bars whose value is not
    positive are left out (a log axis cannot show them).
    """
    figure = Figure(figsize=(max(8.0, 1.9 * len(groups)), 5.2), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(len(series), 1)
    for index, line in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * width
        positions, values, below, above = [], [], [], []
        for group, bar in enumerate(line.bars):
            if bar is None or bar.value <= 0:
                continue
            positions.append(group + offset)
            values.append(bar.value)
            # Whiskers must be non-negative; a missing bound draws none on that side.
            below.append(max(bar.value - bar.lo, 0.0) if bar.lo is not None and bar.lo > 0 else 0.0)
            above.append(max(bar.hi - bar.value, 0.0) if bar.hi is not None else 0.0)
        if not positions:
            continue
        bottom = reference if reference is not None else 0.0
        axes.bar(positions, [value - bottom for value in values], width, bottom=bottom or None,
                 label=line.label, color=line.color,
                 hatch="//" if line.hatched else None, edgecolor="black", linewidth=0.5,
                 alpha=0.55 if line.hatched else 0.9)
        if any(below) or any(above):
            axes.errorbar(positions, values, yerr=[below, above], fmt="none", ecolor="black",
                          elinewidth=0.8, capsize=2)
    if reference is not None:
        axes.axhline(reference, color="grey", linestyle="--", linewidth=0.8)
    axes.set_yscale("log")
    # Plain numbers (20, 300, 0.5) rather than matplotlib's 2x10^1 on the log axis;
    # minor ticks are labelled only when the axis spans less than a decade.
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    axes.yaxis.set_major_formatter(plain)
    low, high = axes.get_ylim()
    axes.yaxis.set_minor_formatter(plain if high / low < 10 else NullFormatter())
    axes.set_xticks(range(len(groups)), groups, fontsize=8)
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize=11)
    axes.grid(axis="y", which="both", alpha=0.3)
    axes.legend(fontsize=8, ncols=2)
    _save(figure, path)
    return path


def stacked_bars(path: Path, title: str, ylabel: str, panels: Mapping[str, Mapping[str, Mapping[str, float]]],
                 colors: Mapping[str, str]) -> Path:
    """Draw one panel per key of ``panels``, a bar per inner key (e.g. a configuration),
    each bar stacked from its parts (e.g. phases, in ``colors``' order) on a linear axis,
    into ``path`` (PNG). Each panel has its own y scale: cells differ by orders of magnitude.
    """
    names = list(panels)
    columns = min(3, max(len(names), 1))
    rows = math.ceil(len(names) / columns) if names else 1
    figure = Figure(figsize=(4.6 * columns, 3.6 * rows), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots(rows, columns, squeeze=False)
    for index, axes in enumerate(grid.flat):
        if index >= len(names):
            axes.set_visible(False)
            continue
        bars = panels[names[index]]
        labels = list(bars)
        bottoms = [0.0] * len(labels)
        for part, color in colors.items():
            heights = [bars[label].get(part, 0.0) for label in labels]
            if not any(heights):
                continue
            axes.bar(range(len(labels)), heights, 0.6, bottom=bottoms, color=color, label=part,
                     edgecolor="black", linewidth=0.4)
            bottoms = [bottom + height for bottom, height in zip(bottoms, heights)]
        axes.set_xticks(range(len(labels)), labels, fontsize=7)
        axes.set_title(names[index], fontsize=8)
        axes.set_ylabel(ylabel, fontsize=8)
        axes.grid(axis="y", alpha=0.3)
    handles, legend_labels = [], []
    for axes in grid.flat:
        for handle, label in zip(*axes.get_legend_handles_labels()):
            if label not in legend_labels:
                handles.append(handle)
                legend_labels.append(label)
    figure.legend(handles, legend_labels, loc="outside lower center", ncols=min(len(legend_labels), 5) or 1,
                  fontsize=8)
    figure.suptitle(title, fontsize=11)
    _save(figure, path)
    return path


def _save(figure: Figure, path: Path) -> None:
    """The PNG drawn in memory, then written whole (a full disk or an interrupt leaves no
    truncated PNG behind to block the next attempt)."""
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=110)
    write_bytes(path, image.getvalue())


def palette(names: Sequence[str]) -> Mapping[str, str]:
    """A stable colour per name (matplotlib's default cycle)."""
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    return {name: colors[i % len(colors)] for i, name in enumerate(names)}


@dataclass(frozen=True)
class Line:
    """One curve: points ``(x, y)`` or ``(x, y, y_lo, y_hi)``, drawn in x order; finite,
    positive bounds draw whiskers. Points with x or y <= 0 are left out (log axes)."""

    label: str
    points: Sequence[tuple[float, ...]]
    color: str | None = None
    dashed: bool = False


def _whiskers(points: Sequence[tuple[float, ...]]) -> list[list[float]] | None:
    """matplotlib's ``yerr`` (below, above) for points with bounds; None if no point has any.
    An unknown, non-positive or infinite bound draws no whisker on that side."""
    if all(len(point) < 4 for point in points):
        return None
    below, above = [], []
    for point in points:
        y, lo, hi = point[1], *(point[2:4] if len(point) >= 4 else (None, None))
        below.append(y - lo if lo is not None and 0 < lo <= y else 0.0)
        above.append(hi - y if hi is not None and math.isfinite(hi) and hi >= y else 0.0)
    return [below, above]


def log_lines(path: Path, title: str, xlabel: str, ylabel: str, panels: Mapping[str, Sequence[Line]]) -> Path:
    """Draw each panel's lines (markers at the points) side by side on log-log axes into ``path`` (PNG).

    A single panel named ``""`` is drawn alone under ``title``. Minor ticks are labelled
    only where an axis spans less than a decade (else they crowd it).
    """
    alone = list(panels) == [""]
    figure = Figure(figsize=(8.0, 5.2) if alone else (5.5 * max(len(panels), 1), 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    for index, (panel, lines) in enumerate(panels.items()):
        axes = figure.add_subplot(1, max(len(panels), 1), index + 1)
        for line in lines:
            points = sorted(point for point in line.points if point[0] > 0 and point[1] > 0)
            if points:
                axes.errorbar([point[0] for point in points], [point[1] for point in points], yerr=_whiskers(points),
                              label=line.label, color=line.color, marker="o", markersize=4,
                              linestyle="--" if line.dashed else "-", linewidth=1.2, capsize=2, elinewidth=0.7)
        axes.set_xscale("log")
        axes.set_yscale("log")
        for axis, (low, high) in ((axes.xaxis, axes.get_xlim()), (axes.yaxis, axes.get_ylim())):
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(plain if high / low < 10 else NullFormatter())
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.set_title(panel or title, fontsize=10 if panel else 11)
        axes.grid(which="both", alpha=0.3)
        axes.legend(fontsize=8, ncols=2 if len(lines) > 6 else 1)
    if not alone:
        figure.suptitle(title, fontsize=11)
    _save(figure, path)
    return path
