"""Running the instrumented pass (``bench.storelist.phase_worker``) for every StoreList cell of a run.

``PROCESSES`` fresh worker processes per cell, before the first round, never inside the
timed runs; per configuration and phase the record keeps the median over them, since one
process's absolute times differ from another's by several per cent (heap layout, hash
seed), and the phases are held against the median of the run's processes. The records
are saved after every cell (``bench.rundir.phases_file``). Cost per cell: ``PROCESSES``
x (a fixture build, ~3 s at 150k pods, plus ~2 x ``SECONDS_PER_CONFIGURATION`` per
configuration).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.rundir.phases_file import save_phases
from bench.storelist.cases import StoreListCase
from bench.storelist.fixture import Profiles
from bench.storelist.phase_worker import MODULE
from bench.storelist.worker import cell_arguments

SECONDS_PER_CONFIGURATION = 0.1
PROCESSES = 3


def combine(outputs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The workers' outputs for one cell as one record: medians per configuration and phase."""
    first = outputs[0]
    stores: dict[str, Any] = {}
    for store in first["stores"]:
        measured = [output["stores"][store] for output in outputs]
        stores[store] = {
            "phases_ns": {phase: statistics.median(m["phases_ns"][phase] for m in measured)
                          for phase in measured[0]["phases_ns"]},
            **{key: statistics.median(m[key] for m in measured) for key in ("plain_ns", "instrumented_ns",
                                                                              "clock_read_ns")},
            "requests": sum(m["requests"] for m in measured),
        }
    return {"cell": first["cell"], "clock": first["clock"], "stores": stores}


def measure_phases(run_dir: Path, cases: Sequence[StoreListCase], stores: Sequence[str], seed: int, clock: str,
                   profiles: Profiles, progress: Callable[[str], None] = lambda message: None) -> list[dict[str, Any]]:
    """Measure every cell's phases, saving after each; the records."""
    records: list[dict[str, Any]] = []
    for case in cases:
        command = [sys.executable, "-m", MODULE, *cell_arguments(case, seed, profiles), f"--stores={','.join(stores)}",
                   f"--clock={clock}", f"--seconds={SECONDS_PER_CONFIGURATION}"]
        outputs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
                   for _ in range(PROCESSES)]
        records.append(combine(outputs))
        save_phases(run_dir, records)
        progress(f"phases: {case.name} measured")
    return records
