"""An embedded, in-process revisioned key-value storage: the etcd of this suite.

It keeps history the way etcd's mvcc package does: one global revision counter bumped
by every write, per-key lists of revisions (the versions of a key, deletions included
as tombstones), and an ordered index of keys for range reads. Reads can be served at
any revision down to the compacted one; a watch receives every later write in order.

Costs (n keys, h versions of one key, k keys returned):
- put / create / delete: O(log n) for the ordered indexes, O(1) otherwise.
- range at the current revision: O(log n + k); the count of matching keys is O(log n)
  from the live-key index, which is what keeps paginating 150k keys linear.
- range at an older revision: O(log n + w log w + k) for the w writes made since: the
  live keys of now with those writes undone (etcd walks its whole index for the count;
  in Python that walk would make paginating a past revision quadratic).
- compact: O(n + versions removed).

Where this differs from etcd: values are Python objects stored by reference (no
serialisation); there are no leases, transactions or multi-key writes; a watch delivers
synchronously, inside the writer's call, in revision order (etcd delivers over a
stream, replaying the past on its own schedule); a watch from exactly the compacted
revision is refused (etcd accepts it). Every method is guarded by one lock so a writer
thread and readers can share it. ``tests/test_etcd_storage.py`` holds random sequences
of every operation here against a real etcd (``storage.etcd_kv``) and requires the same
answers, apart from these differences.
"""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import NamedTuple

from sortedcontainers import SortedList

from storage.errors import AlreadyExistsError, NotFoundError, ResourceExpiredError, TooLargeResourceVersionError

EVENT_PUT = "PUT"
EVENT_DELETE = "DELETE"
EVENT_PROGRESS = "PROGRESS"


class KeyValue(NamedTuple):
    """One version of a key. ``value is None`` marks a deletion (tombstone).

    A NamedTuple rather than a frozen dataclass: it is built once per write, 150k times
    when a population loads, and a tuple is several times cheaper to build."""

    key: str
    value: object | None
    create_revision: int
    mod_revision: int
    version: int


class WatchEvent(NamedTuple):
    """A write seen by a watch, or a progress notification (``kv`` None) carrying only a revision."""

    type: str
    revision: int
    kv: KeyValue | None = None
    prev_kv: KeyValue | None = None


@dataclass(frozen=True, slots=True)
class RangeResult:
    """etcd's RangeResponse: kvs in key order, ``more`` if the limit cut the range,
    ``count`` of all keys in the range at that revision, the header revision."""

    kvs: list[KeyValue]
    more: bool
    count: int
    header_revision: int


WatchCallback = Callable[[WatchEvent], None]

_mod_revision = attrgetter("mod_revision")


def prefix_end(prefix: str) -> str | None:
    """The first string after every string that starts with ``prefix`` (etcd's GetPrefixRangeEnd).

    None means "to the end of the key space" (empty prefix).

    >>> prefix_end("/pods/")
    '/pods0'
    >>> prefix_end("") is None
    True
    """
    if not prefix:
        return None
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass(slots=True)
class _Watcher:
    prefix: str
    callback: WatchCallback


