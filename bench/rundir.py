"""The on-disk layout of a run directory, and its two side files.

::

    RUN/
      btree+index.json  btree.json  map+index.json  map.json
                          pyperf suites, one per store configuration, one benchmark
                          per cell (``pyperf compare_to RUN/a.json RUN/b.json`` works)
      meta/run.json       the manifest: what was planned, how, where, and how far it got
      meta/ops-<store>.json
                          objects/op and pages/op per cell, counted by the workers
      meta/memory.json    resident memory each loaded store adds, per population
      report.md, *.png    written by ``storelist report``

Side files live under ``meta/`` so ``RUN/*.json`` is exactly the pyperf files.
Writes go through a temporary file and ``os.replace``: an interrupted run never
leaves a half-written side file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_FORMAT = 1
META_DIR = "meta"


class RunDirError(ValueError):
    """A run directory or one of its files is missing, unreadable or malformed."""


def suite_path(run_dir: Path, store: str) -> Path:
    """The pyperf JSON file of ``store`` in ``run_dir``."""
    return run_dir / f"{store}.json"


def manifest_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "run.json"


def ops_path(run_dir: Path, store: str) -> Path:
    return run_dir / META_DIR / f"ops-{store}.json"


def memory_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "memory.json"


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as JSON, atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_json(path: Path) -> Any:
    """Parsed JSON of ``path``; RunDirError naming the file if it is unreadable or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDirError(f"{path}: no such file") from None
    except OSError as error:
        raise RunDirError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunDirError(f"{path}: not valid JSON ({error})") from None


@dataclass(frozen=True)
class CellSpec:
    """One planned cell, enough to rebuild its StoreListCase (``kind`` "StoreList") or,
    for ``kind`` "StoreCreateList", its create-then-list case: ``pods_per_namespace``
    operations in one namespace, limit (``paginate``) 1."""

    name: str
    namespaces: int
    pods_per_namespace: int
    nodes: int
    rv: str
    scope: str
    paginate: int
    kind: str = "StoreList"


@dataclass
class RunManifest:
    """What a run planned and how far it got (``meta/run.json``)."""

    preset: str
    stores: list[str]
    seed: int
    cells: list[CellSpec]
    settings: dict[str, int | float]
    command: str
    environment: dict[str, str]
    started: str
    mode: str = "default"  # bench.runner.SAMPLE_MODES entry the settings started from
    status: str = "running"  # running | complete | interrupted | failed
    rounds_completed: int = 0
    finished: str = ""
    format: int = MANIFEST_FORMAT
    # The workload: "storelist" (``cells``, ``stores`` = store configurations) or
    # "inflight" (``benchmarks`` by name, ``stores`` = trackers; see bench.inflight).
    kind: str = "storelist"
    benchmarks: list[str] = field(default_factory=list)

    def cell_names(self) -> list[str]:
        return [cell.name for cell in self.cells] + list(self.benchmarks)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, where: str) -> RunManifest:
        """The manifest in ``data``; RunDirError (naming ``where``) if it is not one."""
        try:
            if data.get("format") != MANIFEST_FORMAT:
                raise RunDirError(f"{where}: unsupported manifest format {data.get('format')!r}")
            cells = [CellSpec(**cell) for cell in data["cells"]]
            fields = {key: value for key, value in data.items() if key != "cells"}
            return cls(cells=cells, **fields)
        except (AttributeError, KeyError, TypeError) as error:
            raise RunDirError(f"{where}: not a run manifest ({error})") from None


def write_manifest(run_dir: Path, manifest: RunManifest) -> None:
    write_json(manifest_path(run_dir), manifest.to_dict())


def read_manifest(run_dir: Path) -> RunManifest | None:
    """The run's manifest, None if it has none (e.g. JSON files copied by hand)."""
    path = manifest_path(run_dir)
    if not path.exists():
        return None
    return RunManifest.from_dict(read_json(path), str(path))


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
