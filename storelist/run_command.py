"""``storelist run``: time a preset's cells into a new run directory, either suite.

A preset name picks the suite: the StoreList presets (``bench.storelist.presets``) or
the in-flight ones (``bench.inflight.presets``). Both build a plan that the executor
runs (``bench.executor``); the sampling options mean the same for both. Options of
the other suite are refused rather than silently ignored.

``--resume RUN`` rebuilds the plan from the command line the run recorded and goes on
where it stopped; it refuses a run whose recorded plan this version would build
differently (other cells, configurations, seed or sampling).

Exit status: 0 done; 2 nothing done (bad option, unusable directory) or the run
failed; 128 + the signal's number when interrupted (130 for Ctrl-C, 143 for SIGTERM,
129 for SIGHUP), the finished samples kept and the manifest saying so.
"""

from __future__ import annotations

import argparse
import shlex
import signal
from contextlib import nullcontext
from pathlib import Path

from bench.executor import RunError, execute
from bench.interrupts import Interrupted, signals_as_interrupts
from bench.inflight.presets import INFLIGHT_PRESETS
from bench.inflight.suite import InFlightPlan
from bench.rundir.files import RunDirError
from bench.rundir.layout import check_new_run_dir, default_run_dir, suite_path, worker_log_path
from bench.rundir.lock import has_live_holder
from bench.rundir.manifest import RunManifest, read_manifest
from bench.sampling import SAMPLE_MODES, SampleSettings
from bench.storelist.presets import PRESETS, custom_preset, get_preset, sweep_preset
from bench.storelist.cell_timer import CLOCKS
from bench.storelist.fixture import STORAGES, Profiles
from bench.storelist.suite import DEFAULT_DESIGN, DESIGNS, StoreListPlan, default_clock, ordered_stores
from storage.errors import StorageError
from storage.etcd_server import EtcdUnavailableError
from stores import INDEXER_PROFILES, STORE_NAMES
from storelist.options import (EXIT_ERROR, EXIT_OK, EXIT_STATUS_HELP, counts, fail, non_negative, positive,
                               seconds, wrap)
from storelist.progress import RunProgress
from workloads import POD_PROFILES, PopulationShape, new_seed

DEFAULT_PRESET = "published"


def _stores(text: str) -> tuple[str, ...]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of stores")
    try:
        return ordered_stores(names)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _preset_name(text: str) -> str:
    if text not in PRESETS and text not in INFLIGHT_PRESETS:
        raise argparse.ArgumentTypeError(f"unknown preset {text!r}; valid presets: "
                                         f"{', '.join([*PRESETS, *INFLIGHT_PRESETS])}")
    return text


def sample_settings(args: argparse.Namespace) -> tuple[str, SampleSettings]:
    """The sample mode chosen (--fast, --rigorous or default) and its settings, overridden by the options."""
    mode = "fast" if args.fast else "rigorous" if args.rigorous else "default"
    base = SAMPLE_MODES[mode]
    return mode, SampleSettings(
        processes=args.processes or base.processes,
        values=args.values or base.values,
        warmups=base.warmups if args.warmups is None else args.warmups,
        min_time=args.min_time or base.min_time,
        loops=base.loops if args.loops is None else args.loops,
        blocks=args.blocks or base.blocks,
        block_time=args.block_time or base.block_time)


def _storelist_plan(args: argparse.Namespace) -> StoreListPlan:
    sizes = (args.namespaces, args.pods_per_namespace, args.nodes)
    if any(size is not None for size in sizes):
        if None in sizes:
            raise ValueError("custom sizes need all of --namespaces, --pods-per-namespace and --nodes")
        if args.preset is not None:
            raise ValueError("give either --preset or custom sizes, not both")
        preset = custom_preset(PopulationShape(*sizes))
    else:
        preset = get_preset(args.preset or DEFAULT_PRESET)
    sweep = {"total_pods": args.sweep_total, "namespace_counts": args.sweep_namespaces, "nodes": args.sweep_nodes}
    if any(value is not None for value in sweep.values()):
        if preset.name != "sweep":
            raise ValueError("--sweep-total, --sweep-namespaces and --sweep-nodes need --preset sweep")
        preset = sweep_preset(**{key: value for key, value in sweep.items() if value is not None})
    mode, settings = sample_settings(args)
    seed = new_seed() if args.seed is None else args.seed
    return StoreListPlan(args.output or default_run_dir(), preset, args.stores, seed, settings, mode,
                         args.design, args.clock or default_clock(args.storage),
                         Profiles(args.pods, args.indexers, args.storage),
                         args.etcd_endpoints, args.cells or "")


