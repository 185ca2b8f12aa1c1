"""Create-then-list, memory, sweep shapes and crossovers."""

from __future__ import annotations

import pytest

from bench.storelist.createlist import CreateListCase, CreateListRun
from bench.storelist.measure_memory import measure, resident_bytes
from reports.crossover import crossovers
from storage.errors import IndexNotFoundError
from stores import STORE_NAMES
from workloads import PopulationShape, sweep_shapes


@pytest.mark.parametrize("store_name", STORE_NAMES)
@pytest.mark.parametrize("rv_match", ["NotOlderThan", "Exact"])
def test_create_then_list_sees_every_write(store_name: str, rv_match: str) -> None:
    run = CreateListRun(CreateListCase(rv_match), store_name, operations=50, seed=1)
    assert run.run() == 50  # limit 1: each list returns one pod
    assert run.storage.kv.current_revision == 51
    run.cacher.stop()  # the reflector thread applies what it still has queued (Exact does not wait for it)
    assert len(run.cacher.watch_cache.store) == 50
    served_by_cache = run.cacher.metrics.cache_lists
    assert served_by_cache == (50 if rv_match == "NotOlderThan" else 0)


@pytest.mark.parametrize("store_name", STORE_NAMES)
def test_create_then_list_indexed_means_the_indexers_are_registered(store_name: str) -> None:
    # Upstream's Indexed=true registers f:spec.nodeName and f:metadata.namespace on the
    # cacher, Indexed=false none; the list itself never asks for an index.
    run = CreateListRun(CreateListCase("NotOlderThan"), store_name, operations=3, seed=1)
    run.run()
    run.cacher.stop()
    store = run.cacher.watch_cache.store
    if store_name.endswith("+index"):
        assert len(store.by_index("f:metadata.namespace", "ns")) == 3
        assert len(store.by_index("f:spec.nodeName", "node")) == 3
    else:
        for index in ("f:metadata.namespace", "f:spec.nodeName"):
            with pytest.raises(IndexNotFoundError):
                store.by_index(index, "ns")


def test_create_list_case_names_and_validation() -> None:
    assert CreateListCase("Exact").name == "StoreCreateList/RV=Exact"
    with pytest.raises(ValueError):
        CreateListCase("")


def test_memory_is_measured_in_a_fresh_process() -> None:
    assert resident_bytes() > 10 * 2**20
    small = measure(PopulationShape(10, 100, 10), 1, "btree")
    large = measure(PopulationShape(10, 2000, 10), 1, "btree")
    assert small.pods == 1000 and large.pods == 20000
    assert large.store_bytes > small.store_bytes > 0
    assert 50 < large.bytes_per_pod < 5000
    with pytest.raises(ValueError, match="valid stores"):
        measure(PopulationShape(1, 1, 1), 1, "nope")


def test_sweep_shapes_spread_a_fixed_total() -> None:
    shapes = sweep_shapes(150_000, (10, 30000, 1000))
    assert [(s.namespaces, s.pods_per_namespace) for s in shapes] == [(10, 15000), (1000, 150), (30000, 5)]
    with pytest.raises(ValueError, match="cannot fill"):
        sweep_shapes(100, (1000,))
    with pytest.raises(ValueError, match="repeat"):
        sweep_shapes(100, (10, 10))


def test_crossovers_interpolate_in_log_log_space() -> None:
    btree = {10: 1.0, 100: 1.0, 1000: 1.0}
    index = {10: 0.5, 100: 2.0, 1000: 4.0}
    (found,) = crossovers(btree, index, "btree", "btree+index")
    assert found.faster_below == "btree+index" and found.faster_above == "btree"
    assert found.between == (10, 100)
    assert found.pods_per_namespace == pytest.approx(10 ** 1.5)  # gaps log 2 and -log 2: the midpoint
    assert crossovers(btree, {10: 2.0, 100: 2.0}, "a", "b") == []
    assert len(crossovers({1: 1.0, 2: 3.0, 3: 1.0}, {1: 2.0, 2: 2.0, 3: 2.0}, "a", "b")) == 2
