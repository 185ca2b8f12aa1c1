"""How watch events reach the watch cache: in the writer's call, or by a reflector thread.

Upstream, etcd sends watch events over a gRPC stream and the cacher's reflector goroutine
applies them (``watchCache.processEvent``); a writer's call returns before the cache has
seen its write, so a LIST at the write's resourceVersion (NotOlderThan) waits in
``waitUntilFreshAndBlock`` for the event. The embedded storage calls its watchers inside
the write, so two deliveries are offered (``WATCH_DELIVERIES``):

- ``inline``: the event is applied in the writer's call, under the storage's lock. A
  LIST that follows a write finds the cache fresh and never waits. The StoreList
  benchmarks use it: their storage is written before any LIST, so there is nothing to
  wait for, and the fill is not slowed by a thread hand-off per pod.
- ``thread``: the writer's call only queues the event; a reflector thread applies it.
  A LIST at the new resourceVersion waits on the cache's condition until the thread has
  applied it, as upstream's does. Create-then-list uses it. Under the GIL the wait costs
  two thread switches (to the reflector and back), which Go pays as goroutine wake-ups.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from storage.mvcc import WatchEvent

INLINE = "inline"
THREAD = "thread"
WATCH_DELIVERIES: tuple[str, ...] = (INLINE, THREAD)

_STOP = object()


class ReflectorThread:
    """Applies queued watch events in order on its own thread, until stopped."""

    def __init__(self, apply: Callable[[WatchEvent], None]) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._apply = apply
        self._thread = threading.Thread(target=self._run, name="reflector", daemon=True)
        self._thread.start()

    def deliver(self, event: WatchEvent) -> None:
        """The storage's watch callback: queue the event, O(1), never blocking the writer."""
        self._queue.put(event)

    def stop(self) -> None:
        """Apply what is queued, then end the thread (idempotent)."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            if event is _STOP:
                return
            self._apply(event)  # type: ignore[arg-type]
