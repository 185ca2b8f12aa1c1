"""One pyperf benchmark: the create-then-list cell of one RV match on one store configuration.

Run as ``python -m bench.storelist.createlist_worker --store btree --rv NotOlderThan
--operations 1000 --seed 1 --loops 1 [pyperf options]`` (``bench.worker`` says how a
worker module runs).

What is timed (:class:`CreateListTimer`): per loop, ``operations`` consecutive
create-then-list operations (``bench.storelist.createlist.CreateListRun.run``) starting from an
empty storage and cache built before the clock starts. The runner fixes ``--loops 1``
instead of letting pyperf calibrate, so every value of every configuration times the
same operations over stores of the same sizes (0 to ``operations - 1`` pods): a
calibrated loop count would differ per configuration, and later loops would not list
larger stores anyway, since each loop starts empty. pyperf divides by
``operations`` (``inner_loops``), so a value is seconds per create+list operation.

Timed on the wall clock, whatever ``--clock`` the run has: the write's event is applied
by the cacher's reflector thread while the timing thread waits, and only the wall clock
counts both.

With ``--storage etcd`` every measurement creates its pods under a key prefix of its own
below ``--etcd-prefix`` in the etcd at ``--etcd-endpoint``, and deletes them again,
untimed, when it is over, so the etcd does not grow from measurement to measurement.

Each operation must list exactly one object (limit 1, at least the new pod exists);
anything else means the create or the list path is wrong, and the worker exits with an
error instead of recording a figure. Cost per value: ~``operations`` x (create + list),
a few tens of ms for 1000 operations.
"""

from __future__ import annotations

import argparse
import time

from bench.rundir.metadata_keys import STORAGE_KEY
from bench.rundir.ops import OpsCount
from bench.storelist.createlist import CREATE_LIST_MATCHES, CreateListCase, CreateListRun
from bench.storelist.etcd_fixture import pod_storage, pod_store
from bench.storelist.fixture import Profiles, add_profile_arguments, etcd_from_args, profiles_from_args
from bench.worker import ROUND_KEY, PyperfWorker, TimedBenchmark, WrongAnswerError
from storage.etcd_kv import EtcdKeyValueStore
from stores import STORE_NAMES


class CreateListTimer:
    """The pyperf time function of one create-then-list cell (``__call__(loops) -> seconds``)."""

    def __init__(self, case: CreateListCase, store: str, operations: int, seed: int,
                 profiles: Profiles = Profiles(), etcd: tuple[str, str] | None = None) -> None:
        """``etcd``: (endpoint, key prefix) under which to create, with ``--storage etcd``."""
        self.case = case
        self.etcd = etcd
        self.profiles = profiles
        self.store = store
        self.operations = operations
        self.seed = seed
        self.counted = OpsCount()
        self._measurements = 0

    def __call__(self, loops: int) -> float:
        elapsed = 0.0
        for _ in range(loops):
            # A fresh seed per measurement: new pod names, as upstream draws a new random name per op.
            kv = self._etcd_pods()
            storage = None if kv is None else pod_storage(kv)
            run = CreateListRun(self.case, self.store, self.operations, self.seed + self._measurements, self.profiles,
                                storage)
            self._measurements += 1
            try:
                started = time.perf_counter()
                listed = run.run()
                elapsed += time.perf_counter() - started
            finally:
                run.cacher.stop()
                if kv is not None:
                    kv.delete_everything()
                    kv.close()
            if listed != self.operations:
                raise WrongAnswerError(
                    f"{self.case.name} on {self.store}: measurement {self._measurements} listed {listed} objects "
                    f"in {self.operations} operations, expected {self.operations} (one per operation)")
            self.counted += OpsCount(self.operations, self.operations, listed)
        return elapsed

    def _etcd_pods(self) -> EtcdKeyValueStore | None:
        """An empty key space of this measurement's own in the run's etcd; None: embedded."""
        if self.etcd is None:
            return None
        endpoint, prefix = self.etcd
        # The seed names the process and the count the measurement: no two share a prefix.
        return pod_store(endpoint, f"{prefix}/{self.store}-{self.seed}-{self._measurements}")


def cell_arguments(case: CreateListCase, store: str, operations: int, seed: int,
                   profiles: Profiles = Profiles()) -> list[str]:
    """The options naming ``case`` on ``store``: ``operations`` per loop, pod names from ``seed``."""
    return [f"--store={store}", f"--rv={case.rv_match}", f"--operations={operations}", f"--seed={seed}",
            *profiles.arguments()]


class CreateListWorker(PyperfWorker):
    module = "bench.storelist.createlist_worker"
    title = "create-then-list cell"

    def add_arguments(self, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--store", required=True, choices=STORE_NAMES, help="store configuration")
        group.add_argument("--rv", required=True, choices=CREATE_LIST_MATCHES, help="resourceVersionMatch of the LIST")
        group.add_argument("--operations", required=True, type=int, help="create+list operations per loop")
        group.add_argument("--seed", required=True, type=int, help="pod-name seed")
        group.add_argument("--round", type=int, default=0, help="the executor's round (recorded in the run)")
        add_profile_arguments(group)

    def arguments(self, args: argparse.Namespace) -> list[str]:
        return [*cell_arguments(CreateListCase(args.rv), args.store, args.operations, args.seed,
                                profiles_from_args(args)), f"--round={args.round}",
                f"--etcd-endpoint={args.etcd_endpoint}", f"--etcd-prefix={args.etcd_prefix}"]

    def benchmark(self, args: argparse.Namespace) -> TimedBenchmark:
        if args.operations < 1:
            raise ValueError(f"--operations must be at least 1, got {args.operations}")
        case = CreateListCase(args.rv)
        profiles = profiles_from_args(args)
        etcd = etcd_from_args(args)
        timer = CreateListTimer(case, args.store, args.operations, args.seed, profiles, etcd)
        metadata: dict[str, str | int] = {"storelist_store": args.store, "storelist_seed": args.seed,
                                          "storelist_pods_profile": profiles.pods,
                                          "storelist_indexers": profiles.indexers,
                                          STORAGE_KEY: profiles.storage,
                                          "storelist_rv": args.rv, "storelist_operations": args.operations,
                                          ROUND_KEY: args.round}
        return TimedBenchmark(case.name, timer, inner_loops=args.operations, metadata=metadata,
                              counted=lambda: timer.counted)


if __name__ == "__main__":
    CreateListWorker().main()
