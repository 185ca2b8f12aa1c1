"""The map store (client-go ``threadSafeMap`` behind ``cache.NewIndexer``).

A hash map from key to element plus index sets of keys. It has no ordered listing, so
every LIST without an index walks all items, and every index LIST looks each key up.

Python's dict iterates in insertion order, Go's map in a randomised hash order, and the
difference matters: the watch cache sorts what a store returns, and Timsort on a list
that is already (partly) in order is far cheaper than Go's sort on hash order. So the
items are kept twice, in a dict for lookups by key and in a set of (key, element) pairs
that ``list()`` walks in hash order, as a Go map's values come out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from stores.element import StoreElement
from stores.indexer import DEFAULT_INDEXED_FIELDS, ElementEntry, KeyIndexer, element_of
from stores.protocol import StoreConfig


class MapStore:
    """Hash store. Costs: add/update/delete O(indexes); get O(1); list O(n) in hash
    order; by_index O(k) (one item lookup per key), in hash order."""

    def __init__(self, config: StoreConfig, indexed_fields: Sequence[str] = DEFAULT_INDEXED_FIELDS) -> None:
        self.config = config
        self._items: dict[str, StoreElement] = {}
        self._entries: set[ElementEntry] = set()
        self._indexer = KeyIndexer(indexed_fields)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, element: StoreElement) -> None:
        self.update(element)

    def update(self, element: StoreElement) -> None:
        key = element.key
        old = self._items.get(key)
        self._items[key] = element
        if old is not None:
            self._entries.discard((key, old))
        self._entries.add((key, element))
        self._indexer.update(old, element, key)

    def delete(self, element: StoreElement) -> None:
        old = self._items.pop(element.key, None)
        if old is not None:
            self._entries.discard((old.key, old))
            self._indexer.update(old, None, element.key)

    def get(self, element: StoreElement) -> StoreElement | None:
        return self._items.get(element.key)

    def get_by_key(self, key: str) -> StoreElement | None:
        return self._items.get(key)

    def list(self) -> list[StoreElement]:
        """Every element, in hash order: one O(n) copy."""
        return list(map(element_of, self._entries))

    def list_keys(self) -> list[str]:
        return [key for key, _ in self._entries]

    def replace(self, elements: Iterable[StoreElement]) -> None:
        elements = list(elements)
        self._items = {element.key: element for element in elements}
        self._entries = set(self._items.items())
        self._indexer.replace(elements)

    def by_index(self, index_name: str, value: str) -> list[StoreElement]:
        """The key set's elements, one item lookup per key, in hash order."""
        items = self._items
        return [items[key] for key in self._indexer.keys_by_index(index_name, value)]
