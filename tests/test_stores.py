"""The four stores: protocol, index maintenance, ordering, and ListPrefix semantics."""

from __future__ import annotations

import pytest

from storage.errors import IndexNotFoundError
from stores import STORE_NAMES, OrderedLister, Store, StoreElement, open_store
from stores.btree import BTreeStore
from stores.hashmap import MapStore


def element(namespace: str, name: str, node: str) -> StoreElement:
    key = f"/pods/{namespace}/{name}"
    return StoreElement(key, object(), {}, {"metadata.namespace": namespace, "spec.nodeName": node,
                                            "metadata.name": name})


def keys(elements: list[StoreElement]) -> list[str]:
    return [e.key for e in elements]


def test_store_names_are_the_published_columns_in_order() -> None:
    assert STORE_NAMES == ("btree+index", "btree", "map+index", "map")


def test_unknown_store_name_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError) as error:
        open_store("skiplist")
    for name in STORE_NAMES:
        assert name in str(error.value)


@pytest.mark.parametrize("name", STORE_NAMES)
def test_each_name_opens_a_store_of_the_right_kind(name: str) -> None:
    store = open_store(name)
    assert isinstance(store, Store)
    assert store.config.name == name
    assert isinstance(store, OrderedLister) == name.startswith("btree")
    assert isinstance(store, BTreeStore if name.startswith("btree") else MapStore)
    assert store.config.namespace_index_requested == name.endswith("+index")


@pytest.mark.parametrize("name", STORE_NAMES)
def test_indexes_follow_adds_updates_and_deletes_in_every_configuration(name: str) -> None:
    store = open_store(name)
    a, b = element("ns1", "a", "n1"), element("ns1", "b", "n2")
    store.add(a)
    store.add(b)
    assert sorted(keys(store.by_index("f:metadata.namespace", "ns1"))) == [a.key, b.key]
    assert keys(store.by_index("f:spec.nodeName", "n1")) == [a.key]
    moved = element("ns1", "a", "n2")
    store.update(moved)
    assert store.by_index("f:spec.nodeName", "n1") == []
    assert sorted(keys(store.by_index("f:spec.nodeName", "n2"))) == [a.key, b.key]
    assert store.get_by_key(a.key) is moved
    assert moved in store.by_index("f:spec.nodeName", "n2")  # the new element, not the old one
    assert a not in store.by_index("f:spec.nodeName", "n2")
    store.delete(b)
    assert keys(store.by_index("f:metadata.namespace", "ns1")) == [a.key]
    assert store.get(b) is None and len(store) == 1
    store.replace([b])
    assert keys(store.list()) == [b.key]
    assert keys(store.by_index("f:spec.nodeName", "n2")) == [b.key]


@pytest.mark.parametrize("name", STORE_NAMES)
def test_unregistered_index_is_an_error(name: str) -> None:
    with pytest.raises(IndexNotFoundError):
        open_store(name).by_index("f:status.phase", "Running")


# How hash order is ensured: index sets (both stores) and the map store's full listing
# are Python sets — of keys, or of (key, element) pairs — never dicts, which would
# iterate in insertion order. A set iterates in the order of its members' hashes, which
# (with string hashing randomised per process) is as unrelated to key order as a Go
# map's. These tests insert in key order, so an insertion-ordered structure would come
# back sorted, and check that neither the key order nor the insertion order comes back.
HASH_ORDER_SIZE = 500


def _inserted_in_key_order(name: str) -> tuple[Store, list[str]]:
    store = open_store(name)
    inserted = [f"/pods/ns/{i:05d}" for i in range(HASH_ORDER_SIZE)]
    for key in inserted:
        store.add(StoreElement(key, None, {}, {"metadata.namespace": "ns", "spec.nodeName": "n"}))
    return store, inserted


@pytest.mark.parametrize("name", STORE_NAMES)
def test_by_index_comes_back_in_hash_order(name: str) -> None:
    store, inserted = _inserted_in_key_order(name)
    listed = keys(store.by_index("f:metadata.namespace", "ns"))
    assert sorted(listed) == inserted
    assert listed != inserted
    assert listed != sorted(listed, reverse=True)


@pytest.mark.parametrize("name", ["map+index", "map"])
def test_map_store_lists_everything_in_hash_order(name: str) -> None:
    store, inserted = _inserted_in_key_order(name)
    listed = keys(store.list())
    assert sorted(listed) == inserted and listed != inserted


@pytest.mark.parametrize("name", ["btree+index", "btree"])
def test_btree_lists_in_key_order(name: str) -> None:
    store = open_store(name)
    for key in ("/pods/b/x", "/pods/a/y", "/pods/a/x"):
        store.add(StoreElement(key, None, {}, {}))
    assert keys(store.list()) == ["/pods/a/x", "/pods/a/y", "/pods/b/x"]
    assert store.list_keys() == ["/pods/a/x", "/pods/a/y", "/pods/b/x"]


@pytest.fixture
def btree() -> BTreeStore:
    store = open_store("btree")
    for key in ("/pods/a/1", "/pods/a/2", "/pods/a/3", "/pods/ab/1", "/pods/b/1", "/pods/a0"):
        store.add(StoreElement(key, None, {}, {}))
    assert isinstance(store, BTreeStore)
    return store


def test_list_prefix_is_a_sorted_range_scan(btree: BTreeStore) -> None:
    items, has_more = btree.list_prefix("/pods/a/")
    assert keys(items) == ["/pods/a/1", "/pods/a/2", "/pods/a/3"] and not has_more


def test_list_prefix_limit_and_has_more(btree: BTreeStore) -> None:
    items, has_more = btree.list_prefix("/pods/a/", limit=2)
    assert keys(items) == ["/pods/a/1", "/pods/a/2"] and has_more
    items, has_more = btree.list_prefix("/pods/a/", limit=3)
    assert len(items) == 3 and not has_more
    assert btree.list_prefix("/pods/a/", limit=-1) == ([], False)


def test_list_prefix_continues_from_a_key(btree: BTreeStore) -> None:
    items, _ = btree.list_prefix("/pods/a/", continue_key="/pods/a/2\x00")
    assert keys(items) == ["/pods/a/3"]


def test_list_prefix_stops_at_the_first_key_outside_the_prefix(btree: BTreeStore) -> None:
    # Upstream ascends from the continue key and stops at the first key without the
    # prefix, so a continue key before the prefix with other keys between gives nothing.
    assert btree.list_prefix("/pods/ab/", continue_key="/pods/a/") == ([], False)
    items, _ = btree.list_prefix("/pods/ab/", continue_key="/pods/aa")
    assert keys(items) == ["/pods/ab/1"]


def test_empty_prefix_lists_everything(btree: BTreeStore) -> None:
    assert len(btree.list_prefix("")[0]) == 6
