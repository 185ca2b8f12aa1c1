"""What a write costs the watch cache: create, update (a node change) and delete.

Dropping the namespace index (kubernetes #129933, ``--indexers registry``) saves memory
per pod and work on every write; this cell measures the second. A write reaches the
cache as a watch event, and the cache's share of it is ``watchCache.processEvent``:
the element's labels and fields (GetAttrs), then the store's add, update or delete
under the lock, which maintains every registered index. That is what is timed, on a
cache holding a whole population, per configuration: the storage's own work (the etcd
write, the same for every configuration) is not, so the differences between
configurations are not diluted by it.

``WriteTimer(loops)`` times ``loops`` events of one kind, built before the clock starts
(as ``CellTimer`` builds requests), over pods taken in turn from the population:

- ``Create``: new pods, copies of population pods under new names; afterwards they are
  deleted again, untimed, so the cache keeps its size.
- ``Update``: each pod moves to another node (``spec.nodeName``, an indexed field, so
  both the node index and the stored element change), and moves back on the next
  call over the same pods.
- ``Delete``: population pods; afterwards re-created, untimed.

The store's size is checked after every call; a wrong size raises ``WrongAnswerError``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.storelist.fixture import CellFixture, Profiles, build_fixture
from bench.worker import WrongAnswerError
from storage.mvcc import EVENT_DELETE, EVENT_PUT, KeyValue, WatchEvent
from workloads import ExemplarPod, PopulationShape, pod_key

WRITE_OPS: tuple[str, ...] = ("Create", "Update", "Delete")


@dataclass(frozen=True, slots=True)
class WriteCase:
    shape: PopulationShape
    op: str

    def __post_init__(self) -> None:
        if self.op not in WRITE_OPS:
            raise ValueError(f"unknown write {self.op!r}; expected one of {', '.join(WRITE_OPS)}")

    @property
    def name(self) -> str:
        """``StoreWrite/<population>/Op=<op>``, in the Go benchmarks' level style."""
        return f"StoreWrite/{self.shape.benchmark_name}/Op={self.op}"


def variant(pod: object, name: str | None = None, node: str | None = None) -> object:
    """A struct copy of ``pod`` (either pod profile) under another name or on another node."""
    new = pod.struct_copy()  # type: ignore[attr-defined]
    metadata, spec = (new.metadata, new.spec) if isinstance(new, ExemplarPod) else (new, new)
    if name is not None:
        metadata.name = name
    if node is not None:
        spec.node_name = node
    return new


class WriteTimer:
    """The pyperf time function of one write cell on one store configuration."""

    def __init__(self, case: WriteCase, store: str, seed: int, profiles: Profiles = Profiles()) -> None:
        self.case = case
        self.store = store
        self.seed = seed
        self.profiles = profiles
        self.operations = 0
        self._fixture: CellFixture | None = None
        self._current: dict[str, KeyValue] = {}
        self._node_index: dict[str, int] = {}
        self._revision = 0
        self._next_pod = 0
        self._calls = 0

    def fixture(self) -> CellFixture:
        if self._fixture is None:
            self._fixture = build_fixture(self.case.shape, self.seed, self.store, self.profiles)
            self._current = {kv.key: kv for kv in self._fixture.storage.kv.range("/pods/", "/pods0").kvs}
            self._revision = self._fixture.storage.kv.current_revision
            self._node_index = {node: i for i, node in enumerate(self._fixture.population.node_names)}
        return self._fixture

    def _event(self, key: str, obj: object | None) -> WatchEvent:
        """The watch event of writing ``obj`` (None: deleting) at ``key``, and the new state."""
        self._revision += 1
        previous = self._current.get(key)
        if obj is None:
            assert previous is not None
            del self._current[key]
            tombstone = KeyValue(key, None, 0, self._revision, 0)
            return WatchEvent(EVENT_DELETE, self._revision, tombstone, previous)
        if previous is None:
            kv = KeyValue(key, obj, self._revision, self._revision, 1)
        else:
            kv = KeyValue(key, obj, previous.create_revision, self._revision, previous.version + 1)
        self._current[key] = kv
        return WatchEvent(EVENT_PUT, self._revision, kv, previous)

    def _pods(self, count: int) -> list[object]:
        pods = self.fixture().population.pods
        chosen = [pods[(self._next_pod + i) % len(pods)] for i in range(count)]
        self._next_pod = (self._next_pod + count) % len(pods)
        return chosen

    def _apply(self, events: list[WatchEvent]) -> float:
        process_event = self.fixture().cacher.watch_cache.process_event
        started = time.perf_counter()
        for event in events:
            process_event(event)
        return time.perf_counter() - started

    def __call__(self, loops: int) -> float:
        """Seconds that ``loops`` writes take, applied in chunks of at most one population:
        a chunk's pods are distinct, so every timed event is a real create, move or delete
        (with more loops than pods, a single chunk would repeat keys, and a delete of a
        key already gone would time nothing, so pyperf's calibration would never end)."""
        pods_count = len(self.fixture().population.pods)
        elapsed = 0.0
        remaining = loops
        while remaining:
            chunk = min(remaining, pods_count)
            elapsed += self._chunk(chunk)
            remaining -= chunk
        self.operations += loops
        return elapsed

    def _chunk(self, count: int) -> float:
        fixture = self.fixture()
        store = fixture.cacher.watch_cache.store
        size = len(store)
        pods = self._pods(count)
        keys = [pod_key(pod.namespace, pod.name) for pod in pods]  # type: ignore[attr-defined]
        self._calls += 1
        if self.case.op == "Create":
            names = [f"{pod.name}-w{self._calls}" for pod in pods]  # type: ignore[attr-defined]
            new_keys = [pod_key(pod.namespace, name) for pod, name in zip(pods, names)]  # type: ignore[attr-defined]
            elapsed = self._apply([self._event(key, variant(pod, name=name))
                                   for key, pod, name in zip(new_keys, pods, names)])
            self._check(store, size + count)
            self._apply([self._event(key, None) for key in new_keys])
        elif self.case.op == "Update":
            nodes = fixture.population.node_names
            events = []
            for key in keys:
                current = self._current[key].value
                node = current.node_name  # type: ignore[union-attr]
                other = nodes[(self._node_index[node] + 1) % len(nodes)] if len(nodes) > 1 else node + "-moved"
                events.append(self._event(key, variant(current, node=other)))
            elapsed = self._apply(events)
            self._check(store, size)
        else:
            originals = [self._current[key].value for key in keys]
            elapsed = self._apply([self._event(key, None) for key in keys])
            self._check(store, size - count)
            self._apply([self._event(key, pod) for key, pod in zip(keys, originals)])
        return elapsed

    def _check(self, store: object, expected: int) -> None:
        if len(store) != expected:  # type: ignore[arg-type]
            raise WrongAnswerError(f"{self.case.name} on {self.store}: the store holds {len(store)} elements "
                                   f"after the writes, expected {expected}")  # type: ignore[arg-type]
