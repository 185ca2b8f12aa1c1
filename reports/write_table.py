"""The StoreList report's write-cost table: what one write costs the watch cache, per configuration.

The write cells (``StoreWrite/<population>/Op=Create|Update|Delete``) time the watch cache
applying write events on a cache that holds a whole population (the storage's own work,
the same for every configuration, excluded). Under ``--indexers registry`` the B-tree
configurations maintain the node index alone, the map configurations both; comparing with
a ``benchmark`` run, whose configurations all maintain both, gives what dropping the
namespace index saves per write.
"""

from __future__ import annotations

from bench.rundir.results import RunResults
from benchstat.cells import format_range
from benchstat.names import parse_name
from benchstat.stats import summarize

WRITE_BASE = "StoreWrite"
WRITE_COLUMNS_HEAD = ["population", "write"]


def write_rows(run: RunResults) -> tuple[list[str], list[list[str]]]:
    """(header, rows): per write cell, each configuration's median µs per write ± its 95% CI half-width."""
    cells = [cell for cell in run.cell_names() if parse_name(cell).base == WRITE_BASE]
    stores = list(run.configurations)
    rows = []
    for cell in cells:
        levels = parse_name(cell).levels
        population = "/".join(f"{key}={levels[key]}" for key in ("Namespaces", "Pods", "Nodes") if key in levels)
        row = [population, levels.get("Op", "?")]
        for store in stores:
            samples = run.configurations[store].samples.get(cell)
            if not samples:
                row.append("—")
                continue
            summary = summarize(samples)
            row.append(f"{summary.center * 1e6:.2f} µs ± {format_range(summary)}")
        rows.append(row)
    return [*WRITE_COLUMNS_HEAD, *stores], rows
