"""The etcd of one ``storelist run --storage etcd``: started or reached, loaded, cleaned up.

``EtcdSession`` is entered around the whole run (``storelist.run_command``): with no
endpoints it starts a private etcd on loopback (``storage.etcd_server.PrivateEtcd``),
else it uses the first of the given endpoints of an existing cluster and touches only
the run's own key prefix there. It then loads every population of the run once
(``bench.storelist.etcd_fixture.load_population``). On leaving, whatever ended the run
(success, a failed worker, Ctrl-C), it deletes the run's keys from an existing cluster
and stops the private etcd by its PID; a resumed run loads again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from types import TracebackType

from bench.storelist.etcd_fixture import load_population, pod_store, shape_prefix
from storage.errors import StorageError
from storage.etcd_kv import LOAD_BATCH
from storage.etcd_server import PRIVATE_LOAD_BATCH, PrivateEtcd
from workloads import PopulationShape, generate_population


class EtcdSession:
    """Where the run's populations live in etcd: ``endpoint`` and ``prefix_of(shape)``, once entered."""

    def __init__(self, endpoints: str, shapes: Sequence[PopulationShape], seed: int,
                 note: Callable[[str], None] = lambda line: None) -> None:
        self._endpoints = [url for url in endpoints.split(",") if url]
        self._shapes = list(dict.fromkeys(shapes))
        self._seed = seed
        self.note = note
        self._private: PrivateEtcd | None = None
        self.endpoint = ""
        # A unique prefix on a shared cluster; a private etcd holds nothing else.
        self.run_prefix = f"/storelist-bench/{uuid.uuid4().hex}" if self._endpoints else "/storelist-bench/run"

    def prefix_of(self, shape: PopulationShape) -> str:
        return shape_prefix(self.run_prefix, shape)

    def __enter__(self) -> EtcdSession:
        if self._endpoints:
            self.endpoint = self._endpoints[0]
            batch = LOAD_BATCH
        else:
            self._private = PrivateEtcd()
            self.endpoint = self._private.start()
            self.note(f"etcd: a private etcd at {self.endpoint} (pid {self._private.pid})")
            batch = PRIVATE_LOAD_BATCH
        try:
            for shape in self._shapes:
                started = time.perf_counter()
                kv = pod_store(self.endpoint, self.prefix_of(shape), batch)
                try:
                    revisions = load_population(kv, generate_population(shape, self._seed))
                finally:
                    kv.close()
                self.note(f"etcd: loaded {shape.benchmark_name} in {time.perf_counter() - started:.1f} s "
                           f"({len(revisions.batch_revisions)} transactions, revisions {revisions.batch_revisions[0]}"
                           f"-{revisions.batch_revisions[-1]})")
        except BaseException:
            self._clean_up()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._clean_up()

    def _clean_up(self) -> None:
        if self._private is not None:
            self._private.stop()  # its data directory goes with it
            self._private = None
            return
        if self.endpoint:
            kv = pod_store(self.endpoint, self.run_prefix)
            try:
                kv.delete_everything()
            except StorageError as error:  # the run's own error, if any, is the one to report
                self.note(f"etcd: could not delete the run's keys under {self.run_prefix}: {error}")
            finally:
                kv.close()
