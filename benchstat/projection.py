"""benchstat's ``-col`` and ``-row``: which parts of a result make its column and its row.

A projection is a comma-separated list of keys (``-col /Store,/Indexed``):

- ``/key``: the value of the ``/key=value`` level of the benchmark name (empty if the
  name has no such level);
- ``.file``: the file's label (``-col``'s default);
- ``.name``: the base name, before the first ``/`` (for ``-row``);
- ``.fullname``: the whole name (``-row``'s default), with every ``/key=`` level that a
  ``-col`` key uses taken out, as benchstat removes the more specific key from the
  general one. The ``-N`` GOMAXPROCS suffix stays, as benchstat keeps it.

Columns come in benchstat's order: field by field, each field's values in the order
they were first seen (over the whole input, not per column). The first column is the
base. A column's label is its values joined by spaces (``Btree true``): benchstat
stacks one header row per key instead (``Btree`` spanning its two columns above
``true`` and ``false``), which this renderer's single header row cannot; the values
and their order are the same. A row's label with several ``-row`` keys is their
values joined by spaces, as benchstat's, empty values skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


FILE_KEY = ".file"
NAME_KEY = ".name"
FULLNAME_KEY = ".fullname"
_SPECIAL = (FILE_KEY, NAME_KEY, FULLNAME_KEY)
_LEVEL = re.compile(r"/[^/=]+\Z")


@dataclass(frozen=True)
class Projection:
    """The keys of one ``-col`` or ``-row`` option, in order."""

    keys: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, option: str) -> Projection:
        """``/Store,/Indexed`` -> its keys; ValueError in one line for an empty or unknown key.

        >>> Projection.parse("/Store,/Indexed", "-col").keys
        ('/Store', '/Indexed')
        >>> Projection.parse("/Store,unit", "-col")
        Traceback (most recent call last):
            ...
        ValueError: -col: unknown key 'unit': expected /key, .file, .name or .fullname
        """
        keys = tuple(part.strip() for part in text.split(","))
        for key in keys:
            if key not in _SPECIAL and not _LEVEL.match(key):
                raise ValueError(f"{option}: unknown key {key!r}: expected /key, .file, .name or .fullname")
        if len(set(keys)) != len(keys):
            raise ValueError(f"{option}: a key is given twice in {text!r}")
        return cls(keys)

    @property
    def levels(self) -> tuple[str, ...]:
        """The name-level keys, without their ``/``."""
        return tuple(key[1:] for key in self.keys if key.startswith("/"))

    def values(self, name: str, label: str, removed: Sequence[str] = ()) -> tuple[str, ...]:
        """This projection's values for a result called ``name`` from the file ``label``;
        ``removed``: levels taken out of ``.fullname``."""
        base, levels = _split(name)
        out = []
        for key in self.keys:
            if key == FILE_KEY:
                out.append(label)
            elif key == NAME_KEY:
                out.append(base)
            elif key == FULLNAME_KEY:
                out.append(fullname_without(name, removed))
            else:
                out.append(levels.get(key[1:], ""))
        return tuple(out)


def _split(name: str) -> tuple[str, dict[str, str]]:
    """The base name and the ``key=value`` levels of a Go name, positional levels
    (``/json``, which benchstat accepts) skipped rather than refused."""
    rest = re.sub(r"-[0-9]+\Z", "", name.removeprefix("Benchmark"))
    base, *parts = rest.split("/")
    return base, {key: value for key, equals, value in (part.partition("=") for part in parts) if equals}


def fullname_without(name: str, levels: Sequence[str]) -> str:
    """``name`` (``Benchmark`` prefix dropped) without its ``/key=value`` parts for ``levels``.

    >>> fullname_without("BenchmarkStoreList/Namespaces=50/Store=Btree/Indexed=true/RV=-24", ["Store", "Indexed"])
    'StoreList/Namespaces=50/RV=-24'
    """
    rest = name.removeprefix("Benchmark")
    suffix = re.search(r"-[0-9]+\Z", rest)
    procs = ""
    if suffix is not None:
        rest, procs = rest[: suffix.start()], suffix.group(0)
    base, *parts = rest.split("/")
    kept = [part for part in parts if "=" not in part or part.partition("=")[0] not in levels]
    return "/".join([base, *kept]) + procs


def label_of(values: Sequence[str]) -> str:
    """A column's or row's label: its values joined by spaces, empty ones skipped."""
    return " ".join(value for value in values if value)


DEFAULT_COL = Projection((FILE_KEY,))
DEFAULT_ROW = Projection((FULLNAME_KEY,))
