"""The published StoreList table of kubernetes PR #129933, from its CSV.

The CSV (``reports/data/storelist_seed_table.csv``) holds one line per cell: the
population, the RV match, the store (``btree``/``map``) and whether the namespace
index is used, the benchstat centre in µs, the ± spread in percent, and the delta
against ``btree`` with index (empty for it, ``~0`` when not significant). Rows are
named like our benchmarks (``StoreListCase.name``, Paginate=0) so both tables line up.

The published p-values are not in the CSV, so the published "vs base" column shows
the delta or ``~`` only. The published geomeans are kept as published: recomputing
them from the CSV's rounded centres moves the last digit (68.95µ for 68.94µ, -9.01%
for -9.02%).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.storelist.cases import StoreListCase
from benchstat.units import common_scale, format_scaled
from reports.markdown import md_table
from workloads import PopulationShape

PUBLISHED_CSV = Path(__file__).resolve().parent / "data" / "storelist_seed_table.csv"
SOURCE = "kubernetes PR #129933 (Go, 24 hardware threads)"

# Published geomean row: centre in seconds and delta vs btree+index in percent.
PUBLISHED_GEOMEANS: dict[str, tuple[float, float | None]] = {
    "btree+index": (68.94e-6, None),
    "btree": (62.73e-6, -9.02),
    "map+index": (72.72e-6, 5.48),
    "map": (1.326e-3, 1823.40),
}

_STORE_NAMES = {("btree", "true"): "btree+index", ("btree", "false"): "btree",
                ("map", "true"): "map+index", ("map", "false"): "map"}
_COLUMNS = ("namespaces", "pods", "nodes", "rv", "scope", "store", "indexed", "mean_us", "spread_pct", "delta_pct")
_NOT_SIGNIFICANT = "~"


@dataclass(frozen=True)
class PublishedCell:
    """One published cell: centre (s), ± spread (%), and against the base column the
    delta (%) and whether it was significant (both None in the base column)."""

    center: float
    spread_pct: float
    delta_pct: float | None
    significant: bool | None


@dataclass(frozen=True)
class PublishedTable:
    """Published cells by row (cell name) then store, rows and stores in table order."""

    rows: tuple[str, ...]
    stores: tuple[str, ...]
    cells: Mapping[str, Mapping[str, PublishedCell]]

    @property
    def base(self) -> str:
        return self.stores[0]

    def ratio(self, row: str, store: str) -> float:
        """The cell's centre over its row's base centre."""
        return self.cells[row][store].center / self.cells[row][self.base].center


def _row_name(line: Mapping[str, str]) -> str:
    namespaces, pods = int(line["namespaces"]), int(line["pods"])
    if pods % namespaces:
        raise ValueError(f"{pods} pods do not divide into {namespaces} namespaces")
    shape = PopulationShape(namespaces, pods // namespaces, int(line["nodes"]))
    return StoreListCase(shape, line["rv"], line["scope"], 0).name


def _cell(line: Mapping[str, str]) -> PublishedCell:
    delta = line["delta_pct"].strip()
    if not delta:
        delta_pct, significant = None, None
    elif delta.startswith(_NOT_SIGNIFICANT):
        delta_pct, significant = None, False
    else:
        delta_pct, significant = float(delta), True
    return PublishedCell(float(line["mean_us"]) * 1e-6, float(line["spread_pct"]), delta_pct, significant)


def load_published(path: Path = PUBLISHED_CSV) -> PublishedTable:
    """Parse the published CSV; ValueError naming the line if it is malformed."""
    cells: dict[str, dict[str, PublishedCell]] = {}
    stores: dict[str, None] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise ValueError(f"{path}: expected columns {','.join(_COLUMNS)}")
        for number, line in enumerate(reader, start=2):
            try:
                store = _STORE_NAMES[(line["store"], line["indexed"])]
                cells.setdefault(_row_name(line), {})[store] = _cell(line)
            except (KeyError, ValueError) as error:
                raise ValueError(f"{path}:{number}: malformed published cell ({error})") from None
            stores[store] = None
    return PublishedTable(tuple(cells), tuple(stores), cells)


def _delta_text(delta_pct: float | None) -> str:
    return _NOT_SIGNIFICANT if delta_pct is None else f"{delta_pct:+.2f}%"


def published_markdown(table: PublishedTable, unit: str = "sec/op") -> str:
    """The published table as a pipe table with the columns of benchstat's ``md`` output:
    ``20.77µ ± 10%`` per cell (prefix chosen per row, as benchstat does), the delta or
    ``~`` under "vs base", and the published geomean row."""
    header = [unit, table.base]
    for store in table.stores[1:]:
        header += [store, "vs base"]
    rows = []
    for row in table.rows:
        cells = table.cells[row]
        scale = common_scale([cell.center for cell in cells.values()])
        out = [row]
        for store in table.stores:
            cell = cells.get(store)
            if cell is None:
                out += [""] if store == table.base else ["", ""]
                continue
            out.append(f"{scale.format(cell.center)} ± {cell.spread_pct:.0f}%")
            if store != table.base:
                out.append(_delta_text(cell.delta_pct))
        rows.append(out)
    geomean = ["geomean"]
    for store in table.stores:
        value, delta = PUBLISHED_GEOMEANS[store]
        geomean.append(format_scaled(value, unit))
        if store != table.base:
            geomean.append(_delta_text(delta))
    return md_table(header, [*rows, geomean])
