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


def lock_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "lock"


def worker_log_path(run_dir: Path) -> Path:
    """Where the worker processes' standard error goes (pyperf's tracebacks among it)."""
    return run_dir / META_DIR / "workers.log"


def sample_dir_path(run_dir: Path) -> Path:
    """Where the worker in flight writes its pyperf files, one per configuration; merged into
    the suites once the worker succeeded."""
    return run_dir / META_DIR / "sample-in-flight"


def ops_path(run_dir: Path, configuration: str) -> Path:
    return run_dir / META_DIR / f"ops-{configuration}.json"


def store_memory_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "memory.json"


def copy_cost_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "copy.json"


def tracker_memory_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "inflight-memory.json"


def simulation_path(run_dir: Path) -> Path:
    return run_dir / META_DIR / "inflight-simulation.json"


def default_run_dir(results: Path = Path("results")) -> Path:
    """``results/<UTC timestamp>``, e.g. ``results/20250131T120000Z``."""
    return results / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def check_new_run_dir(run_dir: Path) -> None:
    """RunDirError unless ``run_dir`` is absent, or a directory holding nothing but an unheld lock.

    A first look before a run announces itself; the run checks again once it holds
    the directory's lock (``bench.executor``), which is what makes two runs into one
    directory impossible.
    """
    if not run_dir.exists():
        return
    if not run_dir.is_dir():
        raise RunDirError(f"{run_dir} exists and is not a directory; choose another -o")
    try:
        entries = {path.relative_to(run_dir) for path in run_dir.rglob("*")}
    except OSError as error:
        raise RunDirError(f"cannot read {run_dir}: {error.strerror or error}") from None
    if entries - {Path(META_DIR), lock_path(run_dir).relative_to(run_dir),
                  sample_dir_path(run_dir).relative_to(run_dir)}:
        raise RunDirError(f"{run_dir} already exists and is not empty; choose another -o "
                          "(existing results are never overwritten; storelist run --resume continues a run)")


def make_run_dir(run_dir: Path) -> None:
    """Create ``run_dir`` and its ``meta/`` (parents too); RunDirError if it cannot be made."""
    try:
        (run_dir / META_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunDirError(f"cannot create {run_dir}: {error.strerror or error}") from None
