"""The StoreList suite: a preset as a run of the executor, one pyperf JSON file per store configuration.

The rounds and the interleaving are ``bench.executor``'s. This suite adds:

- The design (``--design``). Paired, the default: one worker process per StoreList cell
  and round times every configuration (``bench.storelist.paired_worker``; one
  configuration too, so that a run of one store is timed as a run of four), in blocks
  whose order rotates block by block; the ratio table comes from it. Unpaired: one
  process per (cell, configuration), a pyperf ``Runner`` (``bench.storelist.worker``),
  as the suite measured before the paired design; kept to check that pairing does not
  bias the medians. Either way loops are calibrated in the first round, then fixed,
  and every round's workers build a population of their own (``population_seed``).
- The clock (``--clock cpu|wall``), recorded and shown in every table's header.
- The cells (``--cells REGEXP``): the preset's cells whose names the expression finds.
- The profiles (``--pods minimal|exemplar``, ``--indexers benchmark|registry``,
  ``bench.storelist.fixture.Profiles``): what the pods are and which indexes the
  cachers register; recorded, and passed to every worker and memory measurement.
- Create-then-list cells (``Preset.create_list``) run in the same rounds after the
  StoreList cells, unpaired, through ``bench.storelist.createlist_worker`` with one
  loop per value (see there).
- Before the first round, the memory each configuration's loaded store adds on each
  population (``bench.storelist.measure_memory``), the result copy per item
  (``bench.storelist.measure_copy``). The paired workers of every second round also
  time each LIST step by step after their measured blocks (``bench.storelist.phase_pass``).

Cost, paired: processes x cells worker processes, each ~0.3 s of start-up, ~2 s of
fixture (one population and storage, four cachers at 150k pods, the expected counts)
and blocks x (one block per configuration, at least ``block_time`` each, a map LIST
of ~80 ms at 150k pods being one block): ~9-10 minutes for ``published`` on 2 cores
(20 x 6 processes). Unpaired: (processes + 1) x cells x configurations processes,
~12 minutes for ``published`` at 10 processes.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from pathlib import Path

from bench.environment import available_memory_bytes, describe_environment
from bench.executor import Progress, RunError, rotated, utc_now
from bench.rundir.facts import StoreListFacts
from bench.rundir.layout import ops_path
from bench.rundir.manifest import RunManifest
from bench.rundir.memory_file import StoreMemory
from bench.sampling import SampleSettings, check_mode, pyperf_options, sampling_options
from bench.storelist.cases import RECENT_REVISIONS, StoreListCase
from bench.storelist.cell_timer import CLOCKS
from bench.storelist.createlist import CreateListCase
from bench.storelist.createlist_worker import CreateListWorker
from bench.storelist.createlist_worker import cell_arguments as create_list_arguments
from bench.storelist.etcd_session import EtcdSession
from bench.storelist.fixture import EMBEDDED_STORAGE, ETCD_STORAGE, Profiles, estimated_worker_bytes
from bench.storelist.measure_copy import measure_copy_costs
from bench.storelist.measure_memory import measure_run
from bench.storelist.paired_worker import MODULE as PAIRED_MODULE
from bench.storelist.presets import Preset
from bench.storelist.worker import StoreListWorker, cell_arguments
from bench.storelist.write_cost import WRITE_OPS, WriteCase
from bench.storelist.write_worker import WriteWorker
from bench.storelist.write_worker import cell_arguments as write_arguments
from stores import REGISTRY_INDEXERS, STORE_NAMES, store_config
from stores.btree import PurePythonBTreesError, require_c_btrees
from workloads import POD_PROFILES


# The paired design times all configurations of a cell in one process (bench.executor,
# bench.storelist.paired_worker); "unpaired" is the design before it, one per process,
# kept to check that pairing does not bias the medians. The CPU clock is the default:
# measured side by side here, see the README's "Clock" paragraph.
DESIGNS: tuple[str, ...] = ("paired", "unpaired")
DEFAULT_DESIGN = "paired"
DEFAULT_CLOCK = "cpu"
# A real etcd's work happens in another process, which the timing thread's CPU clock does
# not see: at 10k namespaces the cpu clock put an RV= LIST's etcd round trip at about
# 195 µs (the client's own CPU), the wall clock at about 550 µs (make bench-etcd run e1,
# python -m bench.storelist.etcd_probe).
ETCD_DEFAULT_CLOCK = "wall"


def default_clock(storage: str) -> str:
    """The clock a run takes when none is given: cpu, or wall over a real etcd."""
    return ETCD_DEFAULT_CLOCK if storage == ETCD_STORAGE else DEFAULT_CLOCK


def ordered_stores(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` validated, without duplicates, in the published column order."""
    for name in names:
        store_config(name)
    return tuple(name for name in STORE_NAMES if name in names)


