"""Upstream's ``RunTestList`` table over the etcd3 storage and over the cacher.

Translated from k8s.io/apiserver v0.32.0 ``pkg/storage/testing/store_tests.go``
(``RunTestList`` with ``seedMultiLevelData``), as two upstream tests run it:

- ``etcd3/store_test.go`` TestList: the storage itself, all 49 cases.
- ``cacher/cacher_test.go`` TestListWithConsistentListFromCache: a cacher built before the
  seeding, so the watch cache is filled by its reflector's watch, here once per store
  configuration (upstream has one store per build; its B-tree and map are both under
  test in this suite). Upstream passes ``ignoreWatchCacheTests``, which skips the two
  cases marked ``ignore_for_watch_cache``: a cache serves resourceVersion 0 whole, so
  their limit does not apply. 47 cases per configuration.

The same objects are written in the same order, the same requests made, the same
expectations checked. Every case is recursive, as upstream's; where upstream accepts
either of two answers (resourceVersion 0 may be served by a cache) both are accepted.

Not expressed:
- cacher_test.go TestList, the same table with ConsistentListFromCache off: the cacher
  here models v1.32's default (on), where a consistent read is served from the cache
  after a revision fetch; with the gate off the storage answers it, which the etcd3 run
  of the table already covers.
- Upstream's check of the returned object's own resourceVersion (the model's pods
  carry none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import pytest

from storage.continue_token import encode_continue
from storage.errors import BadRequestError, StorageError, TooLargeResourceVersionError
from storage.etcd3 import Etcd3Storage
from storage.mvcc import RevisionedStorage
from storage.selection import ListOptions, ListResult, SelectionPredicate, Selector
from stores import STORE_NAMES, open_store
from stores.cacher import Cacher
from workloads import Pod, copy_pod, pod_attrs

MAX_INT64 = str(2**63 - 1)


class Lister(Protocol):
    def get_list(self, key: str, options: ListOptions) -> ListResult: ...


@dataclass
class Seeded:
    storage: Etcd3Storage
    lister: Lister       # what the table lists through: the storage itself, or a cacher over it
    initial_rv: int      # R0: the revision before the first write
    list_rv: int         # the revision after the seeding (upstream's list.ResourceVersion)
    current_rv: int      # after the compaction's own write


def seed(target: str) -> Seeded:
    """``seedMultiLevelData``, then ``compaction(initialRV)`` as the etcd3 test does it.

    ``target`` is "etcd3" or a store configuration, for a cacher started on the empty
    storage, as upstream's testSetupWithEtcdServer starts it. Upstream's cacher
    compaction also trims the watch cache's event history, which the model does not keep.
    """
    storage = Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)
    lister: Lister = storage
    if target != "etcd3":
        lister = Cacher(storage, open_store(target), pod_attrs, copy_pod, block_timeout=0.2)  # the "too high" case waits it out
    initial = storage.get_list("/pods", ListOptions()).resource_version
    for namespace, name in (("first", "bar"), ("second", "bar"), ("second", "foo"), ("third", "barfoo"),
                            ("third", "foo"), ("second", "baz")):
        storage.create(f"/pods/{namespace}/{name}", Pod(namespace, name, ""))
    storage.update("/pods/first/bar", Pod("first", "bar", "fakeNode"))
    storage.delete("/pods/second/baz")
    list_rv = storage.get_list("/pods/second", ListOptions()).resource_version
    storage.kv.put("/compact_rev_key", Pod("", "compact", ""))  # upstream's compact() writes this key first
    storage.kv.compact(initial)
    return Seeded(storage, lister, initial, list_rv, storage.kv.current_revision)


P0, P1, P2, P3, P4 = "first/bar", "second/bar", "second/foo", "third/barfoo", "third/foo"


@dataclass(frozen=True)
class Case:
    name: str
    prefix: str
    rv: Callable[[Seeded], str] = lambda s: ""
    match: str = ""
    limit: int = 0
    continue_from: tuple[str, str] | None = None  # (start key, key prefix), at the list's revision
    field: str = ""
    expected: tuple[tuple[str, ...], ...] = ((),)  # any one of these
    more: bool = False
    remaining: int | None = None
    rv_check: Callable[[Seeded, int], bool] | None = None
    error: type[Exception] | None = None
    ignore_for_watch_cache: bool = False


def at(attribute: str) -> Callable[[Seeded], str]:
    return lambda s: str(getattr(s, attribute))


ZERO = lambda s: "0"  # noqa: E731
SECOND_CONTINUATION = ("/pods/second/foo", "/pods/second/")
THIRD_BARFOO = ("/pods/third/barfoo", "/pods/")

CASES = [
    Case("rejects invalid resource version", "/pods", lambda s: "abc", error=BadRequestError),
    Case("rejects resource version and continue token", "/pods", lambda s: "1", limit=1,
         continue_from=SECOND_CONTINUATION, error=BadRequestError),
    Case("rejects resource version set too high", "/pods", lambda s: MAX_INT64, error=TooLargeResourceVersionError),
    Case("test List on existing key", "/pods/first/", expected=((P0,),)),
    Case("test List on existing key with resource version set to 0", "/pods/first/", ZERO, expected=((), (P0,))),
    Case("test List on existing key with resource version set before first write, match=Exact", "/pods/first/",
         at("initial_rv"), "Exact", rv_check=lambda s, rv: rv == s.initial_rv),
    Case("test List on existing key with resource version set to 0, match=NotOlderThan", "/pods/first/", ZERO,
         "NotOlderThan", expected=((), (P0,))),
    Case("test List on existing key with resource version set to 0, match=Invalid", "/pods/first/", ZERO, "Invalid",
         error=StorageError),
    Case("test List on existing key with resource version set before first write, match=NotOlderThan",
         "/pods/first/", at("initial_rv"), "NotOlderThan", expected=((), (P0,))),
    Case("test List on existing key with resource version set before first write, match=Invalid", "/pods/first/",
         at("initial_rv"), "Invalid", error=StorageError),
    Case("test List on existing key with resource version set to current resource version", "/pods/first/",
         at("list_rv"), expected=((P0,),)),
    Case("test List on existing key with resource version set to current resource version, match=Exact",
         "/pods/first/", at("list_rv"), "Exact", expected=((P0,),), rv_check=lambda s, rv: rv == s.list_rv),
    Case("test List on existing key with resource version set to current resource version, match=NotOlderThan",
         "/pods/first/", at("list_rv"), "NotOlderThan", expected=((P0,),)),
    Case("test List on non-existing key", "/pods/non-existing/"),
    Case("test List with pod name matching", "/pods/first/", field="metadata.name!=bar"),
    Case("test List with pod name matching with resource version set to current resource version, "
         "match=NotOlderThan", "/pods/first/", at("list_rv"), "NotOlderThan", field="metadata.name!=bar"),
    Case("test List with limit", "/pods/second/", limit=1, expected=((P1,),), more=True, remaining=1),
    Case("test List with limit at current resource version", "/pods/second/", at("list_rv"), limit=1,
         expected=((P1,),), more=True, remaining=1, rv_check=lambda s, rv: rv == s.list_rv),
    Case("test List with limit at current resource version and match=Exact", "/pods/second/", at("list_rv"),
         "Exact", limit=1, expected=((P1,),), more=True, remaining=1, rv_check=lambda s, rv: rv == s.list_rv),
    Case("test List with limit at current resource version and match=NotOlderThan", "/pods/second/",
         at("list_rv"), "NotOlderThan", limit=1, expected=((P1,),), more=True, remaining=1,
         rv_check=lambda s, rv: rv >= s.list_rv),
    Case("test List with limit at resource version 0", "/pods/second/", ZERO, limit=1, expected=((P1,),), more=True,
         remaining=1, rv_check=lambda s, rv: rv >= s.list_rv, ignore_for_watch_cache=True),
    Case("test List with limit at resource version 0 match=NotOlderThan", "/pods/second/", ZERO, "NotOlderThan",
         limit=1, expected=((P1,),), more=True, remaining=1, rv_check=lambda s, rv: rv >= s.list_rv,
         ignore_for_watch_cache=True),
    Case("test List with limit at resource version before first write and match=Exact", "/pods/second/",
         at("initial_rv"), "Exact", limit=1, rv_check=lambda s, rv: rv == s.initial_rv),
    Case("test List with pregenerated continue token", "/pods/second/", limit=1, continue_from=SECOND_CONTINUATION,
         expected=((P2,),)),
    Case("ignores resource version 0 for List with pregenerated continue token", "/pods/second/", ZERO, limit=1,
         continue_from=SECOND_CONTINUATION, expected=((P2,),)),
    Case("test List with multiple levels of directories and expect flattened result", "/pods/second/",
         expected=((P1, P2),)),
    Case("test List with multiple levels of directories and expect flattened result with current resource "
         "version and match=NotOlderThan", "/pods/second/", at("list_rv"), "NotOlderThan", expected=((P1, P2),)),
    Case("test List with filter returning only one item, ensure only a single page returned", "/pods",
         field="metadata.name=barfoo", limit=1, expected=((P3,),), more=True),
    Case("test List with filter returning only one item, ensure only a single page returned with current "
         "resource version and match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan",
         field="metadata.name=barfoo", limit=1, expected=((P3,),), more=True),
    Case("test List with filter returning only one item, covers the entire list", "/pods",
         field="metadata.name=barfoo", limit=2, expected=((P3,),)),
    Case("test List with filter returning only one item, covers the entire list with current resource version "
         "and match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan", field="metadata.name=barfoo", limit=2,
         expected=((P3,),)),
    Case("test List with filter returning only one item, covers the entire list, with resource version 0",
         "/pods", ZERO, field="metadata.name=barfoo", limit=2, expected=((), (P3,))),
    Case("test List with filter returning two items, more pages possible", "/pods", field="metadata.name=bar",
         limit=2, expected=((P0, P1),), more=True),
    Case("test List with filter returning two items, more pages possible with current resource version and "
         "match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan", field="metadata.name=bar", limit=2,
         expected=((P0, P1),), more=True),
    Case("filter returns two items split across multiple pages", "/pods", field="metadata.name=foo", limit=2,
         expected=((P2, P4),)),
    Case("filter returns two items split across multiple pages with current resource version and "
         "match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan", field="metadata.name=foo", limit=2,
         expected=((P2, P4),)),
    Case("filter returns one item for last page, ends on last item, not full", "/pods", field="metadata.name=foo",
         limit=2, continue_from=THIRD_BARFOO, expected=((P4,),)),
    Case("filter returns one item for last page, starts on last item, full", "/pods", field="metadata.name=foo",
         limit=1, continue_from=THIRD_BARFOO, expected=((P4,),)),
    Case("filter returns one item for last page, starts on last item, partial page", "/pods",
         field="metadata.name=foo", limit=2, continue_from=THIRD_BARFOO, expected=((P4,),)),
    Case("filter returns two items, page size equal to total list size", "/pods", field="metadata.name=foo",
         limit=5, expected=((P2, P4),)),
    Case("filter returns two items, page size equal to total list size with current resource version and "
         "match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan", field="metadata.name=foo", limit=5,
         expected=((P2, P4),)),
    Case("filter returns one item, page size equal to total list size", "/pods", field="metadata.name=barfoo",
         limit=5, expected=((P3,),)),
    Case("filter returns one item, page size equal to total list size with current resource version and "
         "match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan", field="metadata.name=barfoo", limit=5,
         expected=((P3,),)),
    Case("list all items", "/pods", expected=((P0, P1, P2, P3, P4),)),
    Case("list all items with current resource version and match=NotOlderThan", "/pods", at("list_rv"),
         "NotOlderThan", expected=((P0, P1, P2, P3, P4),)),
    Case("verify list returns updated version of object; filter returns one item, page size equal to total list "
         "size with current resource version and match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan",
         field="spec.nodeName=fakeNode", limit=5, expected=((P0,),)),
    Case("verify list does not return deleted object; filter for deleted object, page size equal to total list "
         "size with current resource version and match=NotOlderThan", "/pods", at("list_rv"), "NotOlderThan",
         field="metadata.name=baz", limit=5),
    Case("test consistent List", "/pods/empty", rv_check=lambda s, rv: rv == s.current_rv),
    Case("test non-consistent List", "/pods/empty", ZERO, rv_check=lambda s, rv: rv >= s.list_rv),
]


TARGETS = ("etcd3", *STORE_NAMES)


@pytest.fixture(scope="module", params=TARGETS)
def seeded(request: pytest.FixtureRequest) -> Iterator[Seeded]:
    seeded = seed(request.param)
    yield seeded
    if isinstance(seeded.lister, Cacher):
        seeded.lister.stop()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_run_test_list(case: Case, seeded: Seeded) -> None:
    if case.ignore_for_watch_cache and isinstance(seeded.lister, Cacher):
        pytest.skip("upstream's cacher run passes ignoreWatchCacheTests")
    token = encode_continue(*case.continue_from, seeded.list_rv) if case.continue_from else ""
    predicate = SelectionPredicate(limit=case.limit, continue_token=token,
                                   field=Selector.parse(case.field) if case.field else Selector())
    options = ListOptions(case.rv(seeded), case.match, predicate)
    if case.error is not None:
        with pytest.raises(case.error):
            seeded.lister.get_list(case.prefix, options)
        return
    result = seeded.lister.get_list(case.prefix, options)
    got = tuple(f"{pod.namespace}/{pod.name}" for pod in result.items)  # type: ignore[attr-defined]
    assert got in case.expected
    assert bool(result.continue_token) == case.more
    assert result.remaining_item_count == case.remaining
    if case.rv_check is not None:
        assert case.rv_check(seeded, result.resource_version), result.resource_version


def test_the_table_is_upstreams_whole_list() -> None:
    assert len(CASES) == 49 and len({case.name for case in CASES}) == 49
    assert sum(case.ignore_for_watch_cache for case in CASES) == 2
