"""Measuring what the result copy costs per item, for each pod profile.

Every LIST hands out struct copies of the selected objects (``stores.cacher``:
``workloads.copy_pod``), so the copy is paid per returned item by all four
configurations. Measured in a fresh interpreter per profile: ``ITEMS`` pods of the
profile, copied ``REPEATS`` times with the cyclic GC off (as in the timed loops), each
timing divided by ``ITEMS``; the record keeps the median and quartiles in ns per item.
Cost: about a second per profile.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.rundir.copy_file import CopyCost, save_copy_costs
from bench.storelist.fixture import gc_paused
from workloads import POD_PROFILES, PopulationShape, copy_pod, generate_population

ITEMS = 3_000
REPEATS = 50


def measure_here(profile: str, items: int = ITEMS, repeats: int = REPEATS) -> CopyCost:
    """Measure in this process (see ``measure``)."""
    with gc_paused():
        pods = generate_population(PopulationShape(1, items, 10), 1, profile).pods
        timings = []
        for _ in range(repeats):
            started = time.perf_counter_ns()
            copies = list(map(copy_pod, pods))
            timings.append((time.perf_counter_ns() - started) / items)
            del copies
    q1, median, q3 = statistics.quantiles(timings, n=4)
    return CopyCost(profile, items, repeats, median, q1, q3)


def measure(profile: str) -> CopyCost:
    """Measure in a fresh interpreter, away from whatever this process's heap holds."""
    command = [sys.executable, "-m", "bench.storelist.measure_copy", profile]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return CopyCost(**json.loads(output))


def measure_copy_costs(run_dir: Path) -> list[CopyCost]:
    """Measure every pod profile and save the records; the records."""
    records = [measure(profile) for profile in POD_PROFILES]
    save_copy_costs(run_dir, records)
    return records


def main(argv: list[str]) -> int:
    (profile,) = argv
    print(json.dumps(asdict(measure_here(profile))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
