"""The create-then-list benchmark (``BenchmarkStoreCreateList`` upstream).

Each operation creates one pod (a 100-character random name in namespace ``ns``)
through the storage, then LISTs ``/pods`` with limit 1 at that pod's revision, with no
index hint and no selector (``RunBenchmarkStoreListCreate``). With NotOlderThan the cache
answers, once its reflector thread has applied the write's watch event
(``stores.watch_delivery``: the list waits for it, as upstream's waits in
``waitUntilFreshAndBlock``); with Exact the storage answers. The cache's list ignores
the limit until the page is cut, so every operation scans everything stored so far:
the B-tree's whole prefix range, the map's every item and a sort.

``Indexed`` is upstream's meaning here, not StoreList's: whether the cacher registers
the indexers (``withNodeNameAndNamespaceIndex``: ``f:spec.nodeName`` and
``f:metadata.namespace``) or none, so what it measures is the cost of maintaining two
indexes on every write. The four configurations map to upstream's names as
``btree+index`` = ``StoreCreateList/Store=Btree/RV=…/Indexed=true``, ``btree`` =
``Store=Btree/…/Indexed=false``, and likewise ``map+index`` and ``map`` for ``Store=Map``.
Under ``--indexers registry`` an Indexed configuration registers the pod registry's
indexes instead (``stores.registered_indexes``). Under ``--pods exemplar`` the created
pods are exemplar pods, named as the minimal ones within their Deployment's prefix.

Each measurement starts from an empty storage and cache, as upstream's loop starts from
a fresh cacher; the runner fixes the number of operations per measurement so that every
configuration lists stores of the same sizes. With ``--storage etcd`` the empty storage
is a fresh key prefix in the run's etcd (``createlist_worker``): the create is a real
transaction, Exact a real range, and NotOlderThan waits for the event that etcd's watch
stream brings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.storelist.fixture import Profiles, new_storage
from storage.etcd3 import Etcd3Storage
from storage.selection import MATCH_EXACT, MATCH_NOT_OLDER_THAN, ListOptions, SelectionPredicate
from stores import open_store, registered_indexes, store_config
from stores.cacher import Cacher
from stores.watch_delivery import INLINE, THREAD
from workloads import RESOURCE_PREFIX, Pod, copy_pod, pod_attrs, pod_key
from workloads.exemplar import exemplar_pod, template_hash
from workloads.population import MINIMAL
from workloads.names import random_names

CREATE_LIST_MATCHES: tuple[str, ...] = (MATCH_NOT_OLDER_THAN, MATCH_EXACT)
NAMESPACE = "ns"
NAME_LENGTH = 100


@dataclass(frozen=True, slots=True)
class CreateListCase:
    rv_match: str

    def __post_init__(self) -> None:
        if self.rv_match not in CREATE_LIST_MATCHES:
            raise ValueError(f"unknown RV match {self.rv_match!r}; expected one of {CREATE_LIST_MATCHES}")

    @property
    def name(self) -> str:
        return f"StoreCreateList/RV={self.rv_match}"


class CreateListRun:
    """A fresh storage and cacher of one configuration (its indexers registered for the
    ``+index`` configurations, none otherwise), and the pods to create.

    ``storage``: an empty storage to use instead of a new embedded one (an etcd key
    prefix of its own). Over etcd the cacher applies events on the watch stream's thread,
    which is already a reflector thread apart from the writer's (``storage.etcd_kv``); a
    second hand-off (``THREAD``) would add a thread switch that upstream does not have.
    """

    def __init__(self, case: CreateListCase, store_name: str, operations: int, seed: int,
                 profiles: Profiles = Profiles(), storage: Etcd3Storage | None = None) -> None:
        self.storage = new_storage() if storage is None else storage
        indexed = store_config(store_name).namespace_index_requested
        indexes = registered_indexes(store_name, profiles.indexers) if indexed else ()
        self.cacher = Cacher(self.storage, open_store(store_name, indexes), pod_attrs, copy_pod, RESOURCE_PREFIX,
                             watch_delivery=THREAD if storage is None else INLINE)
        self._predicate = SelectionPredicate(limit=1)
        self._match = case.rv_match
        rng = random.Random(seed)
        names = random_names(rng, operations, NAME_LENGTH)
        if profiles.pods == MINIMAL:
            self._pods: list[object] = [Pod(NAMESPACE, name, "node") for name in names]
        else:
            deployment = template_hash(rng)
            self._pods = [exemplar_pod(rng, NAMESPACE, name, "node", deployment) for name in names]

    def run(self) -> int:
        """Create and list once per prepared pod; return the objects listed (one per op)."""
        storage, cacher, predicate, match = self.storage, self.cacher, self._predicate, self._match
        listed = 0
        for pod in self._pods:
            revision = storage.create(pod_key(pod.namespace, pod.name), pod)  # type: ignore[attr-defined]
            result = cacher.get_list(RESOURCE_PREFIX, ListOptions(str(revision), match, predicate))
            listed += len(result.items)
        return listed