def _inflight_plan(args: argparse.Namespace) -> InFlightPlan:
    storelist_only = [option for option, value in (
        ("--namespaces", args.namespaces), ("--pods-per-namespace", args.pods_per_namespace),
        ("--nodes", args.nodes), ("--seed", args.seed), ("--cells", args.cells), ("--sweep-total", args.sweep_total),
        ("--sweep-namespaces", args.sweep_namespaces), ("--sweep-nodes", args.sweep_nodes)) if value is not None]
    storelist_only += [option for option, value, default in (
        ("--design", args.design, DEFAULT_DESIGN), ("--clock", args.clock, None),
        ("--pods", args.pods, Profiles().pods), ("--indexers", args.indexers, Profiles().indexers),
        ("--storage", args.storage, Profiles().storage), ("--etcd-endpoints", args.etcd_endpoints, "")) if value != default]
    if args.stores != STORE_NAMES:
        storelist_only.append("--stores")
    if storelist_only:
        raise ValueError(f"preset {args.preset} times both trackers on fixed workloads; "
                         f"only StoreList presets take {', '.join(storelist_only)}")
    unpaired_only = [option for option, value in (("--values", args.values), ("--min-time", args.min_time))
                     if value is not None]
    if unpaired_only:
        raise ValueError(f"preset {args.preset} times both trackers in blocks (the paired design); "
                         f"{', '.join(unpaired_only)} size unpaired values: use --blocks and --block-time")
    mode, settings = sample_settings(args)
    return InFlightPlan(args.output or default_run_dir(), INFLIGHT_PRESETS[args.preset], settings, mode)


Plan = StoreListPlan | InFlightPlan
# The manifest fields a resumed run must reproduce from its recorded command line.
PLAN_FIELDS: tuple[str, ...] = ("suite", "preset", "configurations", "benchmarks", "seed", "settings", "mode", "facts")


def _plan(args: argparse.Namespace) -> Plan:
    return _inflight_plan(args) if args.preset in INFLIGHT_PRESETS else _storelist_plan(args)


