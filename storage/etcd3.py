"""The API server's storage.Interface over the revisioned storage (etcd3/store.go).

This is the "delegated" LIST path: every request the watch cache does not serve
(Exact, legacy exact, every continuation page in v1.32) is answered here, at an
exact revision, with etcd's paging rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from storage.continue_token import decode_continue, prepare_continue_token
from storage.errors import BadRequestError, TooLargeResourceVersionError
from storage.mvcc import KeyValue, RevisionedStorage, prefix_end
from storage.selection import (
    MATCH_EXACT,
    MATCH_NOT_OLDER_THAN,
    Fields,
    Labels,
    ListOptions,
    ListResult,
    parse_resource_version,
    validate_list_options,
)

GetAttrs = Callable[[object], tuple[Labels, Fields]]
# What a LIST hands out for a stored or cached object: a new object holding the same
# values. Upstream's LIST results are values: etcd3's GetList decodes every item into a
# new object (``DecodeListItem``), and the cacher copies every selected object into the
# list's Items (``listVal.Index(i).Set(reflect.ValueOf(o).Elem())``, a Go struct copy).
ObjectCopy = Callable[[object], object]

# etcd3 store doubles its fetch size when selectors drop items, up to this many keys.
MAX_FETCH_LIMIT = 10_000


class Etcd3Storage:
    """Create, delete and list objects under keys, with Kubernetes' LIST semantics."""

    def __init__(self, kv: RevisionedStorage, get_attrs: GetAttrs, decode: ObjectCopy) -> None:
        """``decode``: the object a LIST returns for a stored value. The embedded storage
        keeps objects, not bytes, so its "decode" is the same struct copy the cacher makes
        (``workloads.copy_pod``): a real etcd's decode costs more (see the README)."""
        self.kv = kv
        self._get_attrs = get_attrs
        self._decode = decode

    def create(self, key: str, obj: object) -> int:
        """Store a new object; return its resourceVersion (the write's revision)."""
        return self.kv.create(key, obj)

    def create_many(self, items: Iterable[tuple[str, object]]) -> int:
        """Create objects one revision each, in order; return the last revision."""
        return self.kv.create_many(items)

    def update(self, key: str, obj: object) -> int:
        return self.kv.put(key, obj)

    def delete(self, key: str) -> int:
        return self.kv.delete(key)

    def get_current_resource_version(self, resource_prefix: str) -> int:
        """``GetCurrentResourceVersionFromStorage``: a non-recursive, limit-1 read of the bare
        resource prefix, whose response header carries etcd's current revision."""
        result = self.kv.range(resource_prefix, resource_prefix + "\x00", limit=1)
        return result.header_revision

    def get_list(self, key: str, options: ListOptions) -> ListResult:
        """``GetList``: one page at one revision, in key order.

        - continue token: decoded against the key; its revision (if > 0) is the read revision;
          a resourceVersion other than "" or "0" beside it is a 400.
        - Exact: read at RV. NotOlderThan: read the latest, then require it to be >= RV.
          "" with limit > 0 and RV > 0 (legacy exact): read at RV. Otherwise the latest.
        - Selectors that drop items make it fetch again after the last examined key,
          doubling the fetch size up to 10000, until the page is full or the range ends.
        """
        validate_list_options(options)
        predicate = options.predicate
        key_prefix = key
        if options.recursive and not key_prefix.endswith("/"):
            key_prefix += "/"
        resource_version = options.resource_version
        requested = parse_resource_version(resource_version)
        read_revision = 0
        if predicate.continue_token:
            if not options.recursive:
                raise BadRequestError("continue is only supported for recursive lists")
            start, continue_revision = decode_continue(predicate.continue_token, key_prefix)
            if resource_version not in ("", "0"):
                raise BadRequestError("specifying resource version is not allowed when using continue")
            if continue_revision > 0:
                read_revision = continue_revision
        else:
            start = key_prefix
            match = options.resource_version_match
            if match == MATCH_EXACT:
                read_revision = requested
            elif match == "" and predicate.limit > 0 and requested > 0:
                read_revision = requested

        if not options.recursive:
            return self._get_single(key, read_revision, requested, options)

        end = prefix_end(key_prefix)
        paging = predicate.limit > 0
        fetch_limit = predicate.limit
        items: list[object] = []
        last_key = ""
        has_more = False
        count = 0
        while True:
            result = self.kv.range(start, end, read_revision, fetch_limit if paging else 0)
            if read_revision == 0:
                read_revision = result.header_revision
            has_more = result.more
            count = result.count
            for kv in result.kvs:
                if paging and len(items) >= predicate.limit:
                    has_more = True
                    break
                last_key = kv.key
                if self._matches(kv, options):
                    items.append(self._decode(kv.value))
            if not has_more or not paging or len(items) >= predicate.limit:
                break
            fetch_limit = min(fetch_limit * 2, MAX_FETCH_LIMIT)
            start = last_key + "\x00"

        if options.resource_version_match == MATCH_NOT_OLDER_THAN and read_revision < requested:
            raise TooLargeResourceVersionError(requested, read_revision)
        token, remaining = prepare_continue_token(last_key, key_prefix, read_revision, count, has_more, predicate)
        return ListResult(items, read_revision, token, remaining)

    def _get_single(self, key: str, read_revision: int, requested: int, options: ListOptions) -> ListResult:
        kv = self.kv.get(key, read_revision)
        revision = read_revision or self.kv.current_revision
        if options.resource_version_match == MATCH_NOT_OLDER_THAN and revision < requested:
            raise TooLargeResourceVersionError(requested, revision)
        items = [self._decode(kv.value)] if kv is not None and self._matches(kv, options) else []
        return ListResult(items, revision)

    def _matches(self, kv: KeyValue, options: ListOptions) -> bool:
        predicate = options.predicate
        if predicate.empty:
            return True
        labels, fields = self._get_attrs(kv.value)
        return predicate.matches_object_attributes(labels, fields)
