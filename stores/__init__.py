"""The four watch-cache store configurations of the published StoreList table.

``open_store(name)`` opens one by the name the table uses as its column:

====================  ===========  =======================================
name                  store        namespace-scoped LIST
====================  ===========  =======================================
``btree+index``       B-tree       ByIndex(f:metadata.namespace), sort
``btree``             B-tree       ListPrefix range scan, already sorted
``map+index``         hash map     ByIndex (key set + lookups), sort
``map``               hash map     List() of everything, filter, sort
====================  ===========  =======================================
"""

from __future__ import annotations

from collections.abc import Sequence

from stores.btree import BTreeStore
from stores.element import StoreElement
from stores.hashmap import MapStore
from stores.indexer import DEFAULT_INDEXED_FIELDS
from stores.protocol import OrderedLister, Store, StoreConfig

STORE_CONFIGS: dict[str, StoreConfig] = {
    config.name: config
    for config in (
        StoreConfig("btree+index", ordered=True, namespace_index_requested=True),
        StoreConfig("btree", ordered=True, namespace_index_requested=False),
        StoreConfig("map+index", ordered=False, namespace_index_requested=True),
        StoreConfig("map", ordered=False, namespace_index_requested=False),
    )
}
STORE_NAMES: tuple[str, ...] = tuple(STORE_CONFIGS)


def store_config(name: str) -> StoreConfig:
    """The configuration called ``name``; ValueError listing the valid names otherwise.

    >>> store_config("btree+index")
    StoreConfig(name='btree+index', ordered=True, namespace_index_requested=True)
    >>> store_config("skiplist")
    Traceback (most recent call last):
    ...
    ValueError: unknown store 'skiplist'; valid stores: btree+index, btree, map+index, map
    """
    try:
        return STORE_CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown store {name!r}; valid stores: {', '.join(STORE_NAMES)}") from None


BENCHMARK_INDEXERS = "benchmark"
REGISTRY_INDEXERS = "registry"
INDEXER_PROFILES: tuple[str, ...] = (BENCHMARK_INDEXERS, REGISTRY_INDEXERS)
NODE_NAME_FIELD = "spec.nodeName"


def registered_indexes(name: str, profile: str = BENCHMARK_INDEXERS) -> tuple[str, ...]:
    """The fields whose indexes configuration ``name`` registers under indexer ``profile``.

    ``benchmark``: both, in every configuration, as upstream's benchmark
    (``withNodeNameAndNamespaceIndex``) and the published table. ``registry``: the pod
    registry's rule after kubernetes #129933 (``pkg/registry/core/pod/strategy.go``):
    ``f:spec.nodeName`` always, ``f:metadata.namespace`` only when the B-tree is off, so
    the B-tree configurations keep the node index alone (and a namespace hint falls
    back to the ordered range scan).

    >>> registered_indexes("btree+index", "registry"), registered_indexes("map", "registry")
    (('spec.nodeName',), ('metadata.namespace', 'spec.nodeName'))
    """
    if profile not in INDEXER_PROFILES:
        raise ValueError(f"unknown indexer profile {profile!r}; expected one of {', '.join(INDEXER_PROFILES)}")
    if profile == REGISTRY_INDEXERS and store_config(name).ordered:
        return (NODE_NAME_FIELD,)
    return DEFAULT_INDEXED_FIELDS


def open_store(name: str, indexed_fields: Sequence[str] = DEFAULT_INDEXED_FIELDS) -> Store:
    """A new, empty store of configuration ``name``, maintaining ``indexed_fields`` indexes."""
    config = store_config(name)
    if config.ordered:
        return BTreeStore(config, indexed_fields)
    return MapStore(config, indexed_fields)


__all__ = ["BENCHMARK_INDEXERS", "INDEXER_PROFILES", "REGISTRY_INDEXERS", "STORE_NAMES", "STORE_CONFIGS",
           "OrderedLister", "Store", "StoreConfig", "StoreElement", "open_store", "registered_indexes", "store_config"]
