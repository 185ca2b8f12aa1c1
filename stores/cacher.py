"""The cacher's LIST path (``Cacher.GetList`` in cacher/cacher.go, Kubernetes v1.32).

Decides whether the watch cache or the storage answers, fetches the consistent-read
revision, asks the watch cache for candidates, then filters, limits, and builds the
continue token. The reflector (list, then watch) is the only writer of the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.continue_token import prepare_continue_token
from storage.errors import StorageError, TooLargeResourceVersionError
from storage.etcd3 import Etcd3Storage, GetAttrs, ObjectCopy
from storage.mvcc import prefix_end
from storage.selection import (
    MATCH_NOT_OLDER_THAN,
    ListOptions,
    ListResult,
    SelectionPredicate,
    parse_resource_version,
)
from stores.element import StoreElement
from stores.protocol import Store
from stores.watch_cache import DEFAULT_BLOCK_TIMEOUT_SECONDS, WatchCache
from stores.watch_delivery import INLINE, THREAD, WATCH_DELIVERIES, ReflectorThread


# The cacher's reflector lists from etcd in pages of this many keys (cacher.go).
STORAGE_LIST_PAGE_SIZE = 10_000


@dataclass(slots=True)
class CacherMetrics:
    """Counters as upstream's apiserver_cache_list_* and consistent_read_total metrics."""

    cache_lists: int = 0
    delegated_lists: int = 0
    consistent_read_fallbacks: int = 0


def should_delegate_list(options: ListOptions) -> bool:
    """``shouldDelegateList`` with ConsistentListFromCache on and etcd able to report progress.

    The storage answers: any continuation; any match other than "" or NotOlderThan (so
    Exact always); and legacy exact reads (no match, limit > 0, RV neither "" nor "0").
    """
    if options.predicate.continue_token:
        return True
    match = options.resource_version_match
    if match not in ("", MATCH_NOT_OLDER_THAN):
        return True
    return match == "" and options.predicate.limit > 0 and options.resource_version not in ("", "0")


def compute_list_limit(options: ListOptions) -> int:
    """``computeListLimit``: the page size the cache cuts at, 0 for none. RV "0" means "any
    state", served whole, without pagination; a limit below 1 is no limit (no layer of
    upstream refuses a negative one)."""
    limit = options.predicate.limit
    return 0 if limit < 0 or options.resource_version == "0" else limit


def select_page(
    candidates: list[StoreElement], predicate: SelectionPredicate, limit: int
) -> tuple[list[object], str, bool]:
    """Filter candidates with the predicate and cut at ``limit`` (0: no limit).

    Returns the cached objects themselves (the caller copies them), the last selected
    key and ``has_more``, which is True whenever any candidate follows the one that
    filled the page, matching or not.
    """
    if predicate.empty:
        # Both selectors empty: every candidate matches, so the page is a slice.
        has_more = 0 < limit < len(candidates)
        page = candidates[:limit] if has_more else candidates
        return [element.object for element in page], (page[-1].key if page else ""), has_more
    objects: list[object] = []
    last_key = ""
    for position, element in enumerate(candidates):
        if predicate.matches_object_attributes(element.labels, element.fields):
            objects.append(element.object)
            last_key = element.key
            if limit and len(objects) == limit:
                return objects, last_key, position != len(candidates) - 1
    return objects, last_key, False


