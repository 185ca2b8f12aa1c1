"""The create-then-list benchmark (``BenchmarkStoreCreateList`` upstream).

Each operation creates one pod (a 100-character random name in namespace ``ns``)
through the storage, then LISTs ``/pods`` with limit 1 at that pod's revision. With
NotOlderThan the cache answers, and only once the watch has delivered the write to it;
with Exact the storage answers. The indexed configurations add the namespace index
hint (all pods live in ``ns``, so the answer is the same).

Each measurement starts from an empty storage and cache, as upstream's loop starts from
a fresh cacher; the runner fixes the number of operations per measurement so that every
configuration lists stores of the same sizes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.storelist.fixture import new_storage, pod_cacher
from storage.selection import MATCH_EXACT, MATCH_NOT_OLDER_THAN, ListOptions, SelectionPredicate
from stores import store_config
from workloads import RESOURCE_PREFIX, Pod, pod_key
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
    """A fresh storage and cacher of one configuration, and the names of the pods to create."""

    def __init__(self, case: CreateListCase, store_name: str, operations: int, seed: int) -> None:
        self.storage = new_storage()
        self.cacher = pod_cacher(self.storage, store_name)
        indexed = store_config(store_name).namespace_index_requested
        self._predicate = SelectionPredicate(limit=1, index_fields=("metadata.namespace",) if indexed else ())
        self._request_namespace = NAMESPACE if indexed else None
        self._match = case.rv_match
        self._pods = [Pod(NAMESPACE, name, "node") for name in
                      random_names(random.Random(seed), operations, NAME_LENGTH)]

    def run(self) -> int:
        """Create and list once per prepared pod; return the objects listed (one per op)."""
        storage, cacher, predicate, match = self.storage, self.cacher, self._predicate, self._match
        listed = 0
        for pod in self._pods:
            revision = storage.create(pod_key(pod.namespace, pod.name), pod)
            result = cacher.get_list(RESOURCE_PREFIX, ListOptions(str(revision), match, predicate),
                                     self._request_namespace)
            listed += len(result.items)
        return listed
