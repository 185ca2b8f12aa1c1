"""Secondary indexes of the stores: index name -> index value -> elements.

Both stores index selectable fields (``f:metadata.namespace``, ``f:spec.nodeName``):
upstream's index functions read the pod object, ours read the element's field set,
which holds the same values. Each field index is single-valued.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter

from storage.errors import IndexNotFoundError
from storage.selection import field_index_name
from stores.element import StoreElement

DEFAULT_INDEXED_FIELDS: tuple[str, ...] = ("metadata.namespace", "spec.nodeName")


def _no_index(index_name: str) -> IndexNotFoundError:
    return IndexNotFoundError(f"index {index_name!r} does not exist")


# An index set member: the element with its key in front. Hashing the pair is C-level
# (the str's cached hash mixed with the element's identity), so index maintenance never
# calls into Python, and a set of pairs iterates in hash order like a Go map.
ElementEntry = tuple[str, StoreElement]
element_of = itemgetter(1)


class ElementIndexer:
    """The B-tree store's indexer (the cacher's own ``indexer``, not client-go's).

    Each index value maps to a hash set of element pointers (as (key, element) pairs), so
    ByIndex needs no second lookup. Sets iterate in hash order, which keeps the sort that
    follows as costly as Go's sort of a map's values.
    """

    def __init__(self, indexed_fields: Sequence[str]) -> None:
        self._fields = tuple((field_index_name(f), f) for f in indexed_fields)
        self._indices: dict[str, dict[str, set[ElementEntry]]] = {name: {} for name, _ in self._fields}

    def update(self, old: StoreElement | None, new: StoreElement | None) -> None:
        """``updateElem``: O(number of indexes). Either side may be None (add, delete)."""
        for name, field_path in self._fields:
            index = self._indices[name]
            old_value = old.fields.get(field_path) if old is not None else None
            new_value = new.fields.get(field_path) if new is not None else None
            if old_value is not None:
                members = index[old_value]
                members.discard((old.key, old))
                if not members and old_value != new_value:
                    del index[old_value]
            if new_value is not None:
                entry = (new.key, new)
                members = index.get(new_value)
                if members is None:
                    index[new_value] = {entry}
                else:
                    members.add(entry)

    def by_index(self, index_name: str, value: str) -> list[StoreElement]:
        """The elements whose field equals ``value``, in hash order: O(k) for k elements."""
        index = self._indices.get(index_name)
        if index is None:
            raise _no_index(index_name)
        members = index.get(value)
        return list(map(element_of, members)) if members else []

    def replace(self, elements: Iterable[StoreElement]) -> None:
        """Rebuild every index from scratch: O(n · indexes)."""
        entries = [(element.key, element) for element in elements]
        for name, field_path in self._fields:
            index: dict[str, set[ElementEntry]] = {}
            for entry in entries:
                value = entry[1].fields.get(field_path)
                if value is not None:
                    members = index.get(value)
                    if members is None:
                        index[value] = {entry}
                    else:
                        members.add(entry)
            self._indices[name] = index


class KeyIndexer:
    """client-go's ``storeIndex`` for the map store: index value -> hash set of keys.

    ByIndex returns keys; the map store then looks each one up in its item map, the
    second hash lookup per element that the B-tree store's indexer avoids.
    """

    def __init__(self, indexed_fields: Sequence[str]) -> None:
        self._fields = tuple((field_index_name(f), f) for f in indexed_fields)
        self._indices: dict[str, dict[str, set[str]]] = {name: {} for name, _ in self._fields}

    def update(self, old: StoreElement | None, new: StoreElement | None, key: str) -> None:
        """O(number of indexes)."""
        for name, field_path in self._fields:
            index = self._indices[name]
            old_value = old.fields.get(field_path) if old is not None else None
            new_value = new.fields.get(field_path) if new is not None else None
            if old_value == new_value:
                continue
            if old_value is not None:
                members = index[old_value]
                members.discard(key)
                if not members:
                    del index[old_value]
            if new_value is not None:
                members = index.get(new_value)
                if members is None:
                    index[new_value] = {key}
                else:
                    members.add(key)

    def keys_by_index(self, index_name: str, value: str) -> set[str] | tuple[()]:
        """The key set for ``value`` (not copied: the caller only iterates it), O(1)."""
        index = self._indices.get(index_name)
        if index is None:
            raise _no_index(index_name)
        return index.get(value, ())

    def replace(self, elements: Iterable[StoreElement]) -> None:
        """Rebuild every index: O(n · indexes)."""
        for name, field_path in self._fields:
            index: dict[str, set[str]] = {}
            for element in elements:
                value = element.fields.get(field_path)
                if value is not None:
                    members = index.get(value)
                    if members is None:
                        index[value] = {element.key}
                    else:
                        members.add(element.key)
            self._indices[name] = index
