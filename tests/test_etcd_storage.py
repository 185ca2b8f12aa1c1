"""The embedded storage against a real etcd: the same random sequences, the same answers.

A private etcd (``storage.etcd_server.PrivateEtcd``, Debian's ``etcd-server``) is started
once for the module; each sequence writes under a key prefix of its own through
``storage.etcd_kv.EtcdKeyValueStore`` and, op for op, through a fresh
``RevisionedStorage``. Both start from an empty key space, so etcd's revisions are the
embedded ones plus a constant offset (other sequences' writes), which the comparison
takes off. Compared: every write's revision or error, every get and range (kvs with
their revisions and versions, more, count, header revision) or error, compactions, and
every event of watches started along the way, previous values included.

Where the two differ by design (``storage.mvcc`` and ``storage.etcd_kv`` document it),
the sequences do not go: no watch from exactly the compacted revision, no
``create_many`` (etcd's batches share a revision).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from storage.errors import StorageError
from storage.etcd_server import PrivateEtcd, etcd_binary
from storage.mvcc import EVENT_PROGRESS, KeyValue, RangeResult, RevisionedStorage, WatchEvent, prefix_end
from workloads import Pod
from workloads.pod_codec import decode_pod, encode_pod

pytest.importorskip("pyetcd", reason="the etcd client extra is not installed (pip install -e '.[etcd]')")
if etcd_binary() is None:
    pytest.skip("no etcd binary on PATH (Debian's etcd-server package; .ci/run installs it)", allow_module_level=True)

from storage.etcd_kv import EtcdKeyValueStore  # noqa: E402  (needs the extra)

KEYS = tuple(f"/pods/ns-{n}/p{i}" for n in "ab" for i in range(4))


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with PrivateEtcd() as etcd:
        yield etcd.endpoint


def _pod(rng: random.Random, key: str) -> Pod:
    _, _, namespace, name = key.split("/")
    return Pod(namespace, name, f"node-{rng.randrange(3)}", phase=rng.choice(["Pending", "Running"]))


class _Events:
    """A watch's events, collected from whatever thread delivers them."""

    def __init__(self) -> None:
        self.events: list[WatchEvent] = []
        self.progress = 0
        self._cond = threading.Condition()

    def __call__(self, event: WatchEvent) -> None:
        with self._cond:
            if event.type == EVENT_PROGRESS:
                self.progress = max(self.progress, event.revision)
            else:
                self.events.append(event)
            self._cond.notify_all()

    def wait_for_event(self, revision: int, seconds: float = 5.0) -> None:
        """Until an event of ``revision`` or later has arrived (or ``seconds`` passed).

        Not until a progress notification of ``revision``: etcd 3.4.23 (Debian's) can
        send one before the events it covers (etcd #15220, fixed in 3.4.24), which is
        why upstream serves consistent reads from the cache only on a fixed etcd."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while (not self.events or self.events[-1].revision < revision) and time.monotonic() < deadline:
                self._cond.wait(0.05)

    def wait_for_progress(self, revision: int, poke: Callable[[], None], seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while self.progress < revision and time.monotonic() < deadline:
                poke()
                self._cond.wait(0.05)


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except StorageError as error:
        return type(error).__name__


class _Shift:
    """etcd's revisions as the embedded storage's: less the offset of other sequences' writes."""

    def __init__(self, offset: int) -> None:
        self.offset = offset

    def revision(self, value: int) -> int:
        return value - self.offset if value > 0 else value

    def kv(self, kv: KeyValue | None) -> tuple[object, ...] | None:
        if kv is None:
            return None
        return (kv.key, kv.value, self.revision(kv.create_revision), self.revision(kv.mod_revision), kv.version)

    def result(self, outcome: Any) -> Any:
        if isinstance(outcome, RangeResult):
            return ([self.kv(kv) for kv in outcome.kvs], outcome.more, outcome.count,
                    self.revision(outcome.header_revision))
        if isinstance(outcome, KeyValue):
            return self.kv(outcome)
        if isinstance(outcome, int) and not isinstance(outcome, bool):
            return self.revision(outcome)
        return outcome

    def event(self, event: WatchEvent) -> tuple[object, ...]:
        return (event.type, self.revision(event.revision), self.kv(event.kv), self.kv(event.prev_kv))


