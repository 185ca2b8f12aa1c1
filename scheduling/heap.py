"""A binary heap whose items can also be found and deleted by key (upstream
``internal/heap``), used for activeQ and backoffQ."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class KeyedHeap(Generic[T]):
    """Min-heap under ``less`` with a key -> index map. n = items in the heap."""

    __slots__ = ("_key", "_less", "_items", "_index")

    def __init__(self, key: Callable[[T], str], less: Callable[[T, T], bool]) -> None:
        self._key = key
        self._less = less
        self._items: list[T] = []
        self._index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[T]:
        """Items in storage (not priority) order. O(n)."""
        return iter(list(self._items))

    def get(self, key: str) -> T | None:
        """Item with ``key`` or ``None``. O(1)."""
        index = self._index.get(key)
        return None if index is None else self._items[index]

    def add(self, item: T) -> None:
        """Insert, or replace and re-sift an item with the same key (as upstream). O(log n)."""
        key = self._key(item)
        index = self._index.get(key)
        if index is not None:
            self._items[index] = item
            self._fix(index)
            return
        self._items.append(item)
        self._index[key] = len(self._items) - 1
        self._up(len(self._items) - 1)

    def peek(self) -> T | None:
        """Smallest item or ``None``. O(1)."""
        return self._items[0] if self._items else None

    def pop(self) -> T | None:
        """Remove and return the smallest item, ``None`` if empty. O(log n)."""
        if not self._items:
            return None
        return self._remove_at(0)

    def delete(self, key: str) -> T | None:
        """Remove the item with ``key``; return it, or ``None`` if absent. O(log n)."""
        index = self._index.get(key)
        if index is None:
            return None
        return self._remove_at(index)

    def _remove_at(self, index: int) -> T:
        items = self._items
        last = len(items) - 1
        if index != last:
            self._swap(index, last)
        item = items.pop()
        del self._index[self._key(item)]
        if index < len(items):
            self._fix(index)
        return item

    def _fix(self, index: int) -> None:
        if not self._up(index):
            self._down(index)

    def _swap(self, i: int, j: int) -> None:
        items = self._items
        items[i], items[j] = items[j], items[i]
        self._index[self._key(items[i])] = i
        self._index[self._key(items[j])] = j

    def _up(self, index: int) -> bool:
        moved = False
        while index > 0:
            parent = (index - 1) // 2
            if not self._less(self._items[index], self._items[parent]):
                break
            self._swap(index, parent)
            index = parent
            moved = True
        return moved

    def _down(self, index: int) -> None:
        size = len(self._items)
        while True:
            smallest = index
            for child in (2 * index + 1, 2 * index + 2):
                if child < size and self._less(self._items[child], self._items[smallest]):
                    smallest = child
            if smallest == index:
                return
            self._swap(index, smallest)
            index = smallest