class RevisionedStorage:
    """etcd's key space: revisions, history, ordered range reads, watches, compaction."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        # etcd starts at revision 1 with an empty key space; the first write makes 2.
        self._revision = 1
        self._compacted_revision = 0
        self._history: dict[str, list[KeyValue]] = {}
        self._all_keys = SortedList()  # every key with history, tombstoned ones too
        self._live_keys = SortedList()  # keys whose newest version is not a deletion
        # The key each write touched: revision r wrote _written_keys[r - 2]. Reads in the
        # past start from the live keys of now and undo only the writes made since.
        self._written_keys: list[str] = []
        self._watchers: list[_Watcher] = []

    # ---- writes -------------------------------------------------------------------

    @property
    def current_revision(self) -> int:
        return self._revision

    def create(self, key: str, value: object) -> int:
        """Write ``key`` if it does not exist (etcd txn on create_revision == 0); return the revision."""
        with self._lock:
            if self._latest_live(key) is not None:
                raise AlreadyExistsError(f"key {key!r} already exists")
            return self._put_locked(key, value)

    def put(self, key: str, value: object) -> int:
        """Create or overwrite ``key``; return the new revision."""
        with self._lock:
            return self._put_locked(key, value)

    def create_many(self, items: Iterable[tuple[str, object]]) -> int:
        """Create every (key, value) in order, one revision each, exactly as that many
        ``create`` calls would; return the last revision.

        The ordered indexes are updated once for the batch (a sort instead of n inserts),
        which is what makes loading a 150k-pod population fast. Atomic: if any key
        exists or repeats, nothing is written.
        """
        with self._lock:
            batch = list(items)
            keys = [key for key, _ in batch]
            if len(set(keys)) != len(keys):
                raise AlreadyExistsError("create_many: the batch repeats a key")
            history = self._history
            # Only keys with history can exist; the set intersection finds them in C.
            for key in history.keys() & set(keys):
                if self._latest_live(key) is not None:
                    raise AlreadyExistsError(f"key {key!r} already exists")
            first = self._revision + 1
            revisions = range(first, first + len(batch))
            make = tuple.__new__  # KeyValue(...) without the Python-level __new__ frame
            created = [make(KeyValue, (key, value, revision, revision, 1))
                       for (key, value), revision in zip(batch, revisions)]
            new_keys = []
            for kv in created:
                versions = history.get(kv.key)
                if versions is None:
                    history[kv.key] = [kv]
                    new_keys.append(kv.key)
                else:
                    versions.append(kv)
            self._revision = first + len(created) - 1
            self._written_keys.extend(keys)  # before the sort below: in revision order
            # Sort once; SortedList.update then sorts an ordered run, which Timsort does in O(n).
            keys.sort()
            if len(new_keys) == len(keys):
                new_keys = keys
            else:
                new_keys.sort()
            self._all_keys.update(new_keys)
            self._live_keys.update(keys)
            if self._watchers:
                for kv in created:
                    self._notify(WatchEvent(EVENT_PUT, kv.mod_revision, kv, None))
            return self._revision

    def delete(self, key: str) -> int:
        """Delete ``key``; return the revision. NotFoundError if it does not exist."""
        with self._lock:
            previous = self._latest_live(key)
            if previous is None:
                raise NotFoundError(f"key {key!r} not found")
            self._revision += 1
            self._written_keys.append(key)
            tombstone = KeyValue(key, None, 0, self._revision, 0)
            self._history[key].append(tombstone)
            self._live_keys.remove(key)
            self._notify(WatchEvent(EVENT_DELETE, self._revision, tombstone, previous))
            return self._revision

    def _put_locked(self, key: str, value: object) -> int:
        previous = self._latest_live(key)
        self._revision += 1
        self._written_keys.append(key)
        revision = self._revision
        if previous is None:
            kv = KeyValue(key, value, revision, revision, 1)
            self._live_keys.add(key)
        else:
            kv = KeyValue(key, value, previous.create_revision, revision, previous.version + 1)
        versions = self._history.get(key)
        if versions is None:
            self._history[key] = [kv]
            self._all_keys.add(key)
        else:
            versions.append(kv)
        self._notify(WatchEvent(EVENT_PUT, revision, kv, previous))
        return revision

    def _latest_live(self, key: str) -> KeyValue | None:
        versions = self._history.get(key)
        if not versions or versions[-1].value is None:
            return None
        return versions[-1]

    # ---- reads --------------------------------------------------------------------

    def get(self, key: str, revision: int = 0) -> KeyValue | None:
        """The version of ``key`` live at ``revision`` (0 = current), or None."""
        with self._lock:
            revision = self._check_revision(revision)
            return self._at(key, revision)

    def range(self, start: str, end: str | None, revision: int = 0, limit: int = 0) -> RangeResult:
        """Keys in ``[start, end)`` live at ``revision`` (0 = current), at most ``limit`` (0 = all).

        ``end`` None means "to the end". Raises ResourceExpiredError below the compacted
        revision and TooLargeResourceVersionError above the current one.
        """
        with self._lock:
            revision = self._check_revision(revision)
            if revision == self._revision:
                keys = self._live_keys
                count = self._count(keys, start, end)
                selected = islice(keys.irange(start, end, inclusive=(True, False)), limit or None)
                history = self._history
                kvs = [history[key][-1] for key in selected]
            else:
                kvs, count = self._range_in_past(start, end, revision, limit)
            return RangeResult(kvs, more=len(kvs) < count, count=count, header_revision=self._revision)

    def _range_in_past(self, start: str, end: str | None, revision: int, limit: int) -> tuple[list[KeyValue], int]:
        """A range read at a past revision: the live keys of now, with the w writes made
        since undone. O(log n + w log w + k) for k keys returned, instead of visiting every
        key in the range: paginating 150k keys at a recent revision stays linear."""
        changed = set(self._written_keys[revision - 1:])  # revisions revision+1 .. now
        history = self._history
        count = self._count(self._live_keys, start, end)
        live_then_only = []
        for key in sorted(changed):
            if key < start or (end is not None and key >= end):
                continue
            live_then = self._at(key, revision) is not None
            live_now = self._latest_live(key) is not None
            count += live_then - live_now
            if live_then and not live_now:
                live_then_only.append(key)
        kvs: list[KeyValue] = []
        for key in heapq.merge(self._live_keys.irange(start, end, inclusive=(True, False)), live_then_only):
            if key in changed:
                kv = self._at(key, revision)
                if kv is None:
                    continue
            else:
                kv = history[key][-1]
            kvs.append(kv)
            if len(kvs) == limit:
                break
        return kvs, count

    @staticmethod
    def _count(keys: SortedList, start: str, end: str | None) -> int:
        high = len(keys) if end is None else keys.bisect_left(end)
        return max(0, high - keys.bisect_left(start))

    def _check_revision(self, revision: int) -> int:
        if revision == 0:
            return self._revision
        if revision < self._compacted_revision:
            raise ResourceExpiredError(
                f"required revision {revision} has been compacted (compacted revision {self._compacted_revision})")
        if revision > self._revision:
            raise TooLargeResourceVersionError(revision, self._revision)
        return revision

    def _at(self, key: str, revision: int) -> KeyValue | None:
        versions = self._history.get(key)
        if not versions:
            return None
        if versions[-1].mod_revision <= revision:
            kv = versions[-1]
        else:
            index = bisect_right(versions, revision, key=_mod_revision)
            if index == 0:
                return None
            kv = versions[index - 1]
        return None if kv.value is None else kv

    # ---- watch --------------------------------------------------------------------

    def watch(self, prefix: str, callback: WatchCallback, start_revision: int = 0) -> Callable[[], None]:
        """Deliver every write under ``prefix`` from ``start_revision`` (0 = from now) to ``callback``.

        Past writes still in history are replayed first, in revision order. Returns a
        function that cancels the watch.
        """
        with self._lock:
            if start_revision:
                # A tombstone at the compacted revision itself is gone, so replay must start after it.
                if start_revision <= self._compacted_revision:
                    raise ResourceExpiredError(
                        f"watch from revision {start_revision}: compacted up to {self._compacted_revision}")
                if start_revision <= self._revision:
                    for event in self._events_since(prefix, start_revision):
                        callback(event)
            watcher = _Watcher(prefix, callback)
            self._watchers.append(watcher)

        def cancel() -> None:
            with self._lock:
                if watcher in self._watchers:
                    self._watchers.remove(watcher)

        return cancel

    def request_progress(self) -> None:
        """etcd's RequestWatchProgress: every watch gets a notification of the current revision."""
        with self._lock:
            event = WatchEvent(EVENT_PROGRESS, self._revision)
            for watcher in list(self._watchers):
                watcher.callback(event)

    def _events_since(self, prefix: str, start_revision: int) -> Iterator[WatchEvent]:
        """Past writes under ``prefix`` at or after ``start_revision``, rebuilt from history."""
        found = []
        for key in self._all_keys.irange(prefix, prefix_end(prefix), inclusive=(True, False)):
            previous = None
            for kv in self._history[key]:
                if kv.mod_revision >= start_revision:
                    kind = EVENT_DELETE if kv.value is None else EVENT_PUT
                    found.append(WatchEvent(kind, kv.mod_revision, kv, previous))
                previous = None if kv.value is None else kv
        found.sort(key=attrgetter("revision"))
        return iter(found)

    def _notify(self, event: WatchEvent) -> None:
        key = event.kv.key if event.kv is not None else ""
        for watcher in self._watchers:
            if key.startswith(watcher.prefix):
                watcher.callback(event)

    # ---- compaction ---------------------------------------------------------------

    def compact(self, revision: int) -> None:
        """Forget every version superseded at ``revision``; reads below it then fail with 410."""
        with self._lock:
            if revision <= self._compacted_revision:
                raise ResourceExpiredError(f"revision {revision} is already compacted")
            if revision > self._revision:
                raise TooLargeResourceVersionError(revision, self._revision)
            for key in list(self._history):
                versions = self._history[key]
                index = bisect_right(versions, revision, key=_mod_revision)
                # Keep the version live at `revision` (index - 1) and everything after it,
                # unless that version is a tombstone, which compaction drops.
                keep_from = max(index - 1, 0)
                if index and versions[index - 1].value is None:
                    keep_from = index
                del versions[:keep_from]
                if not versions:
                    del self._history[key]
                    self._all_keys.remove(key)
            self._compacted_revision = revision
