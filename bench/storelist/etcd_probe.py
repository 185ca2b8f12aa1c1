"""What a real etcd adds to each LIST path, beside the embedded storage, in one process.

``python -m bench.storelist.etcd_probe [--namespaces 100 --pods-per-namespace 100]
[--etcd-endpoints URL]`` loads one population into the embedded storage and into an etcd
(a private one on loopback, ``storage.etcd_server.PrivateEtcd``, unless endpoints are
given: then under a unique key prefix, deleted at the end), puts a btree+index cacher
over each, and times, in alternating blocks of ``--block`` calls so that both see the
same machine:

- ``revision``: the consistent read's revision fetch (``GetCurrentResourceVersion``, a
  limit-1 range whose header carries the revision): what every ``RV=`` request pays;
- ``RV=`` LIST: one namespace through the cacher, end to end (fetch, freshness, index);
- ``Exact`` LIST: one namespace at the current revision, delegated to the storage;
- ``continue``: the second page of a namespace listed with limit 10 (v1.32 delegates
  every continuation to the storage).

Wall clock (``perf_counter``): the etcd's own work happens in another process, which a
CPU clock of this thread would not see. Medians with the interquartile range; the
``etcd - embedded`` column is the difference of the medians. A quick probe, not a
pyperf run: the suite's ``--storage etcd`` is what runs presets against etcd.

The population loads in transactions of ``storage.etcd_kv.LOAD_BATCH`` puts, so pods
share revisions in etcd; the probe's requests do not depend on per-pod revisions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence

from tabulate import tabulate

from bench.storelist.etcd_fixture import pod_storage
from bench.storelist.fixture import gc_paused, load_storage, pod_cacher
from storage.errors import StorageError
from storage.etcd3 import Etcd3Storage
from storage.etcd_kv import EtcdKeyValueStore
from storage.etcd_server import EtcdUnavailableError, PrivateEtcd
from storage.selection import MATCH_EXACT, ListOptions, SelectionPredicate
from stores.cacher import Cacher
from workloads import RESOURCE_PREFIX, PopulationShape, generate_population
from workloads.pod_codec import decode_pod, encode_pod


def _probes(storage: Etcd3Storage, cacher: Cacher, namespaces: Sequence[str]) -> dict[str, Callable[[int], object]]:
    """The four timed calls, each of request number ``i`` (the namespace cycles)."""
    def revision(i: int) -> object:
        return storage.get_current_resource_version(RESOURCE_PREFIX)

    def consistent(i: int) -> object:
        namespace = namespaces[i % len(namespaces)]
        return cacher.get_list(f"{RESOURCE_PREFIX}/{namespace}", ListOptions(recursive=True), namespace)

    def exact(i: int) -> object:
        namespace = namespaces[i % len(namespaces)]
        current = str(storage.get_current_resource_version(RESOURCE_PREFIX))
        return storage.get_list(f"{RESOURCE_PREFIX}/{namespace}", ListOptions(current, MATCH_EXACT, recursive=True))

    def continuation(i: int) -> object:
        namespace = namespaces[i % len(namespaces)]
        first = storage.get_list(f"{RESOURCE_PREFIX}/{namespace}",
                                 ListOptions(recursive=True, predicate=SelectionPredicate(limit=10)))
        return storage.get_list(f"{RESOURCE_PREFIX}/{namespace}", ListOptions(
            recursive=True, predicate=SelectionPredicate(limit=10, continue_token=first.continue_token)))

    return {"revision": revision, "RV= LIST": consistent, "Exact LIST": exact, "continue (2 pages)": continuation}


def _time_block(call: Callable[[int], object], first: int, count: int) -> float:
    started = time.perf_counter()
    for i in range(first, first + count):
        call(i)
    return (time.perf_counter() - started) / count


def probe(shape: PopulationShape, endpoints: str, blocks: int, block: int, seed: int = 1) -> list[list[str]]:
    """The table's rows: per probe, embedded and etcd medians [IQR] in µs and their difference."""
    with gc_paused():
        population = generate_population(shape, seed)
        embedded = load_storage(population)
    private = None if endpoints else PrivateEtcd()
    endpoint = endpoints.split(",")[0] if endpoints else private.start()  # type: ignore[union-attr]
    kv = EtcdKeyValueStore(endpoint, encode_pod, decode_pod, key_prefix=f"/storelist-probe/{uuid.uuid4().hex}")
    try:
        kv.create_many(population.keyed_pods())
        remote = pod_storage(kv)
        with gc_paused():
            cachers = {"embedded": pod_cacher(embedded, "btree+index"), "etcd": pod_cacher(remote, "btree+index")}
        probes = {"embedded": _probes(embedded, cachers["embedded"], population.namespace_names),
                  "etcd": _probes(remote, cachers["etcd"], population.namespace_names)}
        rows = []
        for name in probes["embedded"]:
            times: dict[str, list[float]] = {"embedded": [], "etcd": []}
            for index in range(blocks):
                order = ("embedded", "etcd") if index % 2 == 0 else ("etcd", "embedded")
                for storage_name in order:
                    times[storage_name].append(_time_block(probes[storage_name][name], index * block, block))
            cells = []
            for storage_name in ("embedded", "etcd"):
                quartiles = statistics.quantiles(times[storage_name], n=4)
                cells.append(f"{statistics.median(times[storage_name]) * 1e6:.1f} "
                             f"[{quartiles[0] * 1e6:.1f}-{quartiles[2] * 1e6:.1f}]")
            difference = (statistics.median(times["etcd"]) - statistics.median(times["embedded"])) * 1e6
            rows.append([name, *cells, f"{difference:+.1f}"])
        return rows
    finally:
        kv.delete_everything()
        kv.close()
        if private is not None:
            private.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storelist.etcd_probe", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--namespaces", type=int, default=100)
    parser.add_argument("--pods-per-namespace", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--blocks", type=int, default=20, help="blocks per storage and probe")
    parser.add_argument("--block", type=int, default=50, help="calls per block")
    parser.add_argument("--etcd-endpoints", default="", help="an existing cluster (else a private etcd)")
    args = parser.parse_args(argv)
    shape = PopulationShape(args.namespaces, args.pods_per_namespace, args.nodes)
    try:
        rows = probe(shape, args.etcd_endpoints, args.blocks, args.block)
    except (EtcdUnavailableError, StorageError) as error:
        print(f"etcd_probe: {error}", file=sys.stderr)
        return 1
    print(f"{shape.benchmark_name}, btree+index cacher, µs per call: median [interquartile range] "
          f"of {args.blocks} blocks of {args.block}, wall clock")
    print(tabulate(rows, headers=["path", "embedded", "etcd", "etcd - embedded"], tablefmt="github"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
