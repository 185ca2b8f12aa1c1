"""Expected objects and pages per StoreList request, computed from the population alone.

The runner checks every measured request against these counts: a wrong count means
the LIST path is wrong, and then the run fails instead of publishing a figure.

Rules (Kubernetes v1.32, as modelled in stores/ and storage/):
- Pod number i (generation order) was created at revision i + 2 in the embedded
  storage, so an Exact read at revision r sees the first r - 1 pods; in a real etcd,
  loaded in transactions, at the revision ``PodRevisions`` gives; the other modes see
  them all.
- Objects: the pods under the request's key that match its selector.
- Pages: one without a limit. With one and no selector, every page but the last is
  full: ceil(objects / limit). With the nodeName selector the storage walks every key
  of the cluster, so when the last match fills a page that the storage served and any
  key follows it, the client gets one more, empty, page.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from bench.storelist.cases import PodRevisions, StoreListCase, build_request, one_per_revision
from stores import StoreConfig
from workloads import Population, pod_key


@dataclass(frozen=True, slots=True)
class Counts:
    pages: int
    objects: int


class PopulationIndex:
    """What the expected counts read of one population, whatever the configuration: the
    keys, the pods of every namespace and node, the keys in descending order. O(n log n)
    to build; a paired worker builds one for all its configurations."""

    def __init__(self, population: Population) -> None:
        self.keys = [pod_key(pod.namespace, pod.name) for pod in population.pods]
        self.by_namespace: dict[str, list[int]] = {}
        self.by_node: dict[str, list[int]] = {}
        for index, pod in enumerate(population.pods):
            self.by_namespace.setdefault(pod.namespace, []).append(index)
            self.by_node.setdefault(pod.node_name, []).append(index)
        # Pod indices from the greatest key down, to find the greatest key existing at a revision.
        self.descending = sorted(range(len(self.keys)), key=self.keys.__getitem__, reverse=True)


class ExpectedCounts:
    """Counts of one case over one population; O(pods) to build (unless given the
    population's ``index``), cached per distinct request."""

    def __init__(self, case: StoreListCase, config: StoreConfig, population: Population,
                 index: PopulationIndex | None = None, revisions: PodRevisions | None = None) -> None:
        self._case = case
        self._config = config
        self._population = population
        self._revisions = revisions or one_per_revision(len(population.pods))
        index = index or PopulationIndex(population)
        self._keys = index.keys
        self._by_namespace = index.by_namespace
        self._by_node = index.by_node
        self._descending = index.descending
        self._counts = lru_cache(maxsize=None)(self._compute)

    def for_iteration(self, iteration: int) -> Counts:
        request = build_request(self._case, self._config, self._population, iteration, self._revisions)
        options = request.options
        node = options.predicate.field.requires_exact_match("spec.nodeName")
        namespace = request.key.rsplit("/", 1)[1] if self._case.scope == "Namespace" else None
        existing = (self._revisions.pods_at(int(options.resource_version)) if self._case.rv_match == "Exact"
                    else len(self._keys))
        return self._counts(namespace, node, existing)

    def _compute(self, namespace: str | None, node: str | None, existing: int) -> Counts:
        if namespace is not None:
            members = self._by_namespace.get(namespace, [])
        elif node is not None:
            members = self._by_node.get(node, [])
        else:
            members = range(len(self._keys))
        objects = bisect_left(members, existing) if isinstance(members, list) else existing
        limit = self._case.paginate
        if limit == 0:
            return Counts(1, objects)
        pages = max(1, -(-objects // limit))
        served_by_storage = self._case.rv_match == "Exact" or objects > limit
        if node is not None and objects and objects % limit == 0 and served_by_storage:
            last_match = max(self._keys[i] for i in members[:objects])
            if last_match != self._greatest_key(existing):
                pages += 1
        return Counts(pages, objects)

    def _greatest_key(self, existing: int) -> str:
        return next(self._keys[i] for i in self._descending if i < existing)
