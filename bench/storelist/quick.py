"""Quick side-by-side timings for the core: set-up cost and one-namespace LIST cost.

``python -m bench.storelist.quick`` prints, for each published population:
- the time to generate the population, to write it into the storage, and to load each
  store configuration from the storage (list then watch), median of ``--repeat`` runs;
- the time of one Namespace-scope LIST (RV=NotOlderThan, no pagination) in each
  configuration, next to the lower bound measured in the same process: ``bisect`` twice
  plus a slice over a pre-sorted Python list of the same elements, alone and with the
  list of objects that a LIST hands back.

These are quick medians from ``timeit``, for a first look and for the core's notes; the
published-table figures come from the pyperf runner (``storelist run``).
"""

from __future__ import annotations

import argparse
import statistics
import time
import timeit
from bisect import bisect_left
from collections.abc import Callable, Sequence

from bench.storelist.cases import StoreListCase, build_request
from bench.storelist.fixture import gc_paused, load_storage, pod_cacher
from storage.mvcc import prefix_end
from stores import STORE_NAMES, store_config
from stores.cacher import Cacher
from workloads import PUBLISHED_SHAPES, RESOURCE_PREFIX, PopulationShape, generate_population


def _median_seconds(action: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(median, min, max) wall seconds of ``repeat`` calls.

    What a call built is freed after its clock stops: tearing down 150k elements takes
    a good part of a second, and no benchmark worker pays it before its figures."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        with gc_paused():
            built = action()
        samples.append(time.perf_counter() - started)
        del built
    return statistics.median(samples), min(samples), max(samples)


def _per_call(action: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(median, min, max) seconds per call over ``repeat`` timeit batches of auto-sized length."""
    timer = timeit.Timer(action)
    number, _ = timer.autorange()
    samples = [t / number for t in timer.repeat(repeat=repeat, number=number)]
    return statistics.median(samples), min(samples), max(samples)


def _fmt(triple: tuple[float, float, float], scale: float, unit: str) -> str:
    median, low, high = (value * scale for value in triple)
    return f"{median:9.1f} {unit} [{low:.1f}-{high:.1f}]"


def _stopped(cacher: Cacher) -> Cacher:
    """The cacher, no longer following the storage (so the next one loads alone)."""
    cacher.stop()
    return cacher


def report_shape(shape: PopulationShape, seed: int, repeat: int) -> list[str]:
    lines = [f"{shape.benchmark_name} (seed {seed})"]
    lines.append("  generate population      " + _fmt(_median_seconds(lambda: generate_population(shape, seed), repeat), 1e3, "ms"))
    with gc_paused():
        population = generate_population(shape, seed)
    lines.append("  write into storage       " + _fmt(_median_seconds(lambda: load_storage(population), repeat), 1e3, "ms"))
    with gc_paused():
        storage = load_storage(population)

    namespace = population.namespace_names[len(population.namespace_names) // 2]
    case = StoreListCase(shape, "NotOlderThan", "Namespace", 0)
    for name in STORE_NAMES:
        load = _median_seconds(lambda: _stopped(pod_cacher(storage, name)), repeat)
        lines.append(f"  load store {name:<13} " + _fmt(load, 1e3, "ms"))
    for name in STORE_NAMES:
        with gc_paused():
            cacher = pod_cacher(storage, name)
        request = build_request(case, store_config(name), population, population.namespace_names.index(namespace))
        lines.append(f"  LIST {name:<19} " + _fmt(
            _per_call(lambda: cacher.get_list(request.key, request.options, request.request_namespace), repeat), 1e6, "µs"))
        cacher.stop()

    # The lower bound: the same elements, pre-sorted, found by bisect and cut by a slice.
    with gc_paused():
        bound_cacher = pod_cacher(storage, "btree")
        elements = bound_cacher.watch_cache.store.list()
        keys = [element.key for element in elements]
    prefix = f"{RESOURCE_PREFIX}/{namespace}/"
    end = prefix_end(prefix)
    lines.append("  bound bisect+slice       " + _fmt(
        _per_call(lambda: elements[bisect_left(keys, prefix):bisect_left(keys, end)], repeat), 1e6, "µs"))
    # The same, plus the list of objects a LIST returns (upstream copies them into Items too).
    lines.append("  bound + item list        " + _fmt(
        _per_call(lambda: [e.object for e in elements[bisect_left(keys, prefix):bisect_left(keys, end)]], repeat),
        1e6, "µs"))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storelist.quick", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1, help="population seed (default 1)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is shown (default 5)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for shape in PUBLISHED_SHAPES:
        print("\n".join(report_shape(shape, args.seed, args.repeat)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
