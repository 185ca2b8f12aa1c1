"""The StoreList run's phase costs, ``RUN/meta/phases.json``: per cell and configuration,
where one LIST's time goes (``bench.storelist.phase_worker``'s output, one record per cell).

Saved after every cell, so an interrupted run keeps what it measured; the report reads
them back here. A run made before phases were measured has no file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.rundir.files import read_records, write_json
from bench.rundir.layout import phases_path


@dataclass(frozen=True)
class StorePhases:
    """One configuration of one cell: ns per request of every phase (the clock read's cost
    taken off), of the instrumented and of the plain request, and the requests counted."""

    phases_ns: Mapping[str, float]
    plain_ns: float
    instrumented_ns: float
    clock_read_ns: float
    requests: int

    @property
    def total_ns(self) -> float:
        return sum(self.phases_ns.values())


@dataclass(frozen=True)
class CellPhases:
    cell: str
    clock: str
    stores: Mapping[str, StorePhases]


def save_phases(run_dir: Path, records: Sequence[dict[str, Any]]) -> None:
    """Save the phase workers' JSON objects as they printed them."""
    write_json(phases_path(run_dir), {"cells": list(records)})


def load_phases(run_dir: Path) -> list[CellPhases]:
    """The run's phase costs; empty if it has none; RunDirError if malformed."""
    def build(item: dict[str, Any]) -> CellPhases:
        return CellPhases(item["cell"], item["clock"],
                          {store: StorePhases(**values) for store, values in item["stores"].items()})

    return read_records(phases_path(run_dir), "cells", build, "phases file")
