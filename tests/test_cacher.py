"""The watch cache and the v1.32 LIST path: data paths, resourceVersion rules, waiting,
delegation to the storage, and bad input that changes nothing."""

from __future__ import annotations

import threading
import time

import pytest

from storage.errors import BadRequestError, InvalidError, StorageError, TooLargeResourceVersionError
from storage.etcd3 import Etcd3Storage
from storage.mvcc import RevisionedStorage
from storage.selection import ListOptions, MatchValue, SelectionPredicate, Selector
from stores import STORE_NAMES, open_store
from stores.cacher import Cacher, should_delegate_list
from stores.list_handler import list_resource
from stores.watch_cache import filter_prefix_and_order, has_path_prefix
from workloads import Pod, copy_pod, pod_attrs, pod_key

NAMESPACE_INDEX = MatchValue("f:metadata.namespace", "ns1")


def populated(store_name: str, block_timeout: float = 0.2) -> tuple[Etcd3Storage, Cacher]:
    storage = Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)
    for namespace in ("ns1", "ns2"):
        for name in ("c", "a", "b"):
            storage.create(pod_key(namespace, name), Pod(namespace, name, "node-" + name))
    return storage, Cacher(storage, open_store(store_name), pod_attrs, copy_pod, block_timeout=block_timeout)


def names(result) -> list[str]:
    return [f"{pod.namespace}/{pod.name}" for pod in result.items]


def test_has_path_prefix_respects_segment_boundaries() -> None:
    assert has_path_prefix("/pods/ns1/a", "/pods/ns1")
    assert has_path_prefix("/pods/ns1", "/pods/ns1")
    assert not has_path_prefix("/pods/ns10/a", "/pods/ns1")
    assert has_path_prefix("/pods/ns1/a", "/pods/ns1/")


def test_filter_prefix_and_order_sorts_the_survivors() -> None:
    _, cacher = populated("map")
    everything = cacher.watch_cache.store.list()
    assert [e.key for e in filter_prefix_and_order("/pods/ns2/", everything)] == [
        "/pods/ns2/a", "/pods/ns2/b", "/pods/ns2/c"]


@pytest.mark.parametrize("store_name, match_values, expected_index", [
    ("btree", [NAMESPACE_INDEX], "f:metadata.namespace"),
    ("map", [NAMESPACE_INDEX], "f:metadata.namespace"),
    ("btree", [], ""),
    ("map", [], ""),
    ("btree", [MatchValue("l:app", "x"), NAMESPACE_INDEX], "f:metadata.namespace"),  # unknown index skipped
])
def test_watch_cache_picks_the_first_existing_index_then_the_ordered_or_full_path(
        store_name: str, match_values: list[MatchValue], expected_index: str) -> None:
    _, cacher = populated(store_name)
    elements, rv, index = cacher.watch_cache.wait_until_fresh_and_list(0, "/pods/ns1/", match_values)
    assert [e.key for e in elements] == ["/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c"]
    assert index == expected_index and rv == 7


@pytest.mark.parametrize("store_name", STORE_NAMES)
def test_namespace_list_is_sorted_and_paginated_the_same_in_every_configuration(store_name: str) -> None:
    _, cacher = populated(store_name)
    predicate = SelectionPredicate(limit=2, index_fields=("metadata.namespace",))
    first = cacher.get_list("/pods/ns1", ListOptions("", "", predicate), "ns1")
    assert names(first) == ["ns1/a", "ns1/b"] and first.remaining_item_count == 1 and first.resource_version == 7
    second = cacher.get_list("/pods/ns1", ListOptions(predicate=SelectionPredicate(
        limit=2, continue_token=first.continue_token)))
    assert names(second) == ["ns1/c"] and second.continue_token == ""
    assert cacher.metrics.cache_lists == 1 and cacher.metrics.delegated_lists == 1


def test_delegation_matrix() -> None:
    paged = SelectionPredicate(limit=5)
    assert not should_delegate_list(ListOptions("", ""))
    assert not should_delegate_list(ListOptions("", "", paged))
    assert not should_delegate_list(ListOptions("0", "", paged))
    assert not should_delegate_list(ListOptions("5", "NotOlderThan", paged))
    assert not should_delegate_list(ListOptions("5", ""))  # no limit: cache, waiting for 5
    assert should_delegate_list(ListOptions("5", "", paged))  # legacy exact
    assert should_delegate_list(ListOptions("5", "Exact"))
    assert should_delegate_list(ListOptions(predicate=SelectionPredicate(continue_token="x")))


