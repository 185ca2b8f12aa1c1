"""The pod and indexer profiles, the result copy of both pod profiles, and the write cells."""

from __future__ import annotations

import itertools
import random

import pytest

from bench.storelist.cases import StoreListCase
from bench.storelist.fixture import Profiles, build_fixture
from bench.storelist.write_cost import WRITE_OPS, WriteCase, WriteTimer
from storage.errors import IndexNotFoundError
from storage.selection import ListOptions, SelectionPredicate, Selector
from stores import STORE_NAMES, registered_indexes
from workloads import PopulationShape, copy_pod, generate_population, pod_attrs
from workloads.exemplar import ExemplarPod, exemplar_json, exemplar_pod, template_hash

SHAPE = PopulationShape(namespaces=4, pods_per_namespace=25, nodes=3)


def test_an_exemplar_pod_is_about_ten_kilobytes_of_json_with_a_seeded_name_and_uid() -> None:
    first = exemplar_pod(random.Random(7), "ns", "abc", "node-1", "hash")
    again = exemplar_pod(random.Random(7), "ns", "abc", "node-1", "hash")
    other = exemplar_pod(random.Random(8), "ns", "abc", "node-1", "hash")
    assert 8_000 <= len(exemplar_json(first)) <= 12_000
    assert first == again and first.metadata.uid != other.metadata.uid
    assert first.name == "checkout-hash-abc" and first.namespace == "ns" and first.node_name == "node-1"
    labels, fields = pod_attrs(first)
    assert labels["app"] == "checkout"
    assert fields == {"metadata.name": "checkout-hash-abc", "metadata.namespace": "ns", "spec.nodeName": "node-1",
                      "spec.restartPolicy": "Always", "status.phase": "Running"}


def test_the_exemplar_struct_copy_copies_the_three_value_structs_and_shares_what_they_point_to() -> None:
    pod = exemplar_pod(random.Random(1), "ns", "abc", "node-1", template_hash(random.Random(2)))
    copy = copy_pod(pod)
    assert isinstance(copy, ExemplarPod) and copy == pod and copy is not pod
    for part in ("metadata", "spec", "status"):
        assert getattr(copy, part) is not getattr(pod, part)  # held by value in Go's v1.Pod
    assert copy.spec.containers is pod.spec.containers  # a slice header in Go: shared
    assert copy.metadata.labels is pod.metadata.labels  # a map header: shared


@pytest.mark.parametrize("store_name", STORE_NAMES)
def test_a_cache_list_of_exemplar_pods_returns_equal_copies(store_name: str) -> None:
    fixture = build_fixture(SHAPE, 3, store_name, Profiles(pods="exemplar"))
    namespace = fixture.population.namespace_names[0]
    result = fixture.cacher.get_list(f"/pods/{namespace}", ListOptions(predicate=SelectionPredicate(
        index_fields=("metadata.namespace",))), namespace)
    cached = {element.key: element.object for element in fixture.cacher.watch_cache.store.list()}
    originals = [cached[f"/pods/{namespace}/{item.name}"] for item in result.items]
    assert len(result.items) == SHAPE.pods_per_namespace
    assert result.items == originals and not any(a is b for a, b in zip(result.items, originals))
    assert [item.name for item in result.items] == sorted(item.name for item in result.items)


def test_the_registry_profile_drops_the_namespace_index_from_the_btree_configurations_only() -> None:
    for store_name in STORE_NAMES:
        fixture = build_fixture(SHAPE, 3, store_name, Profiles(indexers="registry"))
        store = fixture.cacher.watch_cache.store
        namespace = fixture.population.namespace_names[0]
        node = fixture.population.node_names[0]
        assert len(store.by_index("f:spec.nodeName", node)) > 0
        if store_name.startswith("btree"):
            assert registered_indexes(store_name, "registry") == ("spec.nodeName",)
            with pytest.raises(IndexNotFoundError):
                store.by_index("f:metadata.namespace", namespace)
        else:
            assert len(store.by_index("f:metadata.namespace", namespace)) == SHAPE.pods_per_namespace
    with pytest.raises(ValueError, match="unknown indexer profile"):
        registered_indexes("btree", "production")


