"""The revisioned key space of a real etcd v3, behind the embedded storage's interface.

``EtcdKeyValueStore`` offers what ``storage.mvcc.RevisionedStorage`` offers (create,
put, create_many, delete, get, range with limit and count at a revision, watch from a
revision with previous values, progress requests, compaction, the current revision)
over etcd's gRPC API, so ``Etcd3Storage``, the reflector and the cacher run on it
unchanged. Values are bytes in etcd: ``encode`` makes them, and every value read is
decoded into a new object (``decode``), as upstream's etcd3 store and watcher decode.

The client: grpcio with the generated etcd v3 stubs of the ``etcd-sdk-python``
package (module ``pyetcd.etcdrpc``), the ``etcd`` extra. Not the package's own client
class: it drops the headers and the success flag of transactions, and it neither sends
progress requests nor passes their answers on, which the cacher's consistent reads
need. The JSON gateway client (etcd3gw) was measured too: its round trip on loopback is
about three times the gRPC one, and its watch can send no progress request (README).

Keys: every key is stored under ``key_prefix`` (empty for a private etcd; a unique one
on an existing cluster), which reads strip again, so callers see the same keys as with
the embedded storage. etcd's revision is the cluster's: on a shared cluster other
writers move it too.

Where it differs from the embedded storage (which documents its own differences):
- a watch is asynchronous: past events and new ones arrive on the stream's thread,
  after ``watch`` has returned (the embedded storage replays inside ``watch``);
- a watch from below the compacted revision is refused when etcd cancels it, which
  ``watch`` waits for; the embedded storage also refuses the compacted revision itself;
- ``create_many`` writes ``LOAD_BATCH`` puts per transaction, so the pods of one batch
  share a revision (the embedded storage gives each its own).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from storage.errors import AlreadyExistsError, NotFoundError, ResourceExpiredError, StorageError, \
    TooLargeResourceVersionError
from storage.mvcc import EVENT_DELETE, EVENT_PROGRESS, EVENT_PUT, KeyValue, RangeResult, WatchCallback, WatchEvent, \
    prefix_end

try:  # the optional ``etcd`` extra
    import grpc
    from pyetcd import etcdrpc
    from pyetcd.etcdrpc import kv_pb2
except ImportError:  # pragma: no cover - depends on the install
    grpc = None
    etcdrpc = kv_pb2 = None

INSTALL_CLIENT_HINT = "the etcd client is not installed: pip install -e '.[etcd]' (grpcio, etcd-sdk-python, protobuf)"
# Puts per transaction when a population loads: the default --max-txn-ops of etcd.
LOAD_BATCH = 128
CALL_TIMEOUT_SECONDS = 30.0
WATCH_CREATE_TIMEOUT_SECONDS = 10.0
_CLOSE = object()


class EtcdError(StorageError):
    """etcd cannot be reached or answered with an error the API has no code for."""

    status = 503
    reason = "ServiceUnavailable"


def _endpoint_target(endpoint: str) -> str:
    """``http://127.0.0.1:2379`` -> ``127.0.0.1:2379`` (TLS endpoints are not supported)."""
    if endpoint.startswith("https://"):
        raise EtcdError(f"TLS endpoints are not supported: {endpoint}")
    return endpoint.removeprefix("http://").rstrip("/")


