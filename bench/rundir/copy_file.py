"""The StoreList run's result-copy figures, ``RUN/meta/copy.json``: one record per pod profile.

``bench.storelist.measure_copy`` measures them before the first round; the report reads
them back here. A run made before they were measured has no file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.rundir.files import read_records, write_json
from bench.rundir.layout import copy_cost_path


@dataclass(frozen=True, slots=True)
class CopyCost:
    """The struct copy a LIST makes of one item (``workloads.copy_pod``), for one pod profile:
    the median and quartiles over ``repeats`` timings of copying ``items`` pods."""

    pods_profile: str
    items: int
    repeats: int
    median_ns: float
    q1_ns: float
    q3_ns: float


def save_copy_costs(run_dir: Path, records: Sequence[CopyCost]) -> None:
    write_json(copy_cost_path(run_dir), {"copies": [asdict(record) for record in records]})


def load_copy_costs(run_dir: Path) -> list[CopyCost]:
    """The run's copy figures; empty if it has none; RunDirError if malformed."""
    return read_records(copy_cost_path(run_dir), "copies", lambda item: CopyCost(**item), "copy-cost file")
