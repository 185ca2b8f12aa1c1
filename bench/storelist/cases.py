"""The StoreList benchmark's requests (``RunBenchmarkStoreList`` in storage/testing/store_benchmarks.go).

A case is one leaf of the Go benchmark: resourceVersion match x scope x page size, over
one population. ``build_request`` builds the request of iteration ``i`` exactly as the
Go leaf body does, and ``paginate_list`` issues it, following continue tokens to the
last page.

Concurrency model: the Go benchmark starts every iteration as its own goroutine on 24
hardware threads and divides wall time by b.N, a throughput figure. Under the GIL list
scans cannot run in parallel, so here the iterations run one after another and a
figure is the latency of one request; compare configurations by ratios, not by µs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from storage.selection import MATCH_EXACT, MATCH_NOT_OLDER_THAN, ListOptions, ListResult, SelectionPredicate, Selector
from stores import StoreConfig
from stores.cacher import Cacher
from workloads import RESOURCE_PREFIX, Population, PopulationShape

RV_MATCHES: tuple[str, ...] = ("", MATCH_EXACT, MATCH_NOT_OLDER_THAN)
SCOPES: tuple[str, ...] = ("Cluster", "Node", "Namespace")
# The resourceVersions of NotOlderThan and Exact cycle over the last this-many revisions.
RECENT_REVISIONS = 100


@dataclass(frozen=True, slots=True)
class PodRevisions:
    """The revisions a population's pods were written at: the pods (in generation order)
    in batches of ``per_revision``, batch k at ``batch_revisions[k]``. The embedded storage
    writes one pod per revision from revision 2 (``one_per_revision``); a real etcd is
    loaded in transactions of many pods from wherever its revision stood, other writers'
    revisions possibly between them (``bench.storelist.etcd_fixture``).

    >>> revisions = PodRevisions((10, 11, 15), per_revision=100, pods=250)
    >>> revisions.revision_of(0), revisions.revision_of(249), revisions.pods_at(9), revisions.pods_at(14)
    (10, 15, 0, 200)
    >>> one_per_revision(5).revision_of(4), one_per_revision(5).pods_at(3)
    (6, 2)
    """

    batch_revisions: Sequence[int]
    per_revision: int
    pods: int

    def revision_of(self, pod: int) -> int:
        """The revision pod number ``pod`` (generation order) was written at."""
        return self.batch_revisions[pod // self.per_revision]

    def pods_at(self, revision: int) -> int:
        """How many pods (the first ones in generation order) exist at ``revision``. O(log batches)."""
        return min(self.pods, bisect_right(self.batch_revisions, revision) * self.per_revision)


def one_per_revision(pods: int) -> PodRevisions:
    """The embedded storage's load: pod i at revision i + 2 (etcd starts at revision 1)."""
    return PodRevisions(range(2, pods + 2), 1, pods)


@dataclass(frozen=True, slots=True)
class StoreListCase:
    """One Go sub-benchmark, minus the store part of its name."""

    shape: PopulationShape
    rv_match: str
    scope: str
    paginate: int

    def __post_init__(self) -> None:
        if self.rv_match not in RV_MATCHES:
            raise ValueError(f"unknown RV match {self.rv_match!r}; expected one of {RV_MATCHES}")
        if self.scope not in SCOPES:
            raise ValueError(f"unknown scope {self.scope!r}; expected one of {SCOPES}")
        if self.paginate < 0:
            raise ValueError(f"page size must be >= 0, got {self.paginate}")

    @property
    def name(self) -> str:
        """e.g. ``StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0``."""
        return (f"StoreList/{self.shape.benchmark_name}/RV={self.rv_match}"
                f"/Scope={self.scope}/Paginate={self.paginate}")


def expected_elements(shape: PopulationShape, scope: str) -> int:
    """Objects one request is expected to return, as upstream computes it for page sizes."""
    if scope == "Cluster":
        return shape.pods
    if scope == "Node":
        return shape.pods // shape.nodes
    return shape.pods // shape.namespaces