class Cacher:
    """A watch cache over ``storage`` for every key under ``resource_prefix``."""

    def __init__(
        self,
        storage: Etcd3Storage,
        store: Store,
        get_attrs: GetAttrs,
        copy_object: ObjectCopy,
        resource_prefix: str = "/pods",
        block_timeout: float = DEFAULT_BLOCK_TIMEOUT_SECONDS,
        watch_delivery: str = INLINE,
    ) -> None:
        """``copy_object``: the struct copy every LIST result is made of (see ``get_list``).
        ``watch_delivery``: how watch events reach the cache (``stores.watch_delivery``)."""
        self.storage = storage
        self._copy_object = copy_object
        self.resource_prefix = resource_prefix
        self.metrics = CacherMetrics()
        self.watch_cache = WatchCache(store, get_attrs, block_timeout, storage.kv.request_progress)
        self._cancel_watch = Reflector(storage, resource_prefix, self.watch_cache, watch_delivery).list_and_watch()

    def stop(self) -> None:
        """Stop following the storage (the cache keeps what it has)."""
        self._cancel_watch()

    def get_list(self, key: str, options: ListOptions, request_namespace: str | None = None) -> ListResult:
        """LIST ``key``: items in ascending key order, list RV, continue token, remaining count.

        ``request_namespace`` is the namespace of the request URL (RequestInfo), which
        lets a request that lists ``metadata.namespace`` as an index field use that index.
        Errors are StorageError subclasses with the HTTP status upstream would send.
        """
        if should_delegate_list(options):
            self.metrics.delegated_lists += 1
            return self.storage.get_list(key, options)

        resource_version = options.resource_version
        list_rv = parse_resource_version(resource_version)
        predicate = options.predicate
        consistent_read = resource_version == ""
        if consistent_read:
            list_rv = self.storage.get_current_resource_version(self.resource_prefix)
            if list_rv == 0:
                raise StorageError("consistent read: storage reported resource version 0")

        prepared_key = key if not options.recursive or key.endswith("/") else key + "/"
        try:
            if options.recursive:
                candidates, cache_rv, _ = self.watch_cache.wait_until_fresh_and_list(
                    list_rv, prepared_key, predicate.matcher_index(request_namespace))
            else:
                candidates, cache_rv = self.watch_cache.wait_until_fresh_and_get(list_rv, key)
        except TooLargeResourceVersionError:
            if not consistent_read:
                raise
            # The cache did not catch up in time: serve the consistent read from storage.
            self.metrics.consistent_read_fallbacks += 1
            return self.storage.get_list(key, options)

        self.metrics.cache_lists += 1
        objects, last_key, has_more = select_page(candidates, predicate, compute_list_limit(options))
        token, remaining = prepare_continue_token(last_key, key, cache_rv, len(candidates), has_more, predicate)
        # Materialise by value, as upstream's GetList does: the list's Items are new objects
        # copied from the cached ones (a Go struct copy: a new pod whose fields hold the same
        # values), never the cache's own objects, which a caller could otherwise change.
        return ListResult(list(map(self._copy_object, objects)), cache_rv, token, remaining)


class Reflector:
    """Fills a watch cache from storage: a LIST at the current revision, then a WATCH
    from the next revision, so no write between the two is missed."""

    def __init__(self, storage: Etcd3Storage, resource_prefix: str, cache: WatchCache,
                 delivery: str = INLINE) -> None:
        if delivery not in WATCH_DELIVERIES:
            raise ValueError(f"unknown watch delivery {delivery!r}; expected one of {', '.join(WATCH_DELIVERIES)}")
        self._kv = storage.kv
        self._prefix = resource_prefix if resource_prefix.endswith("/") else resource_prefix + "/"
        self._cache = cache
        self._delivery = delivery

    def list_and_watch(self) -> Callable[[], None]:
        """Replace the cache's content, start the watch, and return its cancel function
        (which, with a reflector thread, also applies what is queued and ends the thread)."""
        items, revision = self._list()
        self._cache.replace(items, revision)
        if self._delivery != THREAD:
            return self._kv.watch(self._prefix, self._cache.process_event, revision + 1)
        reflector = ReflectorThread(self._cache.process_event)
        cancel_watch = self._kv.watch(self._prefix, reflector.deliver, revision + 1)

        def cancel() -> None:
            cancel_watch()
            reflector.stop()

        return cancel

    def _list(self) -> tuple[list[tuple[str, object]], int]:
        """Every (key, object) under the prefix and the revision they were read at: pages
        of ``STORAGE_LIST_PAGE_SIZE`` keys, every page after the first at the first's
        revision, as the cacher's reflector pages its list from etcd
        (``storageWatchListPageSize``). A real etcd needs the pages (a 150k-pod range is
        ~30 MB, beyond gRPC's default 4 MiB message); the embedded storage pays the same
        few calls."""
        end = prefix_end(self._prefix)
        page = self._kv.range(self._prefix, end, limit=STORAGE_LIST_PAGE_SIZE)
        revision = page.header_revision
        items = [(kv.key, kv.value) for kv in page.kvs]
        while page.more and page.kvs:
            page = self._kv.range(page.kvs[-1].key + "\x00", end, revision, STORAGE_LIST_PAGE_SIZE)
            items += [(kv.key, kv.value) for kv in page.kvs]
        return items, revision
