"""Benchmark names, split the way benchstat splits them.

A name is a base name followed by sub-benchmark levels, each ``/key=value``
(``StoreList/Namespaces=50/RV=/Paginate=0``). In Go benchmark text the name
also carries the ``-N`` GOMAXPROCS suffix that ``go test`` appends to its
last part (``Encode/format=json-48``), and the ``Benchmark`` marker that
starts every result line, which benchstat drops when reading a line.

benchstat also accepts positional levels (``/json``); this project's names
never have them, so a level without ``=`` is rejected rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_GO_LINE_MARKER = "Benchmark"
# ASCII digits only: str.isdigit and \d would also take other scripts' digits.
_PROCS_SUFFIX = re.compile(r"-([0-9]+)\Z")


@dataclass(frozen=True)
class BenchmarkName:
    """A parsed benchmark name.

    ``levels`` maps each ``key=value`` level's key to its value (possibly
    empty), in name order, read-only. ``procs`` is the GOMAXPROCS suffix, or
    ``None`` when the name had none or was not parsed as a Go name.
    """

    base: str
    # Unhashable mappings are left out of the hash; equality still compares them.
    levels: Mapping[str, str] = field(hash=False)
    procs: int | None = None


def parse_name(name: str, *, go_suffix: bool = False) -> BenchmarkName:
    """Split ``name`` into its base, its ``key=value`` levels and, for a Go
    name, its GOMAXPROCS suffix.

    The base is everything before the first ``/``. With ``go_suffix=True``
    (the name comes from Go benchmark text) a leading ``Benchmark`` is dropped,
    as benchstat drops it, and a trailing ``-<digits>`` is taken as GOMAXPROCS,
    as benchstat takes it, even inside a value (``Offset=-1`` would lose its
    ``-1``). Without it, nothing is taken off: this project's own names carry
    neither, and ``Paginate=0`` or ``Offset=-1`` keep their values whole.
    A value runs to the next ``/`` and may hold ``=``.

    Raises ``ValueError`` naming ``name`` for an empty base, a level without
    ``=`` or with an empty key, and a key given twice.

    >>> own = parse_name(
    ...     "StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0"
    ... )
    >>> own.base, own.procs, own.levels["RV"], own.levels["Paginate"]
    ('StoreList', None, '', '0')
    >>> list(own.levels)
    ['Namespaces', 'Pods', 'Nodes', 'RV', 'Scope', 'Paginate']
    >>> go = parse_name("BenchmarkStoreList/Namespaces=50/Store=Btree-24", go_suffix=True)
    >>> go.base, dict(go.levels), go.procs
    ('StoreList', {'Namespaces': '50', 'Store': 'Btree'}, 24)
    >>> parse_name("Encode-48", go_suffix=True)
    BenchmarkName(base='Encode', levels=mappingproxy({}), procs=48)
    >>> parse_name("InFlight/Offset=-1").levels["Offset"]
    '-1'
    >>> parse_name("StoreList/Btree")
    Traceback (most recent call last):
        ...
    ValueError: benchmark name 'StoreList/Btree': level 'Btree' is not key=value

    Cost: O(len(name)).
    """
    rest = name
    procs: int | None = None
    if go_suffix:
        rest = rest.removeprefix(_GO_LINE_MARKER)
        suffix = _PROCS_SUFFIX.search(rest)
        if suffix is not None:
            rest, procs = rest[: suffix.start()], int(suffix.group(1))
    base, *parts = rest.split("/")
    if not base:
        raise ValueError(f"benchmark name {name!r} has an empty base name")
    levels: dict[str, str] = {}
    for part in parts:
        key, equals, value = part.partition("=")
        if not equals:
            raise ValueError(f"benchmark name {name!r}: level {part!r} is not key=value")
        if not key:
            raise ValueError(f"benchmark name {name!r}: level {part!r} has an empty key")
        if key in levels:
            raise ValueError(f"benchmark name {name!r} repeats the level key {key!r}")
        levels[key] = value
    return BenchmarkName(base, MappingProxyType(levels), procs)
