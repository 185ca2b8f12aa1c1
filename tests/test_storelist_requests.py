"""The Go harness's requests: case names, page sizes, RV cycling, index hints, pagination."""

from __future__ import annotations

import pytest

from bench.storelist.fixture import build_fixture
from bench.storelist.cases import StoreListCase, all_cases, build_request, page_sizes, paginate_list
from stores import STORE_NAMES, store_config
from workloads import PUBLISHED_SHAPES, PopulationShape

SHAPE = PopulationShape(namespaces=5, pods_per_namespace=300, nodes=12)


def test_case_names_match_the_go_sub_benchmarks() -> None:
    case = StoreListCase(PUBLISHED_SHAPES[1], "NotOlderThan", "Namespace", 0)
    assert case.name == "StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=NotOlderThan/Scope=Namespace/Paginate=0"
    assert StoreListCase(PUBLISHED_SHAPES[0], "", "Cluster", 1000).name.endswith("/RV=/Scope=Cluster/Paginate=1000")
    with pytest.raises(ValueError):
        StoreListCase(SHAPE, "Latest", "Cluster", 0)


def test_page_sizes_follow_the_expected_element_rule() -> None:
    ten_k, fifty, hundred = PUBLISHED_SHAPES
    assert page_sizes(ten_k, "Namespace") == (0,) and page_sizes(ten_k, "Node") == (0,)
    assert page_sizes(fifty, "Namespace") == (0, 1000) and page_sizes(hundred, "Node") == (0, 100)
    assert page_sizes(ten_k, "Cluster") == (0, 1000)
    assert [len(all_cases(shape)) for shape in PUBLISHED_SHAPES] == [12, 15, 18]


def test_requests_cycle_revisions_and_targets() -> None:
    fixture = build_fixture(SHAPE, 3, "btree+index")
    population = fixture.population
    case = StoreListCase(SHAPE, "NotOlderThan", "Namespace", 0)
    config = store_config("btree+index")
    first, later = build_request(case, config, population, 0), build_request(case, config, population, 101)
    assert first.options.resource_version == str(1 + 1500 - 99)
    assert later.options.resource_version == str(1 + 1500 - 99 + 1)
    assert first.key == f"/pods/{population.namespace_names[0]}" and first.request_namespace == population.namespace_names[0]
    assert later.key == f"/pods/{population.namespace_names[101 % 5]}"
    assert build_request(StoreListCase(SHAPE, "", "Namespace", 0), config, population, 0).options.resource_version == ""


def test_only_indexed_configurations_add_the_hints() -> None:
    fixture = build_fixture(SHAPE, 3, "btree")
    population = fixture.population
    node_case = StoreListCase(SHAPE, "", "Node", 0)
    plain = build_request(node_case, store_config("btree"), population, 0)
    assert plain.options.predicate.empty and plain.key == "/pods/"
    hinted = build_request(node_case, store_config("map+index"), population, 0)
    assert hinted.options.predicate.field.requires_exact_match("spec.nodeName") == population.node_names[0]
    namespace_case = StoreListCase(SHAPE, "", "Namespace", 0)
    assert build_request(namespace_case, store_config("map"), population, 0).request_namespace is None


@pytest.mark.parametrize("store_name", STORE_NAMES)
def test_pagination_reaches_every_object(store_name: str) -> None:
    fixture = build_fixture(SHAPE, 9, store_name)
    config = store_config(store_name)
    population = fixture.population
    for rv in ("", "NotOlderThan"):
        cluster = build_request(StoreListCase(SHAPE, rv, "Cluster", 100), config, population, 4)
        assert paginate_list(fixture.cacher, cluster) == (15, 1500)
        namespace = build_request(StoreListCase(SHAPE, rv, "Namespace", 100), config, population, 2)
        assert paginate_list(fixture.cacher, namespace) == (3, 300)
    # Exact reads revision 1 + 1500 - 99 + i: pod number r - 1 was the last one created by
    # revision r, so the cluster holds 1405 pods at i = 4, and the last namespace misses some.
    exact_cluster = build_request(StoreListCase(SHAPE, "Exact", "Cluster", 100), config, population, 4)
    assert paginate_list(fixture.cacher, exact_cluster) == (15, 1405)
    exact_last_namespace = build_request(StoreListCase(SHAPE, "Exact", "Namespace", 100), config, population, 4)
    assert paginate_list(fixture.cacher, exact_last_namespace) == (3, 300 - 95)
    node = population.node_names[1]
    on_node = sum(pod.node_name == node for pod in population.pods)
    pages, objects = paginate_list(fixture.cacher, build_request(StoreListCase(SHAPE, "", "Node", 0), config, population, 1))
    assert pages == 1 and objects == (on_node if config.namespace_index_requested else 1500)
