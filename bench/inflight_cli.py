"""``storelist run --preset inflight|inflight-smoke``: the in-flight benchmarks' side of ``run``.

``bench.cli.cmd_run`` hands over here when the preset is an in-flight one. The
sampling options mean what they mean for StoreList runs; the StoreList-only options
(population sizes, --stores, --seed) are refused rather than silently ignored.
"""

from __future__ import annotations

import argparse
import sys

from bench.cli import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, sample_settings
from bench.inflight_runner import InFlightPlan, execute, memory_path, simulation_path
from bench.rundir import suite_path
from bench.runner import RunError, default_run_dir, prepare_run_dir
from stores import STORE_NAMES


def _fail(message: str, status: int = EXIT_ERROR) -> int:
    sys.stderr.write(f"storelist run: error: {message}\n")
    return status


def _plan(args: argparse.Namespace) -> InFlightPlan:
    storelist_only = [option for option, value in (
        ("--namespaces", args.namespaces), ("--pods-per-namespace", args.pods_per_namespace),
        ("--nodes", args.nodes), ("--seed", args.seed)) if value is not None]
    if args.stores != STORE_NAMES:
        storelist_only.append("--stores")
    if storelist_only:
        raise ValueError(f"preset {args.preset.name} times both trackers on fixed workloads; "
                         f"only StoreList presets take {', '.join(storelist_only)}")
    mode, settings = sample_settings(args)
    return InFlightPlan(args.output or default_run_dir(), args.preset, settings, mode)


def run_inflight(args: argparse.Namespace) -> int:
    """Run an in-flight preset; the exit status (0 done, 2 bad input or failure, 130 interrupted)."""
    try:
        plan = _plan(args)
        prepare_run_dir(plan.run_dir)  # refuse a used directory before announcing anything
    except (ValueError, RunError) as error:
        return _fail(str(error))
    cells, trackers = plan.preset.cells, plan.trackers
    print(f"storelist run: preset {plan.preset.name}, {len(cells)} cells x {len(trackers)} trackers "
          f"({', '.join(trackers)}), {plan.settings.processes} samples each; writing to {plan.run_dir}", flush=True)
    try:
        execute(plan, progress=lambda line: print(f"storelist run: {line}", flush=True))
    except RunError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return _fail(f"interrupted; partial results are in {plan.run_dir}", EXIT_INTERRUPTED)
    files = ", ".join(suite_path(plan.run_dir, tracker).name for tracker in trackers)
    print(f"storelist run: wrote {plan.run_dir} ({files}; {memory_path(plan.run_dir).name}, "
          f"{simulation_path(plan.run_dir).name} in meta/)\n"
          f"  compare: storelist compare {plan.run_dir}\n  report:  storelist report {plan.run_dir}")
    return EXIT_OK
