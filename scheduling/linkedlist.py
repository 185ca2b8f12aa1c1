"""A doubly linked list with the semantics of Go's ``container/list``.

The pre-fix bug depends on one Go detail, so it is kept exactly: removing an element
clears its next, prev and owner pointers, and ``next()`` / ``prev()`` on a detached
element return ``None``.  A list that kept the pointers of removed nodes (or a
``collections.deque``) would let the pre-fix tracker walk on from a removed marker and
hide the bug.

Like Go, the list is a ring around a sentinel root element, so push and remove need no
special cases for the ends.

>>> events = LinkedList()
>>> first, second = events.push_back("E1"), events.push_back("E2")
>>> events.remove(first)
'E1'
>>> first.next(), first.is_detached(), events.front() is second
(None, True, True)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class Element(Generic[T]):
    """One node. ``value`` is the payload; the links are private to the list."""

    __slots__ = ("value", "_next", "_prev", "_list")

    def __init__(self, value: T) -> None:
        self.value = value
        self._next: Element[T] | None = None
        self._prev: Element[T] | None = None
        self._list: LinkedList[T] | None = None

    def next(self) -> Element[T] | None:
        """The following element, or ``None`` at the back or when detached. O(1)."""
        owner = self._list
        nxt = self._next
        if owner is not None and nxt is not owner._root:
            return nxt
        return None

    def prev(self) -> Element[T] | None:
        """The preceding element, or ``None`` at the front or when detached. O(1)."""
        owner = self._list
        prv = self._prev
        if owner is not None and prv is not owner._root:
            return prv
        return None

    def is_detached(self) -> bool:
        """True once the element has been removed from its list.

        Go does not export this (``Element.list`` is private), which is why the pre-fix
        code could not notice a removed marker; it exists here for tests and invariants.
        """
        return self._list is None


class LinkedList(Generic[T]):
    """Go-style doubly linked list; every operation is O(1) except iteration."""

    __slots__ = ("_root", "_len")

    def __init__(self) -> None:
        # The sentinel never holds a real value; its payload is never read.
        root: Element[T] = Element(cast(T, None))
        root._next = root
        root._prev = root
        self._root = root
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def front(self) -> Element[T] | None:
        """First element or ``None`` if empty. O(1)."""
        return self._root._next if self._len else None

    def back(self) -> Element[T] | None:
        """Last element or ``None`` if empty. O(1)."""
        return self._root._prev if self._len else None

    def push_back(self, value: T) -> Element[T]:
        """Append ``value`` at the tail and return its new element. O(1)."""
        element: Element[T] = Element(value)
        last = cast("Element[T]", self._root._prev)
        element._prev = last
        element._next = self._root
        element._list = self
        last._next = element
        self._root._prev = element
        self._len += 1
        return element

    def remove(self, element: Element[T]) -> T:
        """Unlink ``element`` if it belongs to this list; return its value. O(1).

        As in Go, removing an element of another list (or an already removed one) is a
        no-op, and a removed element loses next, prev and owner.
        """
        if element._list is self:
            prv = cast("Element[T]", element._prev)
            nxt = cast("Element[T]", element._next)
            prv._next = nxt
            nxt._prev = prv
            element._next = None
            element._prev = None
            element._list = None
            self._len -= 1
        return element.value

    def elements(self) -> Iterator[Element[T]]:
        """Elements front to back. O(n) for the whole walk."""
        element = self.front()
        while element is not None:
            yield element
            element = element.next()

    def __iter__(self) -> Iterator[T]:
        """Values front to back. O(n) for the whole walk."""
        for element in self.elements():
            yield element.value
