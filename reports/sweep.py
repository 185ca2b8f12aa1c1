"""The crossover sweep in a report: list cost against pods per namespace, and where curves cross.

A sweep run (``storelist run --preset sweep``) times the Namespace-scope, Paginate=0
cells of one cluster size spread over several namespace counts. Per RV mode and
configuration this module takes each cell's median sample as a point (pods per
namespace, µs per LIST), draws the curves on log-log axes (``reports.plots.log_lines``)
and states every crossing ``reports.crossover`` finds between the pairs a user choosing
a store asks about. Cost: one median per cell; the plot ~0.2 s.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.rundir.results import RunResults
from benchstat.names import parse_name
from reports.crossover import crossovers
from reports.plots import Line, log_lines, palette
from stores import STORE_NAMES

SWEEP_PLOT = "sweep.png"
# The pairs whose crossings the report states: the B-tree without an index against each indexed store.
PAIRS: tuple[tuple[str, str], ...] = (("btree", "map+index"), ("btree", "btree+index"), ("btree+index", "map+index"))

Curves = dict[str, dict[str, dict[int, float]]]  # RV label -> store -> pods per namespace -> seconds


def sweep_curves(run: RunResults) -> Curves:
    """Median seconds per LIST of every Namespace-scope, Paginate=0 StoreList cell with samples."""
    curves: Curves = {}
    for cell in run.cell_names():
        name = parse_name(cell)
        fields = name.levels
        if name.base != "StoreList" or fields.get("Scope") != "Namespace" or fields.get("Paginate") != "0":
            continue
        per_namespace = int(fields["Pods"]) // int(fields["Namespaces"])
        rv = f"RV={fields['RV']}"
        for store, results in run.configurations.items():
            samples = results.samples.get(cell)
            if samples:
                curves.setdefault(rv, {}).setdefault(store, {})[per_namespace] = statistics.median(samples)
    return curves


def crossover_lines(curves: Curves) -> list[str]:
    """One sentence per (RV mode, pair): each measured crossing, or that there is none."""
    lines = []
    for rv, stores in curves.items():
        for a, b in PAIRS:
            if a not in stores or b not in stores:
                continue
            sizes = sorted(set(stores[a]) & set(stores[b]))
            if len(sizes) < 2:
                lines.append(f"{rv}, {a} vs {b}: fewer than two common sizes, no crossover can be located")
                continue
            found = crossovers(stores[a], stores[b], a, b)
            span = f"{sizes[0]}-{sizes[-1]} pods per namespace"
            if not found:
                faster = a if stores[a][sizes[0]] < stores[b][sizes[0]] else b
                lines.append(f"{rv}, {a} vs {b}: no crossover in the measured range ({span}); "
                             f"{faster} is faster throughout")
            for point in found:
                lines.append(f"{rv}, {a} vs {b}: crossover at ~{point.pods_per_namespace:,.0f} pods per namespace "
                             f"(between the measured {point.between[0]} and {point.between[1]}): "
                             f"{point.faster_below} is faster below, {point.faster_above} above")
    return lines


def sweep_plot(run_dir: Path, curves: Curves) -> Path:
    colors = palette(STORE_NAMES)
    panels = {rv: [Line(store, [(size, seconds * 1e6) for size, seconds in points.items()], colors.get(store))
                   for store, points in stores.items()] for rv, stores in curves.items()}
    return log_lines(run_dir / SWEEP_PLOT, "Median µs per Namespace LIST against namespace size (log-log)",
                     "pods per namespace (log)", "µs per LIST (log)", panels)


def sweep_section(run: RunResults) -> tuple[str, list[tuple[Path, str]]]:
    """The report's crossover section and its plot (none without sweep cells)."""
    curves = sweep_curves(run)
    if not curves:
        return "No Namespace-scope, Paginate=0 cell of this run has samples: nothing to sweep.\n", []
    plot = sweep_plot(run.path, curves)
    text = ("Each point is a configuration's median time per LIST of one namespace (no pagination) on one "
            "population; every population has the same pods, spread over a different number of namespaces. "
            "Crossovers are interpolated in log-log space between the two measured sizes around them "
            "(`reports/crossover.py`).\n\n"
            + "\n".join(f"- {line}" for line in crossover_lines(curves))
            + f"\n\n![sweep]({plot.name})\n")
    caption = "List cost against pods per namespace, per configuration and RV mode (log-log)."
    return text, [(plot, caption)]
