"""The watch cache: a store kept up to date from the storage's watch, and its list paths
(``watchCache`` in cacher/watch_cache.go).

Writers (the reflector, applying watch events) and readers (LISTs) exclude each other
through one lock, as upstream's RWMutex does for a writer and a scan; under the GIL,
readers would not run in parallel anyway. Readers that need a newer revision than the
cache has wait on a condition variable, bounded by ``block_timeout`` (3 s upstream).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter

from storage.errors import IndexNotFoundError, TooLargeResourceVersionError
from storage.etcd3 import GetAttrs
from storage.mvcc import EVENT_DELETE, EVENT_PROGRESS, WatchEvent
from storage.selection import MatchValue
from stores.element import StoreElement
from stores.protocol import OrderedLister, Store

DEFAULT_BLOCK_TIMEOUT_SECONDS = 3.0
# While a reader waits, the cache asks etcd for a progress notification this often
# (watch_progress.go: a ticker, so the first request goes out one interval after the
# wait began), so that writes to other resources still advance the cache.
PROGRESS_REQUEST_INTERVAL_SECONDS = 0.1

_element_key = attrgetter("key")


def has_path_prefix(key: str, prefix: str) -> bool:
    """``hasPathPrefix``: ``key`` is ``prefix`` or lies under it at a ``/`` boundary.

    >>> has_path_prefix("/pods/ns1/a", "/pods/ns1"), has_path_prefix("/pods/ns1", "/pods/ns1")
    (True, True)
    >>> has_path_prefix("/pods/ns10/a", "/pods/ns1")
    False
    """
    if prefix.endswith("/"):
        return key.startswith(prefix)
    return key == prefix or key.startswith(prefix + "/")


def filter_prefix_and_order(prefix: str, elements: list[StoreElement]) -> list[StoreElement]:
    """Keep the elements under ``prefix`` and sort them by key: O(n + k log k).

    This is the step that makes the index and map paths cost more than a B-tree range
    scan: the input arrives in hash order, so the sort does real work.
    """
    if prefix.endswith("/"):
        matched = [element for element in elements if element.key.startswith(prefix)]
    else:
        matched = [element for element in elements if has_path_prefix(element.key, prefix)]
    matched.sort(key=_element_key)
    return matched


class WatchCache:
    """A store plus the resourceVersion it reflects, fed only by storage events."""

    def __init__(
        self,
        store: Store,
        get_attrs: GetAttrs,
        block_timeout: float = DEFAULT_BLOCK_TIMEOUT_SECONDS,
        request_progress: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.resource_version = 0
        self.block_timeout = block_timeout
        self._get_attrs = get_attrs
        self._request_progress = request_progress
        self._cond = threading.Condition(threading.RLock())
        self._ordered = isinstance(store, OrderedLister)

    def element(self, key: str, obj: object) -> StoreElement:
        """Compute the element of an object once, outside the lock, as processEvent does."""
        labels, fields = self._get_attrs(obj)
        return StoreElement(key, obj, labels, fields)

    # ---- writes (from the reflector) ------------------------------------------------

    def replace(self, objects: Iterable[tuple[str, object]], resource_version: int) -> None:
        """Reload the whole store from a LIST of the storage at ``resource_version``."""
        elements = [self.element(key, obj) for key, obj in objects]
        with self._cond:
            self.store.replace(elements)
            self.resource_version = resource_version
            self._cond.notify_all()

    def process_event(self, event: WatchEvent) -> None:
        """Apply one watch event (or progress notification) and wake waiting readers."""
        if event.type == EVENT_PROGRESS or event.kv is None:
            with self._cond:
                self.resource_version = max(self.resource_version, event.revision)
                self._cond.notify_all()
            return
        # A deletion carries the object as it was before (prev_kv), as upstream's event object.
        deleted = event.type == EVENT_DELETE
        source = event.prev_kv if deleted and event.prev_kv is not None else event.kv
        element = self.element(event.kv.key, source.value)
        with self._cond:
            if deleted:
                self.store.delete(element)
            elif event.prev_kv is None:
                self.store.add(element)
            else:
                self.store.update(element)
            self.resource_version = event.revision
            self._cond.notify_all()

    # ---- reads ----------------------------------------------------------------------

    def wait_until_fresh(self, resource_version: int) -> None:
        """Return once the cache has reached ``resource_version`` (0: at once).

        While behind, wait for events; every 100 ms without reaching it, ask the storage
        for progress (outside the lock: with inline delivery the answer arrives as an
        event in this very call, which takes the lock, and the storage's lock is taken
        before the cache's). After ``block_timeout`` raise TooLargeResourceVersionError
        (504, retry after 1 s).
        """
        if resource_version <= self.resource_version:
            return
        deadline = time.monotonic() + self.block_timeout
        next_progress = time.monotonic() + PROGRESS_REQUEST_INTERVAL_SECONDS
        while True:
            with self._cond:
                if self.resource_version >= resource_version:
                    return
                now = time.monotonic()
                if now >= deadline:
                    raise TooLargeResourceVersionError(resource_version, self.resource_version)
                self._cond.wait(min(next_progress, deadline) - now)
                if self.resource_version >= resource_version:
                    return
            if time.monotonic() >= next_progress:
                self._request_progress()
                next_progress = time.monotonic() + PROGRESS_REQUEST_INTERVAL_SECONDS

    def wait_until_fresh_and_list(
        self, resource_version: int, key: str, match_values: Sequence[MatchValue]
    ) -> tuple[list[StoreElement], int, str]:
        """Candidates under ``key`` in ascending key order, the cache RV, and the index used.

        The three data paths of upstream, in order: the first match value whose index
        exists (ByIndex, prefix filter, sort); else the B-tree's ordered prefix scan;
        else every item (List, prefix filter, sort).
        """
        self.wait_until_fresh(resource_version)
        with self._cond:
            store = self.store
            for match in match_values:
                try:
                    indexed = store.by_index(match.index_name, match.value)
                except IndexNotFoundError:
                    continue
                return filter_prefix_and_order(key, indexed), self.resource_version, match.index_name
            if self._ordered:
                elements, _ = store.list_prefix(key)
                return elements, self.resource_version, ""
            return filter_prefix_and_order(key, store.list()), self.resource_version, ""

    def wait_until_fresh_and_get(self, resource_version: int, key: str) -> tuple[list[StoreElement], int]:
        """The element at ``key`` (as a 0- or 1-element list) and the cache RV."""
        self.wait_until_fresh(resource_version)
        with self._cond:
            element = self.store.get_by_key(key)
            return ([element] if element is not None else []), self.resource_version
