"""The manifest, ``RUN/meta/run.json``: what a run planned, how, where, and how far it got.

One shape for every suite: the configurations are the pyperf files' names (store
configurations for StoreList, trackers for in-flight), the benchmarks the planned
cells by name in plan order. What only one suite's report needs (the published
cells a scaled-down population stands for, the in-flight loop budget) is in
``facts``, typed by ``bench.rundir.facts``, so a report reads it from the run and
never from the code that ran it.

The manifest carries a format number. Format 1 (before the suites had one shape)
is refused with a message that says so: its fields cannot say what format 2 says.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.rundir.files import RunDirError, read_json, write_json
from bench.rundir.layout import manifest_path

MANIFEST_FORMAT = 2
SUITES: tuple[str, ...] = ("storelist", "inflight")
STATUSES: tuple[str, ...] = ("running", "complete", "interrupted", "failed")


@dataclass
class RunManifest:
    """What a run planned and how far it got."""

    suite: str  # one of SUITES
    preset: str
    configurations: list[str]
    benchmarks: list[str]
    seed: int
    settings: dict[str, int | float]  # bench.sampling.SampleSettings as a dict
    mode: str  # the bench.sampling.SAMPLE_MODES entry the settings started from
    command: str  # the storelist run command line that repeats the run
    environment: dict[str, str]
    started: str
    facts: dict[str, Any] = field(default_factory=dict)
    status: str = "running"  # one of STATUSES
    rounds_completed: int = 0
    finished: str = ""
    # Who runs it: a reader that finds "running" and no live lock holder knows the
    # process is gone (bench.rundir.lock); the heartbeat is the last sign of life.
    pid: int = 0
    host: str = ""
    heartbeat: str = ""
    # The executor's state, so a resumed run continues with the same plan: whether the
    # once-per-run measurements are recorded, and the loops of every (cell, configuration).
    prepared: bool = False
    loops: dict[str, dict[str, int]] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)  # when the run was resumed (UTC)
    samples: int = 0  # samples kept so far (one per configuration a worker process measured)
    unstable_samples: int = 0  # of those, how many pyperf's stability rule flags
    format: int = MANIFEST_FORMAT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, where: str) -> RunManifest:
        """The manifest in ``data``; RunDirError (naming ``where``) if it is not one."""
        if not isinstance(data, dict):
            raise RunDirError(f"{where}: not a run manifest (a JSON {type(data).__name__})")
        version = data.get("format")
        if version == 1:
            raise RunDirError(f"{where}: written by an earlier storelist-bench (manifest format 1, before the "
                              f"suites shared one manifest); this version reads format {MANIFEST_FORMAT}: "
                              "re-run it, or report it with the revision it names")
        if version != MANIFEST_FORMAT:
            raise RunDirError(f"{where}: unsupported manifest format {version!r}")
        try:
            manifest = cls(**data)
        except TypeError as error:
            raise RunDirError(f"{where}: not a run manifest ({error})") from None
        if manifest.suite not in SUITES or manifest.status not in STATUSES:
            raise RunDirError(f"{where}: not a run manifest (suite {manifest.suite!r}, status {manifest.status!r})")
        return manifest


def write_manifest(run_dir: Path, manifest: RunManifest) -> None:
    write_json(manifest_path(run_dir), manifest.to_dict())


def read_manifest(run_dir: Path) -> RunManifest | None:
    """The run's manifest, None if it has none (e.g. pyperf files copied by hand)."""
    path = manifest_path(run_dir)
    if not path.exists():
        return None
    return RunManifest.from_dict(read_json(path), str(path))