def _resumed_plan(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Plan:
    """The plan recorded in ``args.resume``'s manifest, rebuilt; ValueError if it cannot be resumed."""
    given = [option for option, value in vars(args).items()
             if option not in ("resume", "func", "parser", "command") and value != parser.get_default(option)]
    if given:
        raise ValueError(f"--resume continues the run's recorded plan and takes no other options "
                         f"(got --{given[0].replace('_', '-')})")
    run_dir: Path = args.resume
    if not run_dir.is_dir():
        raise ValueError(f"{run_dir}: no such run directory")
    manifest = read_manifest(run_dir)
    if manifest is None:
        raise ValueError(f"{run_dir}: no manifest (meta/run.json): not a run to resume")
    if manifest.status == "complete":
        raise ValueError(f"{run_dir}: the run is complete; nothing to resume")
    if has_live_holder(run_dir):
        raise ValueError(f"{run_dir} is still running (PID {manifest.pid}); it cannot be resumed while it runs")
    recorded = shlex.split(manifest.command)
    plan = _plan(parser.parse_args([*recorded[2:], "-o", str(run_dir)]))  # after "storelist run"
    _check_same_plan(plan.new_manifest(), manifest, run_dir)
    return plan


def _check_same_plan(rebuilt: RunManifest, recorded: RunManifest, run_dir: Path) -> None:
    for name in PLAN_FIELDS:
        if getattr(rebuilt, name) != getattr(recorded, name):
            raise ValueError(f"{run_dir}: this version of storelist-bench builds another plan from the run's "
                             f"recorded command ({name} differ); resume it with the revision that started it "
                             f"({recorded.environment.get('git_revision', 'unknown')})")


def cmd_run(args: argparse.Namespace) -> int:
    try:
        plan = _resumed_plan(args, args.parser) if args.resume else _plan(args)
        if not args.resume:
            check_new_run_dir(plan.run_dir)  # refuse a used directory before announcing anything
    except (ValueError, RunError) as error:
        return fail("run", str(error))
    seed = f"; seed {plan.seed}" if isinstance(plan, StoreListPlan) else ""
    names = plan.configurations
    verb = "resuming" if args.resume else "writing to"
    print(f"storelist run: preset {plan.preset.name}, {len(plan.cell_names())} cells x {len(names)} configurations "
          f"({', '.join(names)}), {plan.settings.processes} samples each{seed}; {verb} {plan.run_dir}", flush=True)
    try:
        with signals_as_interrupts(), RunProgress(f"storelist run: {plan.run_dir}") as progress:
            session = plan.storage_session(progress.note) if isinstance(plan, StoreListPlan) else nullcontext()
            with session:
                manifest = execute(plan, progress=progress, resume=args.resume)
    except Interrupted as interrupt:
        return fail("run", f"stopped by {signal.Signals(interrupt.signum).name}; the finished samples are in "
                    f"{plan.run_dir}: storelist run --resume {plan.run_dir}", 128 + interrupt.signum)
    except KeyboardInterrupt:
        return fail("run", f"interrupted; the finished samples are in {plan.run_dir}: "
                    f"storelist run --resume {plan.run_dir}", 128 + signal.SIGINT)
    except (RunDirError, RunError, EtcdUnavailableError, StorageError) as error:
        return fail("run", str(error), EXIT_ERROR)
    files = ", ".join(suite_path(plan.run_dir, name).name for name in names)
    print(f"storelist run: {manifest.unstable_samples} of {manifest.samples} samples flagged unstable by pyperf's "
          f"rule (std dev >= 10% of the mean, or a value 50% off it); pyperf's lines are in "
          f"{worker_log_path(plan.run_dir)}")
    print(f"storelist run: wrote {plan.run_dir} ({files}; side files in meta/){seed}\n"
          f"  compare: storelist compare {plan.run_dir}\n  report:  storelist report {plan.run_dir}")
    return EXIT_OK


def add_run(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    presets = [(name, preset.description) for name, preset in PRESETS.items()]
    presets += [(name, preset.description) for name, preset in INFLIGHT_PRESETS.items()]
    parser = commands.add_parser(
        "run", help="time a preset's cells into a new run directory",
        description=wrap("Time every cell of a preset on every selected configuration with pyperf, into "
                         "RUN/<configuration>.json (one pyperf benchmark per cell; `python -m pyperf compare_to "
                         "RUN/btree+index.json RUN/btree.json` works). Worker processes run in interleaved "
                         "rounds, one sample per process; see bench/executor.py."),
        epilog="presets:\n" + "\n".join(f"  {name:14} {description}" for name, description in presets)
               + "\n\nsample modes (processes; paired: blocks of at least; unpaired: values of at least; warm-ups):\n"
               + "\n".join(f"  {name:9} {s.processes}; {s.blocks} x {s.block_time} s; {s.values} x {s.min_time} s; "
                           f"{s.warmups}" for name, s in SAMPLE_MODES.items())
               + f"\n\n{EXIT_STATUS_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    what = parser.add_argument_group("what to time")
    what.add_argument("--preset", type=_preset_name, metavar="|".join([*PRESETS, *INFLIGHT_PRESETS]),
                      help=f"named set of cells (default: {DEFAULT_PRESET}, the published table)")
    what.add_argument("--namespaces", type=positive, help="custom population: namespaces")
    what.add_argument("--pods-per-namespace", type=positive, help="custom population: pods per namespace")
    what.add_argument("--nodes", type=positive, help="custom population: nodes")
    what.add_argument("--sweep-total", type=positive, metavar="PODS",
                      help="sweep preset: pods in every population (default 150000)")
    what.add_argument("--sweep-namespaces", type=counts, metavar="LIST",
                      help="sweep preset: comma-separated namespace counts (default 10,30,100,300,1000,3000,10000,30000)")
    what.add_argument("--sweep-nodes", type=positive, metavar="NODES", help="sweep preset: nodes (default 5000)")
    what.add_argument("--stores", type=_stores, default=STORE_NAMES, metavar="LIST",
                      help=f"comma-separated store configurations (default: {','.join(STORE_NAMES)})")
    what.add_argument("--cells", metavar="REGEXP",
                      help="time only the cells whose full name this regular expression finds (like Go's -bench, "
                           "but one search over the whole name; e.g. '^StoreList/.*(RV=Exact|Paginate=[1-9])' for "
                           "the Exact and paginated leaves of --preset full)")
    what.add_argument("--seed", type=non_negative, help="population seed (default: a fresh one, printed and recorded)")
    what.add_argument("--design", choices=DESIGNS, default=DEFAULT_DESIGN,
                      help="paired: all configurations of a cell in one process, in interleaved blocks (the ratio "
                           "table's design); unpaired: one configuration per process (default: %(default)s)")
    what.add_argument("--clock", choices=CLOCKS, default=None,
                      help="cpu: the timing thread's CPU time (what other processes take away is not counted); "
                           "wall: elapsed time (default: cpu; wall with --storage etcd, whose work is in "
                           "another process)")
    what.add_argument("--pods", choices=POD_PROFILES, default=Profiles().pods,
                      help="minimal: the benchmark's bare test pod; exemplar: a realistic pod of about 10 KB as "
                           "JSON (labels, annotations, owner reference, containers, status; default: %(default)s)")
    what.add_argument("--indexers", choices=INDEXER_PROFILES, default=Profiles().indexers,
                      help="benchmark: every configuration registers the namespace and node indexes, as upstream's "
                           "benchmark; registry: the pod registry's rule after kubernetes #129933, the B-tree "
                           "configurations keep only the node index (default: %(default)s)")
    what.add_argument("--storage", choices=STORAGES, default=Profiles().storage,
                      help="embedded: the in-process model of etcd; etcd: a real etcd, private on loopback (Debian's "
                           "etcd-server) unless --etcd-endpoints is given; the paired design and minimal pods only "
                           "(default: %(default)s)")
    what.add_argument("--etcd-endpoints", default="", metavar="URL[,URL...]",
                      help="with --storage etcd: an existing cluster; the run touches only a unique key prefix "
                           "there and deletes it at the end")
    how = parser.add_argument_group("sampling (pyperf)")
    modes = how.add_mutually_exclusive_group()
    modes.add_argument("--fast", action="store_true", help="fewer samples and shorter values: rough answers quickly")
    modes.add_argument("--rigorous", action="store_true", help="twice the samples: tighter intervals, twice the time")
    how.add_argument("--processes", type=positive, help="samples (worker processes) per cell and configuration")
    how.add_argument("--values", type=positive, help="unpaired: values per worker process")
    how.add_argument("--warmups", type=non_negative, help="warm-up values (unpaired) or rounds of blocks (paired) per worker process")
    how.add_argument("--min-time", type=seconds, metavar="SECONDS", help="unpaired: minimum duration of a value")
    how.add_argument("--loops", type=non_negative, help="operations per value or block (default 0: calibrated once)")
    how.add_argument("--blocks", type=positive, help="paired: measured rounds of blocks per worker process")
    how.add_argument("--block-time", type=seconds, metavar="SECONDS", help="paired: minimum duration of a block (in-flight cells: of its timed part)")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="run directory, new or empty (default: results/<UTC timestamp>)")
    parser.add_argument("--resume", type=Path, metavar="RUN",
                        help="continue an interrupted or failed run with its recorded plan, keeping every "
                             "finished sample (no other options)")
    parser.set_defaults(func=cmd_run, parser=parser)