def test_profiles_are_validated_and_carried_as_worker_options() -> None:
    assert Profiles("exemplar", "registry").arguments() == ["--pods=exemplar", "--indexers=registry",
                                                           "--storage=embedded"]
    with pytest.raises(ValueError, match="unknown pod profile"):
        Profiles(pods="huge")
    with pytest.raises(ValueError, match="unknown pod profile"):
        generate_population(SHAPE, 1, "huge")


@pytest.mark.parametrize("pods", ["minimal", "exemplar"])
@pytest.mark.parametrize("op", WRITE_OPS)
def test_a_write_cell_applies_its_writes_and_leaves_the_cache_as_it_found_it(op: str, pods: str) -> None:
    timer = WriteTimer(WriteCase(SHAPE, op), "btree+index", seed=5, profiles=Profiles(pods=pods))
    store = timer.fixture().cacher.watch_cache.store
    node_index_sizes = {node: len(store.by_index("f:spec.nodeName", node)) for node in timer.fixture().population.node_names}
    assert timer(30) > 0 and timer(30) > 0
    assert len(store) == SHAPE.pods and timer.operations == 60
    after = {node: len(store.by_index("f:spec.nodeName", node)) for node in node_index_sizes}
    if op == "Update":  # 60 moves of 60 different pods, each by one node: the index changed
        assert after != node_index_sizes and sum(after.values()) == SHAPE.pods
    else:
        assert after == node_index_sizes
    assert timer.fixture().cacher.watch_cache.resource_version > SHAPE.pods + 1


@pytest.mark.parametrize("op", WRITE_OPS)
def test_more_writes_than_pods_are_applied_in_chunks_of_distinct_pods(op: str) -> None:
    # 250 writes on 100 pods: chunks of 100, 100 and 50, every event a real write, so the
    # time grows with the loops (pyperf's calibration relies on it) and the cache ends as it began.
    timer = WriteTimer(WriteCase(SHAPE, op), "map", seed=5)
    revision = timer.fixture().cacher.watch_cache.resource_version
    assert timer(250) > 0
    store = timer.fixture().cacher.watch_cache.store
    assert len(store) == SHAPE.pods and timer.operations == 250
    applied = timer.fixture().cacher.watch_cache.resource_version - revision
    assert applied == (250 if op == "Update" else 500)  # creates and deletes are undone, untimed


def test_write_case_names_follow_the_go_level_style() -> None:
    assert WriteCase(SHAPE, "Delete").name == "StoreWrite/Namespaces=4/Pods=100/Nodes=3/Op=Delete"
    with pytest.raises(ValueError, match="unknown write"):
        WriteCase(SHAPE, "Patch")


# --- the instrumented LIST path --------------------------------------------------------


@pytest.mark.parametrize("store_name", STORE_NAMES)
@pytest.mark.parametrize(("rv", "match", "limit"), [("", "", 0), ("90", "NotOlderThan", 0), ("90", "Exact", 0),
                                                     ("", "", 10), ("0", "", 10)])
def test_the_timed_list_path_returns_what_the_plain_one_does(store_name: str, rv: str, match: str, limit: int) -> None:
    from stores.list_phases import PHASES, timed_get_list

    fixture = build_fixture(SHAPE, 3, store_name)
    namespace = fixture.population.namespace_names[1]
    options = ListOptions(rv, match, SelectionPredicate(limit=limit, index_fields=("metadata.namespace",)))
    phases = dict.fromkeys(PHASES, 0)
    timed = timed_get_list(fixture.cacher, f"/pods/{namespace}", options, namespace, lambda: 0, phases)
    plain = fixture.cacher.get_list(f"/pods/{namespace}", options, namespace)
    assert timed == plain
    node = fixture.population.node_names[0]
    by_node = ListOptions(predicate=SelectionPredicate(index_fields=("spec.nodeName",),
                                                       field=Selector.parse(f"spec.nodeName={node}")))
    assert timed_get_list(fixture.cacher, "/pods", by_node, None, lambda: 0, phases) == \
        fixture.cacher.get_list("/pods", by_node)