def test_resource_version_zero_ignores_the_limit() -> None:
    _, cacher = populated("btree")
    result = cacher.get_list("/pods/", ListOptions("0", "", SelectionPredicate(limit=1)))
    assert len(result.items) == 6 and result.continue_token == ""


@pytest.mark.parametrize("store_name", STORE_NAMES)
@pytest.mark.parametrize("options", [ListOptions(), ListOptions("7", "Exact")], ids=["cache", "storage"])
def test_listed_items_are_new_objects_equal_to_the_stored_ones_field_for_field(
        store_name: str, options: ListOptions) -> None:
    storage, cacher = populated(store_name)
    listed = cacher.get_list("/pods/ns1", options).items
    stored = [storage.kv.get(pod_key("ns1", name)).value for name in ("a", "b", "c")]
    assert [type(item) for item in listed] == [Pod] * 3
    assert all(item is not original for item, original in zip(listed, stored))
    assert listed == stored  # the dataclass compares every field
    # A shallow copy, as Go's struct copy: the field values themselves are shared.
    assert all(item.labels is original.labels for item, original in zip(listed, stored))
    cached = {element.key: element.object for element in cacher.watch_cache.store.list()}
    assert not any(item is cached[pod_key("ns1", item.name)] for item in listed)


def test_exact_is_served_by_the_storage_at_that_revision() -> None:
    storage, cacher = populated("btree")
    storage.delete(pod_key("ns1", "a"))
    past = cacher.get_list("/pods/ns1", ListOptions("7", "Exact"))
    assert names(past) == ["ns1/a", "ns1/b", "ns1/c"] and past.resource_version == 7
    assert cacher.metrics.delegated_lists == 1 and cacher.metrics.cache_lists == 0
    now = cacher.get_list("/pods/ns1", ListOptions())
    assert names(now) == ["ns1/b", "ns1/c"] and now.resource_version == 8


def test_consistent_read_catches_up_with_writes_to_other_resources_through_progress() -> None:
    storage, cacher = populated("btree")
    storage.kv.put("/nodes/n1", "node")  # bumps the revision; not under /pods, so no pod event
    assert cacher.watch_cache.resource_version == 7
    result = cacher.get_list("/pods/", ListOptions())
    assert result.resource_version == 8  # the cache asked for a progress notification
    assert cacher.metrics.consistent_read_fallbacks == 0


def test_not_older_than_waits_for_a_concurrent_write() -> None:
    storage, cacher = populated("map+index", block_timeout=3.0)
    writer = threading.Timer(0.05, storage.create, args=(pod_key("ns1", "d"), Pod("ns1", "d", "n")))
    writer.start()
    result = cacher.get_list("/pods/ns1", ListOptions("8", "NotOlderThan"))
    writer.join()
    assert names(result) == ["ns1/a", "ns1/b", "ns1/c", "ns1/d"] and result.resource_version == 8


def test_with_a_reflector_thread_a_not_older_than_list_waits_for_the_event_of_its_write() -> None:
    storage = Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)
    cacher = Cacher(storage, open_store("btree"), pod_attrs, copy_pod, block_timeout=3.0, watch_delivery="thread")
    # Holding the cache's lock keeps the reflector thread from applying the event until
    # the list's wait releases it.
    with cacher.watch_cache._cond:
        revision = storage.create(pod_key("ns1", "a"), Pod("ns1", "a", "n"))
        time.sleep(0.05)
        assert cacher.watch_cache.resource_version < revision  # the write returned; the cache has not seen it
        result = cacher.get_list("/pods", ListOptions(str(revision), "NotOlderThan", SelectionPredicate(limit=1)))
    assert names(result) == ["ns1/a"] and result.resource_version == revision
    cacher.stop()


def test_an_unknown_watch_delivery_is_refused() -> None:
    storage = Etcd3Storage(RevisionedStorage(), pod_attrs, copy_pod)
    with pytest.raises(ValueError, match="unknown watch delivery 'async'"):
        Cacher(storage, open_store("btree"), pod_attrs, copy_pod, watch_delivery="async")


def test_too_large_resource_version_fails_after_the_bounded_wait() -> None:
    _, cacher = populated("btree", block_timeout=0.15)
    started = time.monotonic()
    with pytest.raises(TooLargeResourceVersionError) as error:
        cacher.get_list("/pods/", ListOptions("100", "NotOlderThan"))
    assert 0.15 <= time.monotonic() - started < 2
    assert error.value.status == 504 and "100" in str(error.value)


