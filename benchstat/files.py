"""``benchstat FILE...``: Go benchmark files grouped into tables and rendered, and
what makes their comparison incomplete or uneven (the *caveats*)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from benchstat.analysis import BenchTable, Column
from benchstat.gotext import GoBenchFile, parse_file
from benchstat.projection import DEFAULT_COL, DEFAULT_ROW, Projection, label_of
from benchstat.render import format_tables

# Benchmarks named in one caveat, at most: files from different branches can differ
# by hundreds of benchmarks, and a caveat is one line.
MAX_NAMED = 5

# A file's results in one section: benchmark name -> unit -> number of values.
_Counts = dict[str, dict[str, int]]
# A table's configuration, ((key, value), ...): what makes tables one section.
_Config = tuple[tuple[str, str], ...]


class _FirstSeen:
    """Positions of values in order of first observation."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def see(self, value: str) -> int:
        return self.order.setdefault(value, len(self.order))


def tables_from_files(files: Sequence[GoBenchFile], col: Projection = DEFAULT_COL,
                      row: Projection = DEFAULT_ROW) -> list[BenchTable]:
    """Group Go benchmark results into tables like ``benchstat`` does.

    One table per distinct (configuration, unit); one column per distinct value of
    the ``col`` projection (default: the file's label), in benchstat's order
    (``benchstat.projection``); rows by the ``row`` projection (default: the full
    name, less the levels ``col`` uses). Tables, rows and columns follow the order
    values are first seen (configuration key by key, then unit).

    Cost: O(total number of values).
    """
    results = [(f.label, r) for f in files for r in f.results]
    keys = list(dict.fromkeys(k for _, r in results for k, _ in r.config))
    seen_values = {key: _FirstSeen() for key in keys}
    seen_units = _FirstSeen()
    seen_columns = [_FirstSeen() for _ in col.keys]
    row_order: list[str] = []
    grouped: dict[tuple[tuple[str, str], ...], dict[tuple[str, ...], dict[str, list[float]]]] = {}
    sort_keys: dict[tuple[tuple[str, str], ...], tuple[int, ...]] = {}
    for label, result in results:
        config = dict(result.config)
        full = tuple((key, config.get(key, "")) for key in keys)
        position = tuple(seen_values[key].see(value) for key, value in full)
        column = col.values(result.name, label)
        for seen, value in zip(seen_columns, column):
            seen.see(value)
        row_name = label_of(row.values(result.name, label, removed=col.levels))
        if row_name not in row_order:
            row_order.append(row_name)
        for unit, value in result.values:
            table_key = full + ((".unit", unit),)
            sort_keys.setdefault(table_key, position + (seen_units.see(unit),))
            columns = grouped.setdefault(table_key, {})
            columns.setdefault(column, {}).setdefault(row_name, []).append(value)
    tables: list[BenchTable] = []
    for table_key in sorted(grouped, key=sort_keys.__getitem__):
        columns = grouped[table_key]
        ordered = sorted(columns, key=lambda values: tuple(seen.order[v] for seen, v in zip(seen_columns, values)))
        tables.append(
            BenchTable(
                unit=table_key[-1][1],
                columns=[Column(label_of(values) or "-", columns[values]) for values in ordered],
                config=table_key[:-1],
                row_order=row_order,
            )
        )
    return tables


def compare_files(
    paths: Sequence[Path], fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95,
    col: Projection = DEFAULT_COL, row: Projection = DEFAULT_ROW,
) -> tuple[str, list[str]]:
    """``benchstat PATH...``: the rendered tables and the comparison's caveats.

    Each file is a column labelled by its path as given (or, with ``col``, each
    value of that projection), the first being the baseline; there is one table
    per configuration and unit, with the
    configuration printed above it. The caveats are as
    :func:`comparison_caveats`. Raises ``ValueError`` for an unreadable,
    oversized, binary, empty or malformed file (see
    :func:`~benchstat.gotext.parse_file`).

    Cost: parsing is linear in the files' size; then as
    :func:`~benchstat.render.format_tables`.
    """
    if not paths:
        raise ValueError("benchstat needs at least one benchmark file")
    files = [parse_file(Path(path), str(path)) for path in paths]
    tables = tables_from_files(files, col, row)
    labels = list(dict.fromkeys(column.label for table in tables for column in table.columns))
    return format_tables(tables, fmt, alpha, confidence), comparison_caveats(tables, labels)