def page_sizes(shape: PopulationShape, scope: str) -> tuple[int, ...]:
    """0 (no pagination), plus 1000 when more than 1000 objects are expected, else 100 above 100."""
    expected = expected_elements(shape, scope)
    if expected > 1000:
        return (0, 1000)
    if expected > 100:
        return (0, 100)
    return (0,)


def all_cases(shape: PopulationShape) -> list[StoreListCase]:
    """Every leaf of BenchmarkStoreList for one population, in the Go nesting order."""
    return [StoreListCase(shape, rv, scope, paginate)
            for rv in RV_MATCHES for scope in SCOPES for paginate in page_sizes(shape, scope)]


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A first-page request: key, options and the namespace of the request URL."""

    key: str
    options: ListOptions
    request_namespace: str | None


def build_request(case: StoreListCase, config: StoreConfig, population: Population, iteration: int,
                  revisions: PodRevisions | None = None) -> ListRequest:
    """The request of iteration ``iteration``, as the Go leaf body builds it.

    RV: "" for the consistent read; else ``maxRevision - 99 + i % 100`` with
    maxRevision = 1 + pods, which is the revision of pod ``pods - 100 + i % 100`` when
    the storage wrote one pod per revision from 2. Written so (``revisions``), it holds
    for a real etcd loaded in transactions too: the request reads the state in which
    that pod had just been written. Node and namespace targets cycle through the population.
    Only an indexed configuration adds the index hints: the nodeName field selector for
    Node scope, the URL namespace for Namespace scope. Without them, Node scope lists
    the whole cluster, as upstream.
    """
    if case.rv_match:
        written = revisions or one_per_revision(len(population.pods))
        resource_version = str(written.revision_of(len(population.pods) - RECENT_REVISIONS
                                                   + iteration % RECENT_REVISIONS))
    else:
        resource_version = ""
    predicate = SelectionPredicate(limit=case.paginate)
    key = RESOURCE_PREFIX + "/"
    request_namespace = None
    if case.scope == "Node" and config.namespace_index_requested:
        node = population.node_names[iteration % len(population.node_names)]
        predicate = replace(predicate, index_fields=("spec.nodeName",),
                            field=Selector.parse(f"spec.nodeName={node}"))
    elif case.scope == "Namespace":
        namespace = population.namespace_names[iteration % len(population.namespace_names)]
        key = f"{RESOURCE_PREFIX}/{namespace}"
        if config.namespace_index_requested:
            predicate = replace(predicate, index_fields=("metadata.namespace",))
            request_namespace = namespace
    options = ListOptions(resource_version, case.rv_match, predicate, recursive=True)
    return ListRequest(key, options, request_namespace)


ListPage = Callable[[str, ListOptions, str | None], ListResult]


def paginate_list(cacher: Cacher, request: ListRequest, get_list: ListPage | None = None) -> tuple[int, int]:
    """Issue the request and follow continue tokens to the end: (pages, objects).

    Continuation pages clear the resourceVersion and its match, as the Go harness does,
    so in v1.32 they are served by the storage at the token's revision. ``get_list``:
    what serves each page instead of ``cacher.get_list`` (the instrumented pass's timed
    copy of it).
    """
    get_list = get_list or cacher.get_list
    result = get_list(request.key, request.options, request.request_namespace)
    pages, objects = 1, len(result.items)
    options = request.options
    while result.continue_token:
        options = replace(options, resource_version="", resource_version_match="",
                          predicate=replace(options.predicate, continue_token=result.continue_token))
        # Let the page go before asking for the next, so that the instrumented pass's
        # release of it (its "free" phase) is the last reference dropped.
        del result
        result = get_list(request.key, options, request.request_namespace)
        pages += 1
        objects += len(result.items)
    return pages, objects