def test_consistent_read_falls_back_to_the_storage_when_the_cache_is_stuck() -> None:
    storage, cacher = populated("btree", block_timeout=0.1)
    cacher.stop()  # the cache stops following the storage
    storage.create(pod_key("ns1", "z"), Pod("ns1", "z", "n"))
    result = cacher.get_list("/pods/ns1", ListOptions())
    assert names(result)[-1] == "ns1/z"
    assert cacher.metrics.consistent_read_fallbacks == 1


def test_single_key_get_list() -> None:
    _, cacher = populated("map")
    result = cacher.get_list(pod_key("ns2", "b"), ListOptions("0", "", recursive=False))
    assert names(result) == ["ns2/b"]
    assert cacher.get_list(pod_key("ns2", "zz"), ListOptions("", "", recursive=False)).items == []


def test_field_selector_on_the_node_index() -> None:
    _, cacher = populated("btree")
    predicate = SelectionPredicate(index_fields=("spec.nodeName",), field=Selector.parse("spec.nodeName=node-b"))
    assert names(cacher.get_list("/pods/", ListOptions(predicate=predicate))) == ["ns1/b", "ns2/b"]


@pytest.mark.parametrize("options, message", [
    (ListOptions("abc", ""), "invalid resource version"),
    (ListOptions("12abc", "NotOlderThan"), "invalid resource version"),
    (ListOptions(predicate=SelectionPredicate(limit=1, continue_token="bm90LWEtdG9rZW4")), "invalid continue token"),
])
@pytest.mark.parametrize("store_name", STORE_NAMES)
def test_bad_input_is_a_clear_400_and_changes_nothing(store_name: str, options: ListOptions, message: str) -> None:
    storage, cacher = populated(store_name)
    before = names(cacher.get_list("/pods/", ListOptions()))
    with pytest.raises(BadRequestError) as error:
        list_resource(cacher, "/pods/", options)
    assert error.value.status == 400 and message in str(error.value)
    assert names(cacher.get_list("/pods/", ListOptions())) == before
    assert storage.kv.current_revision == cacher.watch_cache.resource_version == 7


@pytest.mark.parametrize("options, violation", [
    (ListOptions("5", "Newest"), 'resourceVersionMatch: Unsupported value: "Newest": supported values: '
                                 '"Exact", "NotOlderThan", ""'),
    (ListOptions("", "NotOlderThan"), "resourceVersionMatch is forbidden unless resourceVersion is provided"),
    (ListOptions("0", "Exact"), 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
    (ListOptions("5", "NotOlderThan", SelectionPredicate(limit=1, continue_token="abc")),
     "resourceVersionMatch is forbidden when continue is provided"),
])
def test_the_handler_refuses_what_validate_list_options_forbids_with_422(options: ListOptions, violation: str) -> None:
    """Case 8 of the upstream-tests issue: ValidateListOptions, at the handler, 422 Invalid."""
    _, cacher = populated("btree")
    with pytest.raises(InvalidError) as error:
        list_resource(cacher, "/pods/", options)
    assert error.value.status == 422 and violation in str(error.value)
    assert str(error.value).startswith('422 Invalid: ListOptions.meta.k8s.io "" is invalid: ')


def test_the_handler_lists_every_violation() -> None:
    _, cacher = populated("btree")
    with pytest.raises(InvalidError) as error:
        list_resource(cacher, "/pods/", ListOptions("", "Newest", SelectionPredicate(continue_token="abc")))
    assert len(error.value.violations) == 3 and "[resourceVersionMatch: Forbidden" in str(error.value)


def test_the_cacher_delegates_an_unknown_match_and_the_storage_refuses_it() -> None:
    _, cacher = populated("btree")
    with pytest.raises(StorageError, match="unknown ResourceVersionMatch value: Newest"):
        cacher.get_list("/pods/", ListOptions("5", "Newest"))


@pytest.mark.parametrize("store_name", STORE_NAMES)
@pytest.mark.parametrize("resource_version", ["", "0", "7"])
def test_a_negative_limit_is_no_limit(store_name: str, resource_version: str) -> None:
    """Case 7: no layer of upstream refuses a negative limit; the cacher and the storage
    (legacy exact needs limit > 0) read it as no limit."""
    _, cacher = populated(store_name)
    everything = names(cacher.get_list("/pods/", ListOptions(resource_version)))
    negative = list_resource(cacher, "/pods/", ListOptions(resource_version, predicate=SelectionPredicate(limit=-1)))
    assert names(negative) == everything and negative.continue_token == ""


def test_errors_are_storage_errors_with_a_status() -> None:
    assert issubclass(TooLargeResourceVersionError, StorageError)
    assert str(BadRequestError("x")).startswith("400 BadRequest")