class EtcdKeyValueStore:
    """etcd's key space over gRPC, as ``RevisionedStorage`` offers it (see the module)."""

    def __init__(self, endpoint: str, encode: Callable[[object], bytes], decode: Callable[[bytes], object],
                 key_prefix: str = "", load_batch: int = LOAD_BATCH) -> None:
        if grpc is None:
            raise EtcdError(INSTALL_CLIENT_HINT)
        self.endpoint = endpoint
        self._encode = encode
        self._decode = decode
        self._prefix = key_prefix
        self._load_batch = load_batch
        self._channel = grpc.insecure_channel(_endpoint_target(endpoint), options=[
            ("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)])
        self._kv = etcdrpc.KVStub(self._channel)
        self._watch_stub = etcdrpc.WatchStub(self._channel)
        self._watch_lock = threading.Lock()
        self._stream: _WatchStream | None = None

    # ---- helpers --------------------------------------------------------------------

    def _key(self, key: str) -> bytes:
        return (self._prefix + key).encode()

    def _end(self, end: str | None) -> bytes:
        if end is None:
            whole = prefix_end(self._prefix)
            return b"\x00" if whole is None else whole.encode()
        return self._key(end)

    def _call(self, method: Callable[..., Any], request: Any) -> Any:
        try:
            return method(request, timeout=CALL_TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            failure = _storage_error(error, self.endpoint)
        if isinstance(failure, TooLargeResourceVersionError):
            failure = TooLargeResourceVersionError(request.revision, self.current_revision)
        raise failure

    def _key_value(self, kv: Any) -> KeyValue:
        return KeyValue(kv.key.decode()[len(self._prefix):], self._decode(kv.value), kv.create_revision,
                        kv.mod_revision, kv.version)

    # ---- writes ---------------------------------------------------------------------

    @property
    def current_revision(self) -> int:
        """The cluster's revision: the header of a count-only read (one round trip)."""
        return self._call(self._kv.Range, etcdrpc.RangeRequest(key=self._key(""), count_only=True)).header.revision

    def create(self, key: str, value: object) -> int:
        """Write ``key`` if it does not exist (a transaction on create_revision == 0); return the revision."""
        name = self._key(key)
        response = self._call(self._kv.Txn, etcdrpc.TxnRequest(
            compare=[etcdrpc.Compare(result=etcdrpc.Compare.EQUAL, target=etcdrpc.Compare.CREATE, key=name,
                                     create_revision=0)],
            success=[etcdrpc.RequestOp(request_put=etcdrpc.PutRequest(key=name, value=self._encode(value)))]))
        if not response.succeeded:
            raise AlreadyExistsError(f"key {key!r} already exists")
        return response.header.revision

    def put(self, key: str, value: object) -> int:
        """Create or overwrite ``key``; return the new revision."""
        request = etcdrpc.PutRequest(key=self._key(key), value=self._encode(value))
        return self._call(self._kv.Put, request).header.revision

    @property
    def load_batch(self) -> int:
        return self._load_batch

    def create_many(self, items: Iterable[tuple[str, object]]) -> int:
        """Create objects in transactions of ``load_batch`` puts, in order; return the last revision."""
        revisions = self.create_batches(items)
        return revisions[-1] if revisions else self.current_revision

    def create_batches(self, items: Iterable[tuple[str, object]]) -> list[int]:
        """``create_many``, returning every transaction's revision, in order."""
        revisions = []
        iterator = iter(items)
        while batch := list(islice(iterator, self._load_batch)):
            operations = [etcdrpc.RequestOp(request_put=etcdrpc.PutRequest(key=self._key(key),
                                                                            value=self._encode(value)))
                          for key, value in batch]
            revisions.append(self._call(self._kv.Txn, etcdrpc.TxnRequest(success=operations)).header.revision)
        return revisions

    def delete(self, key: str) -> int:
        """Delete ``key``; return the revision. NotFoundError if it does not exist."""
        response = self._call(self._kv.DeleteRange, etcdrpc.DeleteRangeRequest(key=self._key(key)))
        if response.deleted == 0:
            raise NotFoundError(f"key {key!r} not found")
        return response.header.revision

    def put_bytes(self, key: str, data: bytes) -> int:
        """Write raw bytes, not an encoded object (the suite's own records); return the revision."""
        return self._call(self._kv.Put, etcdrpc.PutRequest(key=self._key(key), value=data)).header.revision

    def get_bytes(self, key: str) -> bytes | None:
        """The raw bytes of ``key`` now, or None."""
        response = self._call(self._kv.Range, etcdrpc.RangeRequest(key=self._key(key)))
        return bytes(response.kvs[0].value) if response.kvs else None

    def delete_everything(self) -> None:
        """Delete every key under the store's prefix (the suite's clean-up on an existing cluster)."""
        self._call(self._kv.DeleteRange, etcdrpc.DeleteRangeRequest(key=self._key(""), range_end=self._end(None)))

    # ---- reads ----------------------------------------------------------------------

    def get(self, key: str, revision: int = 0) -> KeyValue | None:
        """The version of ``key`` live at ``revision`` (0 = current), or None."""
        response = self._call(self._kv.Range, etcdrpc.RangeRequest(key=self._key(key), revision=revision))
        return self._key_value(response.kvs[0]) if response.kvs else None

    def range(self, start: str, end: str | None, revision: int = 0, limit: int = 0) -> RangeResult:
        """Keys in ``[start, end)`` live at ``revision`` (0 = current), at most ``limit`` (0 = all);
        ``end`` None means to the end of the store's prefix."""
        response = self._call(self._kv.Range, etcdrpc.RangeRequest(
            key=self._key(start), range_end=self._end(end), revision=revision, limit=limit))
        kvs = [self._key_value(kv) for kv in response.kvs]
        return RangeResult(kvs, more=response.more, count=response.count, header_revision=response.header.revision)

    # ---- watch ----------------------------------------------------------------------

    def watch(self, prefix: str, callback: WatchCallback, start_revision: int = 0) -> Callable[[], None]:
        """Deliver every write under ``prefix`` from ``start_revision`` (0 = from now) to
        ``callback``, on the watch stream's thread. ResourceExpiredError if etcd refuses
        the revision as compacted. Returns a function that cancels the watch."""
        with self._watch_lock:
            if self._stream is None:
                self._stream = _WatchStream(self._watch_stub, self)
            stream = self._stream
        if start_revision:
            # etcd accepts the create and cancels the watch afterwards when start_revision
            # is below the compacted revision; a range at start_revision fails on exactly
            # that condition, so ask first and refuse here, as the embedded storage does.
            try:
                self._call(self._kv.Range, etcdrpc.RangeRequest(key=self._key(prefix), revision=start_revision,
                                                                 count_only=True))
            except TooLargeResourceVersionError:
                pass  # a watch from a future revision waits for it
        key = self._key(prefix)
        end = prefix_end(self._prefix + prefix)
        request = etcdrpc.WatchCreateRequest(key=key, range_end=b"\x00" if end is None else end.encode(),
                                             start_revision=start_revision, prev_kv=True)
        watch_id = stream.create(request, callback)
        return lambda: stream.cancel(watch_id)

    def request_progress(self) -> None:
        """etcd's RequestWatchProgress on the open stream: every watch gets the current revision."""
        with self._watch_lock:
            stream = self._stream
        if stream is not None:
            stream.send(etcdrpc.WatchRequest(progress_request=etcdrpc.WatchProgressRequest()))

    def event(self, event: Any) -> WatchEvent:
        """A watch event of the stream as the embedded storage's ``WatchEvent``."""
        kv = event.kv
        key = kv.key.decode()[len(self._prefix):]
        if event.type == kv_pb2.Event.PUT:
            current = KeyValue(key, self._decode(kv.value), kv.create_revision, kv.mod_revision, kv.version)
            kind = EVENT_PUT
        else:
            current = KeyValue(key, None, 0, kv.mod_revision, 0)
            kind = EVENT_DELETE
        previous = self._key_value(event.prev_kv) if event.HasField("prev_kv") else None
        return WatchEvent(kind, kv.mod_revision, current, previous)

    # ---- compaction, closing ----------------------------------------------------------

    def compact(self, revision: int) -> None:
        """Forget every version superseded at ``revision``; reads below it then fail with 410."""
        self._call(self._kv.Compact, etcdrpc.CompactionRequest(revision=revision, physical=True))

    def close(self) -> None:
        """End the watch stream and its thread, and close the channel (idempotent)."""
        with self._watch_lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
        self._channel.close()


def _storage_error(error: Any, endpoint: str) -> StorageError:
    """An RPC error as the storage error the API would answer with."""
    details = error.details() or ""
    code = error.code()
    if "required revision has been compacted" in details:
        return ResourceExpiredError(f"etcd: {details}")
    if "required revision is a future revision" in details:
        return TooLargeResourceVersionError(0, 0)  # the caller knows the revisions (_call)
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return EtcdError(f"etcd at {endpoint} is unavailable ({code.name.lower()}: {details or 'no details'})")
    return EtcdError(f"etcd at {endpoint}: {code.name}: {details}")


class _WatchStream:
    """One bidirectional Watch stream: requests from a queue, responses read on a thread.

    etcd answers creates in the order they were sent, so the callback of each create
    waits in ``_pending`` until its ``created`` response names its watch id. A response
    with watch id -1 and no events is the answer to a progress request, passed to every
    watch as a progress event.
    """

    def __init__(self, stub: Any, store: EtcdKeyValueStore) -> None:
        self._store = store
        self._requests: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._callbacks: dict[int, WatchCallback] = {}
        self._pending: list[tuple[WatchCallback, queue.SimpleQueue[object]]] = []
        self._create_lock = threading.Lock()
        self.failure: BaseException | None = None
        self._responses = stub.Watch(self._request_iterator())
        self._thread = threading.Thread(target=self._run, name="etcd-watch", daemon=True)
        self._thread.start()

    def _request_iterator(self) -> Iterator[object]:
        while (request := self._requests.get()) is not _CLOSE:
            yield request

    def send(self, request: object) -> None:
        if self.failure is None:
            self._requests.put(request)

    def create(self, request: Any, callback: WatchCallback) -> int:
        """Send a create and wait for etcd's answer: the watch id, or a refusal."""
        answer: queue.SimpleQueue[object] = queue.SimpleQueue()
        with self._create_lock:  # one create in flight at a time keeps answers in order
            with self._lock:
                self._pending.append((callback, answer))
            self.send(etcdrpc.WatchRequest(create_request=request))
            try:
                outcome = answer.get(timeout=WATCH_CREATE_TIMEOUT_SECONDS)
            except queue.Empty:
                raise EtcdError(f"etcd at {self._store.endpoint} did not answer a watch request") from None
        if isinstance(outcome, BaseException):
            raise outcome
        return int(outcome)  # type: ignore[call-overload]

    def cancel(self, watch_id: int) -> None:
        with self._lock:
            known = self._callbacks.pop(watch_id, None) is not None
        if known:
            self.send(etcdrpc.WatchRequest(cancel_request=etcdrpc.WatchCancelRequest(watch_id=watch_id)))

    def close(self) -> None:
        self._requests.put(_CLOSE)
        self._responses.cancel()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            for response in self._responses:
                self._handle(response)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                self.failure = _storage_error(error, self._store.endpoint)
        finally:
            with self._lock:
                pending, self._pending = self._pending, []
            for _, answer in pending:
                answer.put(self.failure or EtcdError("the watch stream closed"))

    def _handle(self, response: Any) -> None:
        if response.created:
            with self._lock:
                callback, answer = self._pending.pop(0)
                if not response.canceled:
                    self._callbacks[response.watch_id] = callback
            answer.put(EtcdError(f"etcd refused a watch: {response.cancel_reason}") if response.canceled
                       else response.watch_id)
            return
        if response.canceled:
            # A watch etcd ends (compacted under a slow watcher): its events stop; the
            # cache then times out waiting for freshness, as upstream's would re-list.
            with self._lock:
                self._callbacks.pop(response.watch_id, None)
            return
        if response.watch_id == -1 and not response.events:
            with self._lock:
                callbacks = list(self._callbacks.values())
            progress = WatchEvent(EVENT_PROGRESS, response.header.revision)
            for callback in callbacks:
                callback(progress)
            return
        with self._lock:
            callback = self._callbacks.get(response.watch_id)
        if callback is not None:
            for event in response.events:
                callback(self._store.event(event))
