"""Where each file of a run directory lives, and making a new one (see ``bench.rundir``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bench.rundir.files import RunDirError

META_DIR = "meta"


def suite_path(run_dir: Path, configuration: str) -> Path:
    """The pyperf JSON file of one configuration (a store, or a tracker)."""
    return run_dir / f"{configuration}.json"


def manifest_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "run.json"


def ops_path(run_dir: Path, configuration: str) -> Path:
    return run_dir / META_DIR / f"ops-{configuration}.json"


def store_memory_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "memory.json"


def tracker_memory_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "inflight-memory.json"


def simulation_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "inflight-simulation.json"


def default_run_dir(results: Path = Path("results")) -> Path:
    """``results/<UTC timestamp>``, e.g. ``results/20250131T120000Z``."""
    return results / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def prepare_run_dir(run_dir: Path) -> None:
    """Create ``run_dir``; RunDirError if it exists and is not an empty directory, or cannot be made."""
    if run_dir.exists():
        if not run_dir.is_dir():
            raise RunDirError(f"{run_dir} exists and is not a directory; choose another -o")
        if any(run_dir.iterdir()):
            raise RunDirError(f"{run_dir} already exists and is not empty; choose another -o "
                              "(existing results are never overwritten)")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunDirError(f"cannot create {run_dir}: {error.strerror or error}") from None