def test_the_phases_of_a_list_add_up_to_its_clock_reads() -> None:
    from stores.list_phases import PHASES, timed_get_list

    fixture = build_fixture(SHAPE, 3, "btree+index")
    ticks = iter(range(0, 1000, 10))  # every clock read 10 ns after the previous one
    phases = dict.fromkeys(PHASES, 0)
    namespace = fixture.population.namespace_names[0]
    timed_get_list(fixture.cacher, f"/pods/{namespace}", ListOptions(), namespace, lambda: next(ticks), phases)
    # Nine reads bound eight cache phases of 10 ns each; a cache-served list has no storage
    # phase, and its release ("free") is timed by the pass, after get_list has returned.
    assert phases == {**dict.fromkeys(PHASES, 10), "storage": 0, "free": 0}


def test_the_phase_pass_pairs_primed_blocks_and_takes_the_clock_reads_off() -> None:
    from bench.storelist.paired_worker import build_timers
    from bench.storelist.phase_pass import measure_phases
    from stores.list_phases import PHASES

    case = StoreListCase(PopulationShape(4, 5, 3), "", "Namespace", 0)
    timers = build_timers(case, ["btree+index", "btree", "map"], seed=3, clock="cpu")
    ticks = itertools.count(0, 10)
    # Every read of this clock costs 10 "ns", back to back or between phases: once the
    # reads' cost is taken off, nothing is left of any phase.
    samples = measure_phases(timers, {"btree+index": 3, "btree": 1, "map": 2}, lambda: next(ticks), first_round=1,
                             rounds=2)
    assert set(samples) == {"btree+index", "btree", "map"}
    for sample in samples.values():
        assert set(sample.phases) == set(PHASES) and all(value == 0 for value in sample.phases.values())
        assert sample.beside_ns > 0 and sample.overhead > -1
    # Each round an uninstrumented and an instrumented block per configuration, each primed
    # by one untimed request; a single-request block is not primed and takes one round only.
    assert timers["btree+index"].next_iteration == 2 * 2 * (1 + 3)
    assert timers["map"].next_iteration == 2 * 2 * (1 + 2) and timers["map"].counted.requests == 12
    assert timers["btree"].next_iteration == 2


def test_a_read_of_the_clock_is_costed_in_place_where_blocks_hold_many_pages() -> None:
    from bench.storelist.paired_worker import build_timers
    from bench.storelist.phase_pass import IN_PLACE_MIN_PAGES, _CountingClock, in_place_read_ns

    underlying = itertools.count()
    doubled = _CountingClock(lambda: next(underlying), doubled=True)
    assert [doubled(), doubled()] == [1, 3] and doubled.reads == 2  # each read reads twice, returns the second

    case = StoreListCase(PopulationShape(4, 5, 3), "", "Namespace", 0)
    timer = build_timers(case, ["btree+index"], seed=3, clock="cpu")["btree+index"]
    loops = IN_PLACE_MIN_PAGES
    ticks = itertools.count(0, 10)

    def slow_clock() -> int:  # a read of ~20 µs, so that the extra reads stand out of the blocks' jitter
        sum(range(2000))
        return next(ticks)

    extra_ns, reads = in_place_read_ns(timer, loops, slow_clock, first_doubled=False)
    # A cache-served page: nine reads inside get_list and two around its release; the
    # block's last page is released after the count.
    assert reads == 11 * loops - 2
    assert extra_ns > reads * 5000  # the doubled block read the slow clock `reads` more times
    assert timer.counted.requests == 2 * (1 + loops)  # two primed blocks, every page checked