@pytest.mark.parametrize("seed", range(8))
def test_random_sequences_give_the_same_answers_on_the_embedded_storage_and_etcd(endpoint: str, seed: int) -> None:
    rng = random.Random(seed)
    store = EtcdKeyValueStore(endpoint, encode_pod, decode_pod, key_prefix=f"/storelist-test/{uuid.uuid4().hex}")
    model = RevisionedStorage()
    try:
        shift, unshifted = _Shift(store.current_revision - model.current_revision), _Shift(0)
        compacted = 0
        watches: list[tuple[_Events, _Events]] = []
        for step in range(70):
            kind = rng.choices(["create", "put", "delete", "get", "range", "compact", "watch"],
                               [6, 5, 3, 3, 5, 1, 1])[0]
            key = rng.choice(KEYS)
            now = model.current_revision
            revision = rng.choice([0, 0, rng.randint(1, now + 2)])
            if kind in ("create", "put"):
                pod = _pod(rng, key)
                embedded = _outcome(lambda: getattr(model, kind)(key, pod))
                etcd = _outcome(lambda: getattr(store, kind)(key, pod))
            elif kind == "delete":
                embedded, etcd = _outcome(lambda: model.delete(key)), _outcome(lambda: store.delete(key))
            elif kind == "get":
                embedded = _outcome(lambda: model.get(key, revision))
                etcd = _outcome(lambda: store.get(key, shift.offset + revision if revision else 0))
            elif kind == "range":
                start = rng.choice(["/pods/", "/pods/ns-a/", "/pods/ns-b/p1"])
                end = rng.choice([prefix_end(start), None, "/pods/ns-b/p3"])
                limit = rng.choice([0, 1, 2, 5])
                embedded = _outcome(lambda: model.range(start, end, revision, limit))
                etcd = _outcome(lambda: store.range(start, end, shift.offset + revision if revision else 0, limit))
            elif kind == "compact":
                target = rng.randint(1, now + 1)
                embedded = _outcome(lambda: model.compact(target))
                etcd = _outcome(lambda: store.compact(shift.offset + target))
                if embedded is None:
                    compacted = target
            else:
                start_revision = rng.randint(compacted + 1, now + 1)
                found = (_Events(), _Events())
                model.watch("/pods/", found[0], start_revision)
                store.watch("/pods/", found[1], shift.offset + start_revision)
                # etcd replays the past on its own schedule (an unsynced watcher catches up
                # every 100 ms), and a compaction before it has caught up ends the watch;
                # the embedded storage replays inside watch(). Wait as a reflector would
                # wait for the cache to be fresh.
                if found[0].events:
                    found[1].wait_for_event(shift.offset + found[0].events[-1].revision)
                watches.append(found)
                embedded = etcd = None
            assert unshifted.result(embedded) == shift.result(etcd), (seed, step, kind, key, revision)
        for in_model, in_etcd in watches:
            if in_model.events:
                in_etcd.wait_for_event(shift.offset + in_model.events[-1].revision)
            assert [unshifted.event(e) for e in in_model.events] == [shift.event(e) for e in in_etcd.events]
    finally:
        store.close()


def test_a_progress_request_reaches_every_watch_with_the_current_revision(endpoint: str) -> None:
    store = EtcdKeyValueStore(endpoint, encode_pod, decode_pod, key_prefix=f"/storelist-test/{uuid.uuid4().hex}")
    try:
        first, second = _Events(), _Events()
        store.watch("/pods/ns-a/", first)
        store.watch("/pods/ns-b/", second)
        # A write elsewhere moves the revision without an event for either watch.
        revision = store.put("/other/x", Pod("x", "x", "n"))
        for found in (first, second):
            found.wait_for_progress(revision, store.request_progress)
            assert found.progress >= revision and found.events == []
    finally:
        store.close()


def test_a_watch_from_below_the_compacted_revision_is_refused_as_expired(endpoint: str) -> None:
    store = EtcdKeyValueStore(endpoint, encode_pod, decode_pod, key_prefix=f"/storelist-test/{uuid.uuid4().hex}")
    try:
        first = store.put("/pods/ns-a/p0", Pod("ns-a", "p0", "n"))
        store.put("/pods/ns-a/p0", Pod("ns-a", "p0", "m"))
        latest = store.put("/pods/ns-a/p0", Pod("ns-a", "p0", "k"))
        store.compact(latest)
        with pytest.raises(StorageError, match="410"):
            store.watch("/pods/", _Events(), first)
    finally:
        store.close()
