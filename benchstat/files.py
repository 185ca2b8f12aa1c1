"""``benchstat FILE...``: Go benchmark files grouped into tables and rendered."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchstat.analysis import BenchTable, Column
from benchstat.gotext import GoBenchFile, parse_file
from benchstat.render import format_tables


class _FirstSeen:
    """Positions of values in order of first observation."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def see(self, value: str) -> int:
        return self.order.setdefault(value, len(self.order))


def tables_from_files(files: Sequence[GoBenchFile]) -> list[BenchTable]:
    """Group Go benchmark results into tables like ``benchstat`` does by default.

    One table per distinct (configuration, unit); one column per file having
    results in that table, labelled by the file's label; rows by benchmark
    name. Tables, rows and columns follow the order values are first seen
    (configuration key by key, then unit).

    Cost: O(total number of values).
    """
    results = [(f.label, r) for f in files for r in f.results]
    keys = list(dict.fromkeys(k for _, r in results for k, _ in r.config))
    seen_values = {key: _FirstSeen() for key in keys}
    seen_units = _FirstSeen()
    row_order = list(dict.fromkeys(r.name for _, r in results))
    grouped: dict[tuple[tuple[str, str], ...], dict[str, dict[str, list[float]]]] = {}
    sort_keys: dict[tuple[tuple[str, str], ...], tuple[int, ...]] = {}
    for label, result in results:
        config = dict(result.config)
        full = tuple((key, config.get(key, "")) for key in keys)
        position = tuple(seen_values[key].see(value) for key, value in full)
        for unit, value in result.values:
            table_key = full + ((".unit", unit),)
            sort_keys.setdefault(table_key, position + (seen_units.see(unit),))
            columns = grouped.setdefault(table_key, {})
            columns.setdefault(label, {}).setdefault(result.name, []).append(value)
    labels = list(dict.fromkeys(f.label for f in files))
    tables: list[BenchTable] = []
    for table_key in sorted(grouped, key=sort_keys.__getitem__):
        columns = grouped[table_key]
        tables.append(
            BenchTable(
                unit=table_key[-1][1],
                columns=[Column(label, columns[label]) for label in labels if label in columns],
                config=table_key[:-1],
                row_order=row_order,
            )
        )
    return tables


def benchstat_files(
    paths: Sequence[Path], fmt: str = "text", alpha: float = 0.05, confidence: float = 0.95
) -> str:
    """``benchstat PATH...``: compare Go benchmark files, the first being the baseline.

    Each file is a column labelled by its path as given; there is one table per
    configuration and unit, with the configuration printed above it. Raises
    ``ValueError`` for an unreadable, empty or malformed file.

    Cost: parsing is linear in the files' size; then as
    :func:`~benchstat.render.format_tables`.
    """
    if not paths:
        raise ValueError("benchstat needs at least one benchmark file")
    files = [parse_file(Path(path), str(path)) for path in paths]
    return format_tables(tables_from_files(files), fmt, alpha, confidence)
