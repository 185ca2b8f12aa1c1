"""The API server's storage.Interface over the revisioned storage (etcd3/store.go).

This is the "delegated" LIST path: every request the watch cache does not serve
(Exact, legacy exact, every continuation page in v1.32) is answered here, at an
exact revision, with etcd's paging rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from storage.continue_token import decode_continue, encode_continue, prepare_continue_token
from storage.errors import (
    BadRequestError,
    InvalidKeyError,
    ResourceExpiredError,
    StorageError,
    TooLargeResourceVersionError,
)
from storage.mvcc import KeyValue, RangeResult, RevisionedStorage, prefix_end
from storage.selection import (
    MATCH_EXACT,
    MATCH_NOT_OLDER_THAN,
    Fields,
    Labels,
    ListOptions,
    ListResult,
    parse_resource_version,
)

GetAttrs = Callable[[object], tuple[Labels, Fields]]
# What a LIST hands out for a stored or cached object: a new object holding the same
# values. Upstream's LIST results are values: etcd3's GetList decodes every item into a
# new object (``DecodeListItem``), and the cacher copies every selected object into the
# list's Items (``listVal.Index(i).Set(reflect.ValueOf(o).Elem())``, a Go struct copy).
ObjectCopy = Callable[[object], object]

# etcd3 store doubles its fetch size when selectors drop items, up to this many keys.
MAX_FETCH_LIMIT = 10_000


# interpretListError's answers to a compacted read (etcd3/errors.go).
TOO_OLD_RESOURCE_VERSION = "The resourceVersion for the provided list is too old."
CONTINUE_EXPIRED = ("The provided continue parameter is too old to display a consistent list result. You can "
                    "start a new list without the continue parameter.")
INCONSISTENT_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of "
    "the results. Continuing with the provided token results in an inconsistent list - objects that were "
    "created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")


def prepare_key(key: str) -> str:
    """``prepareKey``'s checks: no ``.`` or ``..`` segment, not empty; the key itself.

    Upstream refuses dot segments only, not every key ``path.Clean`` would change
    (``//`` and a trailing ``/`` pass), and answers with a plain error (500). The
    quoting is Go's ``%q`` for printable keys. O(len(key)); about 0.1 µs for a key
    without a dot, which every consistent read's revision fetch pays (0.6 µs before the
    one-scan shortcut).

    >>> prepare_key("/pods/ns/a..b")
    '/pods/ns/a..b'
    >>> prepare_key("/foo/bar/../baz")
    Traceback (most recent call last):
    ...
    storage.errors.InvalidKeyError: 500 InternalError: invalid key: "/foo/bar/../baz"
    """
    if "." in key:  # one scan first: a key without a dot has no dot segment
        for dots in ("..", "."):
            if (key == dots or key.startswith(dots + "/") or key.endswith("/" + dots)
                    or "/" + dots + "/" in key):
                raise InvalidKeyError(f"invalid key: {json.dumps(key, ensure_ascii=False)}")
    elif key in ("", "/"):
        raise InvalidKeyError(f"empty key: {json.dumps(key, ensure_ascii=False)}")
    return key


def interpret_list_error(paging: bool, continue_key: str, key_prefix: str) -> ResourceExpiredError:
    """``interpretListError`` for a compacted read: the 410 a client is given.

    ``paging``: the request carried a continue token. Then the answer carries a fresh
    token at revision -1 from ``continue_key`` (where the failed read started), so that
    the client may go on at the latest revision, inconsistently; if no token can be made
    (a non-recursive list), only the advice to start again.
    """
    if not paging:
        return ResourceExpiredError(TOO_OLD_RESOURCE_VERSION)
    try:
        token = encode_continue(continue_key, key_prefix, -1)
    except ValueError:
        return ResourceExpiredError(CONTINUE_EXPIRED)
    return ResourceExpiredError(INCONSISTENT_CONTINUE, continue_token=token)


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
        return self.kv.create(prepare_key(key), obj)

    def create_many(self, items: Iterable[tuple[str, object]]) -> int:
        """Create objects one revision each, in order; return the last revision."""
        return self.kv.create_many((prepare_key(key), obj) for key, obj in items)

    def update(self, key: str, obj: object) -> int:
        return self.kv.put(prepare_key(key), obj)

    def delete(self, key: str) -> int:
        return self.kv.delete(prepare_key(key))

    def get_current_resource_version(self, resource_prefix: str) -> int:
        """``GetCurrentResourceVersionFromStorage``: a non-recursive, limit-1 read of the bare
        resource prefix, whose response header carries etcd's current revision."""
        prefix = prepare_key(resource_prefix)
        result = self.kv.range(prefix, prefix + "\x00", limit=1)
        return result.header_revision

    def get_list(self, key: str, options: ListOptions) -> ListResult:
        """``GetList``: one page at one revision, in key order.

        - The key must be clean of ``.`` and ``..`` segments (``prepare_key``).
        - Continue token (recursive lists only: a non-recursive list ignores it, as
          upstream's): decoded against the key; its revision (if > 0) is the read revision;
          a resourceVersion other than "" or "0" beside it is a 400.
        - Exact: read at RV. NotOlderThan: read the latest. "" on a recursive list with
          limit > 0 and RV > 0 (legacy exact): read at RV. Otherwise the latest.
        - After every read, a resourceVersion newer than the read's header revision is a
          504 (``validateMinimumResourceVersion``), whatever the match.
        - A compacted revision is a 410 worded by ``interpret_list_error``.
        - Selectors that drop items make it fetch again after the last examined key,
          doubling the fetch size up to 10000, until the page is full or the range ends.
          An object whose attributes cannot be read is skipped, not an error.
        """
        prepare_key(key)
        predicate = options.predicate
        key_prefix = key
        if options.recursive and not key_prefix.endswith("/"):
            key_prefix += "/"
        resource_version = options.resource_version
        paging_request = bool(predicate.continue_token)
        read_revision = 0
        if options.recursive and predicate.continue_token:
            start, continue_revision = decode_continue(predicate.continue_token, key_prefix)
            if resource_version not in ("", "0"):
                raise BadRequestError("specifying resource version is not allowed when using continue")
            requested = 0
            if continue_revision > 0:
                read_revision = continue_revision
        else:
            start = key_prefix
            requested = parse_resource_version(resource_version)
            match = options.resource_version_match
            if match == MATCH_EXACT:
                read_revision = requested
            elif match == "":
                if options.recursive and predicate.limit > 0 and requested > 0:
                    read_revision = requested
            elif match != MATCH_NOT_OLDER_THAN:
                raise StorageError(f"unknown ResourceVersionMatch value: {match}")
        # validateMinimumResourceVersion's bound: none for "", else the parsed resourceVersion.
        minimum = requested if resource_version else None

        if not options.recursive:
            result = self._read(key, key + "\x00", read_revision, 1, minimum, paging_request, "", key)
            items = [self._decode(kv.value) for kv in result.kvs if self._matches(kv, options)]
            return ListResult(items, read_revision or result.header_revision)

        end = prefix_end(key_prefix)
        paging = predicate.limit > 0
        fetch_limit = predicate.limit
        items: list[object] = []
        last_key = ""
        has_more = False
        count = 0
        while True:
            result = self._read(start, end, read_revision, fetch_limit if paging else 0, minimum, paging_request,
                                start, key_prefix)
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

        token, remaining = prepare_continue_token(last_key, key_prefix, read_revision, count, has_more, predicate)
        return ListResult(items, read_revision, token, remaining)

    def _read(self, start: str, end: str | None, revision: int, limit: int, minimum: int | None,
              paging_request: bool, continue_key: str, key_prefix: str) -> RangeResult:
        """One etcd read of GetList's loop, with what upstream checks around each: a
        compacted revision becomes ``interpret_list_error``'s 410, and a ``minimum`` newer
        than the read's header revision a 504 (``validateMinimumResourceVersion``, whose
        retry-after is 0)."""
        try:
            result = self.kv.range(start, end, revision, limit)
        except ResourceExpiredError:
            raise interpret_list_error(paging_request, continue_key, key_prefix) from None
        if minimum is not None and minimum > result.header_revision:
            raise TooLargeResourceVersionError(minimum, result.header_revision, retry_after_seconds=0)
        return result

    def _matches(self, kv: KeyValue, options: ListOptions) -> bool:
        predicate = options.predicate
        if predicate.empty:
            return True
        try:
            labels, fields = self._get_attrs(kv.value)
        except Exception:  # noqa: BLE001 - whatever the attribute function raises, upstream skips the object
            return False
        return predicate.matches_object_attributes(labels, fields)