def benchstat_files(
    paths: Sequence[Path], fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """The rendered tables of :func:`compare_files`, without its caveats.

    Cost: as :func:`compare_files`.
    """
    text, _ = compare_files(paths, fmt, alpha, confidence)
    return text


def comparison_caveats(tables: Sequence[BenchTable], labels: Sequence[str]) -> list[str]:
    """What makes comparing the columns ``labels`` of ``tables`` incomplete or uneven.

    Tables of one configuration (one per unit) form a *section*. Per section:
    the files with no result in it; then each file against the section's base
    (the first file with results there, as in its tables): the benchmarks it
    lacks or adds, the units it lacks or adds for a benchmark both have, and the
    (benchmark, unit) pairs with a different number of values. Each caveat is
    one line, prefixed by the section's configuration values that differ from
    other sections' (nothing when there is one section). Empty when the files
    are comparable throughout, and always for a single file.

    Cost: O(F * R) for F files and R (benchmark, unit) rows over all tables.
    """
    sections = _sections(tables)
    varying = _varying_keys(list(sections))
    caveats: list[str] = []
    for config, section in sections.items():
        where = ", ".join(f"{key}={value}" for key, value in config if key in varying)
        caveats += _section_caveats(f"{where}: " if where else "", section, labels)
    return caveats


def _sections(tables: Sequence[BenchTable]) -> dict[_Config, dict[str, _Counts]]:
    """Per configuration, per column label, each benchmark's value count per unit."""
    sections: dict[_Config, dict[str, _Counts]] = {}
    for table in tables:
        section = sections.setdefault(tuple(table.config), {})
        for column in table.columns:
            counts = section.setdefault(column.label, {})
            for name, values in column.rows.items():
                if values:
                    counts.setdefault(name, {})[table.unit] = len(values)
    return sections


def _varying_keys(configs: Sequence[_Config]) -> set[str]:
    """The configuration keys whose value is not the same in every section."""
    values: dict[str, set[str]] = {}
    for config in configs:
        for key, value in config:
            values.setdefault(key, set()).add(value)
    return {key for key, seen in values.items() if len(seen) > 1}


def _section_caveats(
    where: str, section: Mapping[str, _Counts], labels: Sequence[str]
) -> list[str]:
    """The files absent from one section, then each present file against its base."""
    present = [label for label in labels if label in section]
    absent = [label for label in labels if label not in section]
    caveats: list[str] = []
    if absent:
        names = list(dict.fromkeys(name for label in present for name in section[label]))
        compared = (f"only {present[0]} has them, so nothing is compared" if len(present) == 1
                    else f"compared {', '.join(present)}")
        verb = "has" if len(absent) == 1 else "have"
        missing = f"{', '.join(absent)} {verb} no results for {_named(names)}"
        caveats.append(f"{where}{missing}; {compared}")
    base, *others = present
    for other in others:
        pair = f"{where}{other} vs {base}: "
        old, new = section[base], section[other]
        caveats += _benchmark_set_caveat(pair, old, new)
        caveats += _unit_caveat(pair, old, new)
        caveats += _sample_count_caveat(pair, old, new)
    return caveats


def _benchmark_set_caveat(where: str, old: _Counts, new: _Counts) -> list[str]:
    """"benchmark sets differ", naming the benchmarks ``new`` lacks and adds, if any."""
    lacks = [name for name in old if name not in new]
    adds = [name for name in new if name not in old]
    if not lacks and not adds:
        return []
    parts = [f"{verb} {len(names)} ({_named(names)})"
             for verb, names in (("lacks", lacks), ("adds", adds)) if names]
    none_shared = "; none in common, so nothing is compared" if len(lacks) == len(old) else ""
    return [f"{where}benchmark sets differ: {' and '.join(parts)}{none_shared}"]


def _unit_caveat(where: str, old: _Counts, new: _Counts) -> list[str]:
    """"units differ" for benchmarks both have, naming the units ``new`` lacks or adds."""
    # (verb, benchmarks) -> units: a file without -benchmem lacks B/op and allocs/op
    # of the same benchmarks, which makes one part rather than two.
    parts: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for verb, ours, theirs in (("lacks", old, new), ("adds", new, old)):
        by_unit: dict[str, list[str]] = {}
        for name in ours:
            if name in theirs:
                for unit in ours[name]:
                    if unit not in theirs[name]:
                        by_unit.setdefault(unit, []).append(name)
        for unit, names in by_unit.items():
            parts.setdefault((verb, tuple(names)), []).append(unit)
    if not parts:
        return []
    described = [f"{verb} {', '.join(units)} for {_named(names)}"
                 for (verb, names), units in parts.items()]
    return [f"{where}units differ: {' and '.join(described)}; those are not compared"]


def _sample_count_caveat(where: str, old: _Counts, new: _Counts) -> list[str]:
    """"sample counts differ" for each (benchmark, unit) both have, as ``n=new vs n=old``."""
    # Every unit of a Go result line has one value per line, so the units of a
    # benchmark usually agree and make one entry.
    entries = list(dict.fromkeys(
        f"{name} n={new[name][unit]} vs n={count}"
        for name, units in old.items() if name in new
        for unit, count in units.items() if unit in new[name] and new[name][unit] != count
    ))
    return [f"{where}sample counts differ: {_named(entries)}"] if entries else []


def _named(names: Sequence[str]) -> str:
    """At most :data:`MAX_NAMED` of ``names``, comma-separated, then how many more."""
    more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
    return ", ".join(names[:MAX_NAMED]) + more
