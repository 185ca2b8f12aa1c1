"""Building what one benchmark cell needs: population -> storage -> cacher over one store.

Data flows one way, as in the Go harness (cacher_test.go): the population is written
into the storage (one revision per pod, namespace by namespace), and the cacher fills
its store from the storage by list then watch.

The cyclic garbage collector is paused while the population is built and then frozen
(``gc.freeze``): a 150k-pod heap makes every full collection scan some million objects,
which would triple set-up time and put random pauses into the timed loops. Nothing
in a population forms a reference cycle, so no garbage is missed.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.storelist.cases import PodRevisions
from storage.etcd3 import Etcd3Storage
from storage.mvcc import RevisionedStorage
from stores import BENCHMARK_INDEXERS, INDEXER_PROFILES, open_store, registered_indexes
from stores.cacher import Cacher
from workloads import (POD_PROFILES, RESOURCE_PREFIX, Population, PopulationShape, copy_pod, generate_population,
                       pod_attrs)
from workloads.population import EXEMPLAR, MINIMAL


# A worker process's peak RSS per pod, measured at 150k pods (50 x 3000, 5000 nodes):
# 1343 B with btree+index, 1349 B with map+index (population, storage, one store and
# the expected counts; `ru_maxrss` after build_fixture and ExpectedCounts). Rounded up
# to 2 KiB for the estimate, plus the interpreter and imports. An exemplar pod adds
# what its object graph holds (see ESTIMATED_EXEMPLAR_BYTES_PER_POD).
ESTIMATED_BYTES_PER_POD = 2048
ESTIMATED_BASE_BYTES = 64 * 2**20
# RSS an exemplar population adds per pod: 14,022 B at 20k pods (10 x 2000, gc off),
# against 89 B for the minimal pod; rounded up to 16 KiB.
ESTIMATED_EXEMPLAR_BYTES_PER_POD = 16 * 1024


def estimated_worker_bytes(shape: PopulationShape, pods: str = MINIMAL) -> int:
    """What one worker process holding ``shape``'s fixture needs, roughly (see the constants)."""
    per_pod = ESTIMATED_BYTES_PER_POD + (ESTIMATED_EXEMPLAR_BYTES_PER_POD if pods == EXEMPLAR else 0)
    return ESTIMATED_BASE_BYTES + per_pod * shape.pods


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC for a bulk build, then freeze what was built out of its reach."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


EMBEDDED_STORAGE = "embedded"
ETCD_STORAGE = "etcd"
STORAGES: tuple[str, ...] = (EMBEDDED_STORAGE, ETCD_STORAGE)


@dataclass(frozen=True, slots=True)
class Profiles:
    """What a run's populations are made of and held in: ``pods``, the pod profile
    (``workloads.POD_PROFILES``); ``indexers``, which indexes the cachers register
    (``stores.INDEXER_PROFILES``); ``storage``, the embedded model of etcd or a real etcd
    (``STORAGES``; where that etcd is, the suite tells each worker)."""

    pods: str = MINIMAL
    indexers: str = BENCHMARK_INDEXERS
    storage: str = EMBEDDED_STORAGE

    def __post_init__(self) -> None:
        if self.pods not in POD_PROFILES:
            raise ValueError(f"unknown pod profile {self.pods!r}; expected one of {', '.join(POD_PROFILES)}")
        if self.indexers not in INDEXER_PROFILES:
            raise ValueError(f"unknown indexer profile {self.indexers!r}; expected one of {', '.join(INDEXER_PROFILES)}")
        if self.storage not in STORAGES:
            raise ValueError(f"unknown storage {self.storage!r}; expected one of {', '.join(STORAGES)}")

    def arguments(self) -> list[str]:
        """The worker options that carry them (``add_profile_arguments``)."""
        return [f"--pods={self.pods}", f"--indexers={self.indexers}", f"--storage={self.storage}"]


def add_profile_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--pods", choices=POD_PROFILES, default=MINIMAL, help="pod profile")
    parser.add_argument("--indexers", choices=INDEXER_PROFILES, default=BENCHMARK_INDEXERS, help="indexer profile")
    parser.add_argument("--storage", choices=STORAGES, default=EMBEDDED_STORAGE, help="embedded or etcd")
    parser.add_argument("--etcd-endpoint", default="", help="with --storage etcd: the endpoint the suite loaded")
    parser.add_argument("--etcd-prefix", default="", help="with --storage etcd: the population's key prefix")


def profiles_from_args(args: argparse.Namespace) -> Profiles:
    return Profiles(args.pods, args.indexers, args.storage)


def etcd_from_args(args: argparse.Namespace) -> tuple[str, str] | None:
    """(endpoint, key prefix) the suite gave a worker with ``--storage etcd``; None: embedded."""
    return (args.etcd_endpoint, args.etcd_prefix) if args.storage == ETCD_STORAGE else None


@dataclass(slots=True)
class CellFixture:
    """A populated storage and the cacher of one store configuration over it, and at which
    revisions the storage holds the pods (None: one per revision from 2, the embedded load)."""

    population: Population
    storage: Etcd3Storage
    cacher: Cacher
    revisions: PodRevisions | None = None


def new_storage() -> Etcd3Storage:
    """An empty embedded storage (revision 1) for pods."""
    return Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)


def load_storage(population: Population) -> Etcd3Storage:
    """A storage holding every pod, created in generation order: revision = 1 + pods."""
    storage = new_storage()
    storage.create_many(population.keyed_pods())
    return storage


def pod_cacher(storage: Etcd3Storage, store_name: str, indexers: str = BENCHMARK_INDEXERS) -> Cacher:
    """The cacher of pods over ``storage``, its watch cache in store configuration ``store_name``
    with the indexes of profile ``indexers`` (filled by list then watch before this returns)."""
    return Cacher(storage, open_store(store_name, registered_indexes(store_name, indexers)), pod_attrs, copy_pod,
                  RESOURCE_PREFIX)


def build_fixture(shape: PopulationShape, seed: int, store_name: str, profiles: Profiles = Profiles()) -> CellFixture:
    """Generate the population, write it to a new storage and open a cacher over ``store_name``."""
    with gc_paused():
        population = generate_population(shape, seed, profiles.pods)
        storage = load_storage(population)
        cacher = pod_cacher(storage, store_name, profiles.indexers)
    return CellFixture(population, storage, cacher)