@dataclass(frozen=True)
class StoreListPlan:
    """Everything a run needs: where, which cells on which stores, seed and sampling."""

    run_dir: Path
    preset: Preset
    configurations: tuple[str, ...]
    seed: int
    settings: SampleSettings
    mode: str = "default"  # the SAMPLE_MODES entry the settings started from
    design: str = DEFAULT_DESIGN
    clock: str = DEFAULT_CLOCK
    profiles: Profiles = Profiles()
    etcd_endpoints: str = ""  # --storage etcd on an existing cluster (else a private etcd)
    # --cells: a regular expression searched in each cell's full name, as Go's -bench
    # selects benchmarks (a plain search over the whole name, not Go's per-level match, so
    # "^StoreList/.*(RV=Exact|Paginate=[1-9])" reads as it looks); "" keeps them all.
    cells: str = ""

    def __post_init__(self) -> None:
        check_mode(self.mode)
        if self.cells:
            try:
                re.compile(self.cells)
            except re.error as error:
                raise ValueError(f"--cells {self.cells!r} is not a regular expression: {error}") from None
            if not self.cell_names():
                raise ValueError(f"--cells {self.cells!r} matches none of preset {self.preset.name}'s cells")
        if self.profiles.storage == ETCD_STORAGE:
            self._check_etcd_plan()
        elif self.etcd_endpoints:
            raise ValueError("--etcd-endpoints needs --storage etcd")
        if self.design not in DESIGNS:
            raise ValueError(f"unknown design {self.design!r}; expected one of {', '.join(DESIGNS)}")
        if self.clock not in CLOCKS:
            raise ValueError(f"unknown clock {self.clock!r}; expected one of {', '.join(CLOCKS)}")
        if not self.configurations:
            raise ValueError("a run needs at least one store configuration")
        for store in self.configurations:
            store_config(store)  # ValueError naming the valid stores
        for case in self.cases:
            # build_request cycles NotOlderThan/Exact RVs over the last RECENT_REVISIONS
            # revisions, which a smaller population does not have (they would go negative).
            if case.rv_match and case.shape.pods < RECENT_REVISIONS:
                raise ValueError(f"{case.name} needs at least {RECENT_REVISIONS} pods: its resourceVersions "
                                 f"cycle over the last {RECENT_REVISIONS} revisions")
        if any(store_config(store).ordered for store in self.configurations):
            try:
                require_c_btrees()
            except PurePythonBTreesError as error:
                raise ValueError(str(error)) from None
        self._check_memory()

    def _check_etcd_plan(self) -> None:
        """ValueError for what ``--storage etcd`` does not run, before anything starts."""
        if self.design != "paired":
            raise ValueError("--storage etcd runs the paired design only")
        if self.profiles.pods != Profiles().pods:
            raise ValueError("--storage etcd stores the minimal pod only (workloads/pod_codec.py)")

    @cached_property
    def etcd(self) -> EtcdSession:
        """The run's etcd (``--storage etcd``): entered around the run by ``storage_session``."""
        return EtcdSession(self.etcd_endpoints, [case.shape for case in self.cases], self.seed)

    def storage_session(self, note: Callable[[str], None]) -> AbstractContextManager[object]:
        """What must stand around the whole run: the etcd session, or nothing (embedded)."""
        if self.profiles.storage != ETCD_STORAGE:
            return nullcontext()
        self.etcd.note = note
        return self.etcd

    def _check_memory(self) -> None:
        """ValueError, before anything starts, if a worker could not hold the largest population."""
        available = available_memory_bytes()
        # The populations the selected cells build (create-then-list builds none of size).
        shapes = [case.shape for case in self.cases] + [case.shape for case in self.write_cases]
        if available is None or not shapes:
            return
        largest = max(shapes, key=lambda shape: shape.pods)
        needed = estimated_worker_bytes(largest, self.profiles.pods)
        if needed > available:
            raise ValueError(f"a worker holding {largest.benchmark_name} ({self.profiles.pods} pods) would need about "
                             f"{needed / 2**30:.1f} GiB, but this machine has {available / 2**30:.1f} GiB available")

    @property
    def cases(self) -> list[StoreListCase]:
        return list(self._cases_by_name.values())

    @property
    def create_list_cases(self) -> list[CreateListCase]:
        return list(self._create_list_by_name.values())

    def _selected(self, name: str) -> bool:
        """Whether cell ``name`` is timed: every cell, or those ``--cells`` finds in their names."""
        return not self.cells or re.search(self.cells, name) is not None

    # Derived from the preset once: the executor asks for a cell's case on every worker.
    @cached_property
    def _cases_by_name(self) -> dict[str, StoreListCase]:
        return {case.name: case for case in self.preset.cases() if self._selected(case.name)}

    @cached_property
    def _create_list_by_name(self) -> dict[str, CreateListCase]:
        return {case.name: case for case in (CreateListCase(match) for match in self.preset.create_list)
                if self._selected(case.name)}

    @cached_property
    def _writes_by_name(self) -> dict[str, WriteCase]:
        """The write cells: the preset's, or all three under ``--indexers registry``, whose point
        is what a write saves; on the preset's first population."""
        ops = self.preset.write_ops or (WRITE_OPS if self.profiles.indexers == REGISTRY_INDEXERS else ())
        if not ops or not self.preset.shapes:
            return {}
        return {case.name: case for case in (WriteCase(self.preset.shapes[0], op) for op in ops)
                if self._selected(case.name)}

    @property
    def write_cases(self) -> list[WriteCase]:
        return list(self._writes_by_name.values())

    def command(self) -> str:
        """The ``storelist run`` command line that repeats this run (same seed)."""
        parts = ["storelist", "run"]
        if self.preset.name == "custom":
            shape = self.preset.shapes[0]
            parts += ["--namespaces", str(shape.namespaces), "--pods-per-namespace",
                      str(shape.pods_per_namespace), "--nodes", str(shape.nodes)]
        else:
            parts += ["--preset", self.preset.name, *self.preset.options]
        parts += [f"--cells={self.cells}"] if self.cells else []  # one word: a pattern may start with "-"
        parts += ["--stores", ",".join(self.configurations), "--seed", str(self.seed)]
        parts += [] if self.design == DEFAULT_DESIGN else ["--design", self.design]
        parts += [] if self.clock == default_clock(self.profiles.storage) else ["--clock", self.clock]
        parts += [] if self.profiles.pods == Profiles().pods else ["--pods", self.profiles.pods]
        parts += [] if self.profiles.indexers == Profiles().indexers else ["--indexers", self.profiles.indexers]
        parts += [] if self.profiles.storage == Profiles().storage else ["--storage", self.profiles.storage]
        parts += ["--etcd-endpoints", self.etcd_endpoints] if self.etcd_endpoints else []
        parts += sampling_options(self.mode, self.settings)
        parts += ["-o", str(self.run_dir)]
        return shlex.join(parts)

    def cell_names(self) -> list[str]:
        return ([case.name for case in self.cases] + [case.name for case in self.create_list_cases]
                + [case.name for case in self.write_cases])

    def facts(self) -> StoreListFacts:
        populations = [case.shape.benchmark_name for case in self.cases]
        counterparts = {ours: published for ours, published in self.preset.published_counterparts().items()
                        if ours in self._cases_by_name}
        return StoreListFacts(list(dict.fromkeys(populations)), counterparts,
                              self.design, self.clock, self.profiles.pods, self.profiles.indexers)

    def new_manifest(self) -> RunManifest:
        return RunManifest(suite="storelist", preset=self.preset.name, configurations=list(self.configurations),
                           benchmarks=self.cell_names(), seed=self.seed, settings=asdict(self.settings),
                           mode=self.mode, command=self.command(), environment=describe_environment(),
                           started=utc_now(), facts=self.facts().to_dict())

    def prepare(self, progress: Progress) -> None:
        """Measure the memory each store adds on each population, and the result copy per item."""
        try:
            pod_profiles = POD_PROFILES if self.preset.memory_of_both_pod_profiles else (self.profiles.pods,)
            measured: list[StoreMemory] = []
            for pods in pod_profiles:
                measured = measure_run(self.run_dir, [case.shape for case in self.cases], self.configurations,
                                       self.seed, progress.note, profiles=replace(self.profiles, pods=pods),
                                       earlier=measured)
            for cost in measure_copy_costs(self.run_dir):
                progress.note(f"result copy: {cost.pods_profile} pod: {cost.median_ns:.0f} ns per item")
        except subprocess.CalledProcessError as error:
            raise RunError(f"measuring store memory or the result copy failed: "
                           f"{(error.stderr or '').strip() or error}") from None

    def initial_loops(self, cell: str, configuration: str) -> int:
        # Create-then-list: one loop per value, whatever the settings (see createlist_worker).
        return 1 if cell in self._create_list_by_name else self.settings.loops

    def units(self, cell: str, round_index: int) -> list[tuple[str, ...]]:
        if self.design == "paired" and cell in self._cases_by_name:
            return [self.configurations]  # one process; it rotates the order block by block
        return [(store,) for store in rotated(self.configurations, round_index)]

    def population_seed(self, round_index: int) -> int:
        """The population seed of round ``round_index``'s workers: the run's seed plus the round.

        A population of its own per process, the same for every configuration of a round
        (so a round's configurations, paired or not, list the same pods): what the
        population does to a ratio is then part of the spread between processes, which
        the intervals count, rather than a shift of the whole run that no interval can
        see. Upstream's populations differ on every run (seeded by the clock). The memory
        and phase measurements use the run's seed.
        """
        if self.profiles.storage == ETCD_STORAGE:
            return self.seed  # loaded into etcd once for the run (bench.storelist.etcd_fixture)
        return self.seed + round_index

    def worker(self, cell: str, unit: tuple[str, ...], loops: dict[str, int], round_index: int,
               output: Path) -> tuple[str, list[str]]:
        create_list = self._create_list_by_name.get(cell)
        if create_list is not None:
            (store,) = unit
            # Pod names of the round's own, whatever the storage: these cells create their
            # pods rather than list the population loaded into etcd.
            etcd = ([f"--etcd-endpoint={self.etcd.endpoint}", f"--etcd-prefix={self.etcd.run_prefix}/createlist"]
                    if self.profiles.storage == ETCD_STORAGE else [])
            return CreateListWorker.module, [
                *create_list_arguments(create_list, store, self.preset.create_list_operations,
                                       self.seed + round_index, self.profiles), *etcd,
                f"--round={round_index}", f"--ops-file={ops_path(self.run_dir, store)}",
                *pyperf_options(self.settings, loops[store], output / f"{store}.json")]
        write = self._writes_by_name.get(cell)
        if write is not None:
            (store,) = unit
            # A write cell times the watch cache's processEvent and never the storage
            # (bench.storelist.write_cost), so over etcd it runs as over the embedded storage.
            # Its population is then the round's own, as in an embedded run.
            embedded = replace(self.profiles, storage=EMBEDDED_STORAGE)
            return WriteWorker.module, [*write_arguments(write, store, self.seed + round_index, embedded),
                                        f"--round={round_index}",
                                        *pyperf_options(self.settings, loops[store], output / f"{store}.json")]
        case = self._cases_by_name[cell]
        # The paired design times a StoreList cell in the paired worker even for a single
        # configuration: runs of one store are then timed as runs of four are (and over
        # etcd it is the worker that attaches to the run's etcd).
        if self.design == "paired":
            s = self.settings
            given = ",".join(f"{store}={count}" for store, count in loops.items() if count)
            etcd = ([f"--etcd-endpoint={self.etcd.endpoint}", f"--etcd-prefix={self.etcd.prefix_of(case.shape)}"]
                    if self.profiles.storage == ETCD_STORAGE else [])
            return PAIRED_MODULE, [*cell_arguments(case, self.population_seed(round_index), self.profiles), *etcd,
                                   f"--stores={','.join(unit)}",
                                   f"--round={round_index}", f"--blocks={s.blocks}", f"--warmups={s.warmups}",
                                   f"--block-time={s.block_time!r}", f"--clock={self.clock}",
                                   *([f"--loops={given}"] if given else []),
                                   f"--output={output}", f"--run-dir={self.run_dir}"]
        (store,) = unit
        return StoreListWorker.module, [f"--store={store}",
                                        *cell_arguments(case, self.population_seed(round_index), self.profiles),
                                        f"--round={round_index}",
                                        f"--clock={self.clock}", f"--ops-file={ops_path(self.run_dir, store)}",
                                        *pyperf_options(self.settings, loops[store], output / f"{store}.json")]
