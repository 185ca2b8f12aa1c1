"""Go results beside ours: upstream's benchmarks, run on the user's machine, mapped onto a run's cells.

``storelist report RUN --go FILE`` reads ``go test -bench`` output of upstream's
BenchmarkStoreList and BenchmarkStoreCreateList (``benchstat.gotext``) in either of
upstream's name forms:

- 2025: ``BenchmarkStoreList/Namespaces=…/Pods=…/Nodes=…/Store=Btree/Indexed=true/RV=…/Scope=…/Paginate=…-24``
  and ``BenchmarkStoreCreateList/Store=Btree/RV=NotOlderThan/Indexed=true-24``;
- 2026: no ``Store=`` level (the B-tree is the only store left) and ``Indexed=`` after
  the population: ``BenchmarkStoreList/Namespaces=…/Pods=…/Nodes=…/Indexed=true/RV=…``.

Each benchmark maps to one cell of ours (the same levels, in our order) and one
configuration (``Store`` x ``Indexed``: ``btree+index`` is Store=Btree, Indexed=true;
no ``Store`` level means Btree). A benchmark that maps to no cell of the run, or whose
name is not one of these forms, is *unmatched*: the report names it, never drops it.
Values are summarised as benchstat does (median and its 95% CI over the lines of one
benchmark); the ratio to the base is the ratio of medians.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from benchstat.cells import format_range
from benchstat.gotext import GoBenchFile
from benchstat.names import parse_name
from benchstat.stats import Summary, summarize

GO_CONFIGURATIONS: Mapping[tuple[str, str], str] = {
    ("Btree", "true"): "btree+index", ("Btree", "false"): "btree",
    ("Map", "true"): "map+index", ("Map", "false"): "map",
}
STORE_LIST_LEVELS = ("Namespaces", "Pods", "Nodes", "RV", "Scope", "Paginate")
TIME_UNIT = "sec/op"
METRICS = ("objects/op", "pages/op", "B/op", "allocs/op")


def map_go_name(name: str) -> tuple[str, str] | None:
    """(our cell, configuration) of a Go benchmark name (``Benchmark`` prefix optional), or None.

    >>> map_go_name("BenchmarkStoreList/Namespaces=50/Pods=150000/Nodes=5000/Store=Map/Indexed=true/"
    ...             "RV=/Scope=Namespace/Paginate=0-24")
    ('StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0', 'map+index')
    >>> map_go_name("StoreList/Namespaces=50/Pods=150000/Nodes=5000/Indexed=false/RV=NotOlderThan/"
    ...             "Scope=Namespace/Paginate=0-8")
    ('StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=NotOlderThan/Scope=Namespace/Paginate=0', 'btree')
    >>> map_go_name("BenchmarkStoreCreateList/Store=Btree/RV=Exact/Indexed=true-24")
    ('StoreCreateList/RV=Exact', 'btree+index')
    >>> map_go_name("BenchmarkEncode/format=json-48") is None
    True
    """
    try:
        parsed = parse_name(name if name.startswith("Benchmark") else "Benchmark" + name, go_suffix=True)
    except ValueError:
        return None
    levels = dict(parsed.levels)
    configuration = GO_CONFIGURATIONS.get((levels.pop("Store", "Btree"), levels.pop("Indexed", "")))
    if configuration is None:
        return None
    if parsed.base == "StoreList" and set(levels) == set(STORE_LIST_LEVELS):
        return "StoreList/" + "/".join(f"{key}={levels[key]}" for key in STORE_LIST_LEVELS), configuration
    if parsed.base == "StoreCreateList" and set(levels) == {"RV"}:
        return f"StoreCreateList/RV={levels['RV']}", configuration
    return None


@dataclass
class GoCell:
    """One (cell, configuration)'s Go values, per unit, and the Go names they came from."""

    values: dict[str, list[float]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    def summary(self, unit: str = TIME_UNIT) -> Summary | None:
        values = self.values.get(unit)
        return summarize(values) if values else None


@dataclass
class GoResults:
    """Go values by our cell then configuration, the files they came from, and what matched nothing."""

    cells: dict[str, dict[str, GoCell]]
    files: list[str]
    unmatched: list[str]

    def ratio(self, cell: str, configuration: str, base: str) -> float | None:
        """The Go median of ``configuration`` over the base's, in ``cell``; None without both."""
        ours, theirs = self.cells.get(cell, {}).get(configuration), self.cells.get(cell, {}).get(base)
        if ours is None or theirs is None:
            return None
        top, bottom = ours.summary(), theirs.summary()
        if top is None or bottom is None or bottom.center <= 0:
            return None
        return top.center / bottom.center


def collect_go_results(files: Sequence[GoBenchFile], run_cells: Sequence[str]) -> GoResults:
    """Map every benchmark line of ``files`` onto ``run_cells``; the rest is unmatched.

    Cost: O(benchmark lines).
    """
    known = set(run_cells)
    cells: dict[str, dict[str, GoCell]] = {}
    unmatched: list[str] = []
    for go_file in files:
        for result in go_file.results:
            mapped = map_go_name(result.name)
            if mapped is None or mapped[0] not in known:
                if result.name not in unmatched:
                    unmatched.append(result.name)
                continue
            cell, configuration = mapped
            target = cells.setdefault(cell, {}).setdefault(configuration, GoCell())
            if result.name not in target.names:
                target.names.append(result.name)
            for unit, value in result.values:
                target.values.setdefault(unit, []).append(value)
    return GoResults(cells, [go_file.label for go_file in files], unmatched)


def _format_time(summary: Summary | None) -> str:
    if summary is None:
        return "—"
    return f"{summary.center * 1e6:.2f} µs ± {format_range(summary)} (n={summary.n})"


def go_rows(go: GoResults, cells: Sequence[str], configurations: Sequence[str], base: str,
            our_ratio: Mapping[tuple[str, str], float], published_ratio: Mapping[tuple[str, str], float]
            ) -> list[list[str]]:
    """Per cell with Go values and configuration: Go sec/op, Go, our and the published ratio to
    the base, and the Go metrics present (objects/op, pages/op, B/op, allocs/op)."""
    rows = []
    for cell in cells:
        if cell not in go.cells:
            continue
        for configuration in configurations:
            found = go.cells[cell].get(configuration)
            if found is None:
                continue
            go_ratio = go.ratio(cell, configuration, base)
            metrics = []
            for unit in METRICS:
                summary = found.summary(unit)
                metrics.append(f"{summary.center:g}" if summary is not None else "—")
            rows.append([cell, configuration, _format_time(found.summary()),
                         f"{go_ratio:.3g}" if go_ratio is not None else "—",
                         f"{our_ratio[(cell, configuration)]:.3g}" if (cell, configuration) in our_ratio else "—",
                         f"{published_ratio[(cell, configuration)]:.3g}" if (cell, configuration) in published_ratio
                         else "—", *metrics])
    return rows


GO_COLUMNS = ["cell", "configuration", "Go sec/op", "Go ÷ base", "ours ÷ base", "published ÷ base", *METRICS]
