"""Objects and pages per LIST, as the workers counted them: ``RUN/meta/ops-<configuration>.json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from bench.rundir.files import RunDirError, read_json, write_json


@dataclass(frozen=True)
class OpsCount:
    """LIST requests timed for one cell, and the pages and objects they returned."""

    requests: int = 0
    pages: int = 0
    objects: int = 0

    def __add__(self, other: OpsCount) -> OpsCount:
        return OpsCount(self.requests + other.requests, self.pages + other.pages, self.objects + other.objects)

    @property
    def pages_per_op(self) -> float:
        return self.pages / self.requests if self.requests else 0.0

    @property
    def objects_per_op(self) -> float:
        return self.objects / self.requests if self.requests else 0.0


def load_ops(path: Path) -> dict[str, OpsCount]:
    """Counts per cell name from an ops file; empty if the file does not exist."""
    if not path.exists():
        return {}
    data = read_json(path)
    try:
        return {name: OpsCount(**count) for name, count in data["cells"].items()}
    except (AttributeError, KeyError, TypeError) as error:
        raise RunDirError(f"{path}: not an ops file ({error})") from None


def add_ops(path: Path, cell: str, count: OpsCount) -> None:
    """Add ``count`` to ``cell``'s totals in the ops file (created if needed).

    Read-modify-write: safe because a run's workers run one after another.
    """
    counts = load_ops(path)
    counts[cell] = counts.get(cell, OpsCount()) + count
    write_json(path, {"cells": {name: asdict(total) for name, total in counts.items()}})
