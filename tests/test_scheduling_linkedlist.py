"""Go container/list semantics of scheduling.linkedlist, and the other small parts:
the keyed heap and the fake clock."""

from __future__ import annotations

import pytest

from scheduling.clock import FakeClock
from scheduling.heap import KeyedHeap
from scheduling.linkedlist import LinkedList


def test_push_back_keeps_order_and_links() -> None:
    items: LinkedList[str] = LinkedList()
    a, b, c = items.push_back("a"), items.push_back("b"), items.push_back("c")
    assert list(items) == ["a", "b", "c"] and len(items) == 3
    assert items.front() is a and items.back() is c
    assert a.next() is b and b.next() is c and c.next() is None
    assert c.prev() is b and a.prev() is None


def test_removed_element_is_detached_like_go() -> None:
    items: LinkedList[str] = LinkedList()
    a, b, c = items.push_back("a"), items.push_back("b"), items.push_back("c")
    assert items.remove(b) == "b"
    assert list(items) == ["a", "c"] and len(items) == 2
    # The property the pre-fix bug rests on: a removed node leads nowhere.
    assert b.next() is None and b.prev() is None and b.is_detached()
    assert a.next() is c and c.prev() is a


def test_remove_twice_or_from_another_list_is_a_no_op() -> None:
    first: LinkedList[int] = LinkedList()
    second: LinkedList[int] = LinkedList()
    element = first.push_back(1)
    second.push_back(2)
    second.remove(element)
    assert len(first) == 1 and len(second) == 1 and not element.is_detached()
    first.remove(element)
    first.remove(element)
    assert len(first) == 0 and first.front() is None and first.back() is None


def test_removing_the_ends_updates_front_and_back() -> None:
    items: LinkedList[int] = LinkedList()
    elements = [items.push_back(i) for i in range(3)]
    items.remove(elements[0])
    items.remove(elements[2])
    assert items.front() is elements[1] is items.back()
    assert elements[1].next() is None and elements[1].prev() is None


def test_keyed_heap_orders_finds_and_deletes() -> None:
    heap: KeyedHeap[tuple[str, int]] = KeyedHeap(lambda item: item[0], lambda x, y: x[1] < y[1])
    for key, value in [("a", 5), ("b", 1), ("c", 3), ("d", 4)]:
        heap.add((key, value))
    assert heap.peek() == ("b", 1) and "c" in heap and heap.get("c") == ("c", 3)
    assert heap.delete("c") == ("c", 3) and heap.delete("c") is None
    heap.add(("a", 0))  # same key: replaced and re-sifted, not duplicated
    assert len(heap) == 3
    assert [heap.pop(), heap.pop(), heap.pop(), heap.pop()] == [("a", 0), ("b", 1), ("d", 4), None]


def test_fake_clock_only_moves_forward() -> None:
    clock = FakeClock(10.0)
    clock.step(2.5)
    clock.set(20.0)
    assert clock.now() == 20.0
    with pytest.raises(ValueError):
        clock.step(-1)
    with pytest.raises(ValueError):
        clock.set(19.0)
