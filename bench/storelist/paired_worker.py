"""One sample of the paired design: every configuration of one StoreList cell, in one process, in interleaved blocks.

Run as ``python -m bench.storelist.paired_worker --namespaces 50 --pods-per-namespace
3000 --nodes 5000 --rv= --scope Namespace --paginate 0 --seed 1 --stores
btree+index,btree,map+index,map --round 3 --blocks 40 --warmups 1 --block-time 0.01
--clock cpu --output RUN/meta/sample-in-flight --run-dir RUN``.

The process builds the population and the storage once and a cacher of every
configuration over that one storage (the configurations share the pods and the
storage, as one API server's caches would; each has its own store and indexes). It
then times rounds of blocks: one block per configuration, ``loops`` requests each,
the order rotated by one from round to round (and by the executor's round from
process to process), so that no configuration always follows the same one. Adjacent
blocks saw the same machine: the ratio of a configuration's block to the base's block
of the same round cancels most of what other processes do to this one and of the
drift over seconds, and the median of a process's per-block ratios is its estimate of
the ratio (``benchstat.paired``). The process stays the sample unit (its heap layout,
hash seed and code placement are shared by all its blocks): the run's interval comes
from the processes.

Output: per configuration a pyperf file ``OUTPUT/<configuration>.json`` with one run
whose values are the measured blocks' seconds per request (warm-up rounds as pyperf
warm-ups), and whose metadata carries the cell, the clock, the executor's round, the
process's ratio to the base (``storelist_ratio``), the seconds spent inside timed loops
(``storelist_timed_seconds``) and, on the base, the process's wall time
(``storelist_wall_seconds``), and, in every second round, where each configuration's LIST
time goes (``storelist_phases_ns``, from the instrumented pass run after the measured
blocks: ``bench.storelist.phase_pass``). The executor merges them into
``RUN/<configuration>.json``.
Every request's counts are checked as in the unpaired design (``CellTimer``); a wrong
count ends the process with one line and no output.

Loops: given per configuration (``--loops store=N,...``, as calibrated in the first
round), else calibrated here: grown until one block lasts ``block_time`` for the
warm-up rounds, then settled from the median of repeated blocks once warm
(``settle_loops``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pyperf

from bench.blocks import add_block_arguments, paired_runs, time_rounds
from bench.environment import describe_environment
from bench.rundir.layout import ops_path
from bench.rundir.metadata_keys import CLOCK_KEY
from bench.rundir.ops import add_ops
from bench.storelist.cases import StoreListCase
from bench.storelist.cell_timer import CLOCKS, CellTimer
from bench.storelist.etcd_fixture import attach_storage
from bench.storelist.expected import ExpectedCounts, PopulationIndex
from bench.storelist.fixture import (CellFixture, Profiles, etcd_from_args, gc_paused, load_storage, pod_cacher,
                                    profiles_from_args)
from bench.storelist.phase_pass import PHASE_CLOCK, PhaseSample, in_phase_round, measure_phases
from bench.storelist.worker import add_cell_arguments, run_metadata
from bench.worker import ROUND_KEY, WrongAnswerError
from storage.errors import StorageError
from stores import STORE_NAMES
from stores.list_phases import PHASE_BESIDE_KEY, PHASE_OVERHEAD_KEY, PHASES_KEY, encode_phases
from workloads import PopulationShape, generate_population

MODULE = "bench.storelist.paired_worker"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cell_arguments(parser)
    add_block_arguments(parser, "stores", "seconds one block lasts at least")
    parser.add_argument("--clock", required=True, choices=CLOCKS)
    parser.add_argument("--output", required=True, type=Path, help="directory for one pyperf file per configuration")
    parser.add_argument("--run-dir", required=True, type=Path, help="the run directory (for the ops counts)")
    return parser


def build_timers(case: StoreListCase, stores: Sequence[str], seed: int, clock: str,
                 profiles: Profiles = Profiles(), etcd: tuple[str, str] | None = None) -> dict[str, CellTimer]:
    """One population and storage, a cacher of every configuration over it, and their timers.

    ``etcd``: (endpoint, key prefix) of the population the suite loaded into a real etcd
    (``bench.storelist.etcd_fixture``), attached to instead of an embedded storage."""
    with gc_paused():
        population = generate_population(case.shape, seed, profiles.pods)
        if etcd is None:
            storage, revisions = load_storage(population), None
        else:
            storage, revisions = attach_storage(*etcd, population)
        fixtures = {store: CellFixture(population, storage, pod_cacher(storage, store, profiles.indexers), revisions)
                    for store in stores}
        # One index of the population for every configuration's expected counts (it does
        # not depend on the configuration): 0.1-0.3 s saved per configuration at 150k pods.
        expectation = partial(ExpectedCounts, index=PopulationIndex(population), revisions=revisions)
    return {store: CellTimer(case, store, seed, expectation, fixture=fixtures[store], clock=CLOCKS[clock],
                             primed=True) for store in stores}


def sample_runs(case: StoreListCase, args: argparse.Namespace, loops: dict[str, int],
                warmups: dict[str, list[float]], measured: dict[str, list[float]],
                wall_seconds: float, warmup_loops: dict[str, int] | None = None,
                phases: dict[str, PhaseSample] | None = None) -> dict[str, pyperf.Run]:
    """One pyperf run per configuration: the measured blocks, the warm-ups, and the process's ratio."""
    environment = describe_environment()
    metadata: dict[str, dict[str, str | int | float]] = {}
    for store in args.stores:
        metadata[store] = {"name": case.name, "unit": "second",
                           **run_metadata(case, store, args.seed, profiles_from_args(args)),
                           **environment, CLOCK_KEY: args.clock, ROUND_KEY: args.round}
        if phases and store in phases:
            metadata[store][PHASES_KEY] = encode_phases(phases[store].phases)
            metadata[store][PHASE_BESIDE_KEY] = round(phases[store].beside_ns, 1)
            metadata[store][PHASE_OVERHEAD_KEY] = round(phases[store].overhead, 4)
    metadata[args.stores[0]]["storelist_wall_seconds"] = wall_seconds
    return paired_runs({store: measured[store] for store in args.stores}, warmups, loops, warmup_loops or loops,
                       metadata)


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = _parser().parse_args(argv)
    unknown = [store for store in args.stores if store not in STORE_NAMES]
    if unknown or len(set(args.stores)) != len(args.stores) or args.blocks < 1 or args.warmups < 0:
        sys.exit(f"{MODULE}: bad options (stores {args.stores}, blocks {args.blocks}, warm-ups {args.warmups})")
    case = StoreListCase(PopulationShape(args.namespaces, args.pods_per_namespace, args.nodes),
                         args.rv, args.scope, args.paginate)
    try:
        profiles = profiles_from_args(args)
        etcd = etcd_from_args(args)
        timers = build_timers(case, args.stores, args.seed, args.clock, profiles, etcd)
        timed = time_rounds(timers, args.loops, args.block_time, args.round, args.warmups, args.blocks)
        phases = (measure_phases(timers, timed.loops, PHASE_CLOCK, args.round + args.warmups + args.blocks)
                  if in_phase_round(args.round) else {})
    except WrongAnswerError as error:
        sys.exit(f"{MODULE}: wrong count: {error}")
    except (StorageError, ValueError) as error:  # etcd gone, refused, or holding another population
        sys.exit(f"{MODULE}: {error}")
    runs = sample_runs(case, args, timed.loops, timed.warmups, timed.measured, time.perf_counter() - started,
                       timed.warmup_loops, phases)
    for store, run in runs.items():
        pyperf.Benchmark([run]).dump(str(args.output / f"{store}.json"))
        add_ops(ops_path(args.run_dir, store), case.name, timers[store].counted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
