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

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from storage.etcd3 import Etcd3Storage
from storage.mvcc import RevisionedStorage
from stores import open_store
from stores.cacher import Cacher
from workloads import RESOURCE_PREFIX, Population, PopulationShape, generate_population, pod_attrs


# A worker process's peak RSS per pod, measured at 150k pods (50 x 3000, 5000 nodes):
# 1343 B with btree+index, 1349 B with map+index (population, storage, one store and
# the expected counts; `ru_maxrss` after build_fixture and ExpectedCounts). Rounded up
# to 2 KiB for the estimate, plus the interpreter and imports.
ESTIMATED_BYTES_PER_POD = 2048
ESTIMATED_BASE_BYTES = 64 * 2**20


def estimated_worker_bytes(shape: PopulationShape) -> int:
    """What one worker process holding ``shape``'s fixture needs, roughly (see the constants)."""
    return ESTIMATED_BASE_BYTES + ESTIMATED_BYTES_PER_POD * shape.pods


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


@dataclass(slots=True)
class CellFixture:
    """A populated storage and the cacher of one store configuration over it."""

    population: Population
    storage: Etcd3Storage
    cacher: Cacher


def new_storage() -> Etcd3Storage:
    """An empty embedded storage (revision 1) for pods."""
    return Etcd3Storage(RevisionedStorage(), pod_attrs)


def load_storage(population: Population) -> Etcd3Storage:
    """A storage holding every pod, created in generation order: revision = 1 + pods."""
    storage = new_storage()
    storage.create_many(population.keyed_pods())
    return storage


def pod_cacher(storage: Etcd3Storage, store_name: str) -> Cacher:
    """The cacher of pods over ``storage``, its watch cache in store configuration ``store_name``
    (filled by list then watch before this returns)."""
    return Cacher(storage, open_store(store_name), pod_attrs, RESOURCE_PREFIX)


def build_fixture(shape: PopulationShape, seed: int, store_name: str) -> CellFixture:
    """Generate the population, write it to a new storage and open a cacher over ``store_name``."""
    with gc_paused():
        population = generate_population(shape, seed)
        storage = load_storage(population)
        cacher = pod_cacher(storage, store_name)
    return CellFixture(population, storage, cacher)
