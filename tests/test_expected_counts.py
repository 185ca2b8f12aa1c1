"""Expected counts against what the LIST path actually returns, for every case kind."""

from __future__ import annotations

import pytest

from bench.storelist.expected import Counts, ExpectedCounts
from bench.storelist.fixture import build_fixture
from bench.storelist.cases import StoreListCase, all_cases, build_request, paginate_list
from stores import STORE_NAMES, store_config
from workloads import PopulationShape

# Node scope with ~110 pods per node gets the 100-pod page size, as upstream's third shape.
SHAPE = PopulationShape(namespaces=3, pods_per_namespace=370, nodes=10)


@pytest.mark.parametrize("store_name", STORE_NAMES)
def test_expected_counts_match_the_list_path(store_name: str) -> None:
    fixture = build_fixture(SHAPE, 5, store_name)
    config = store_config(store_name)
    for case in all_cases(SHAPE):
        expected = ExpectedCounts(case, config, fixture.population)
        for iteration in (0, 1, 2, 57, 99):
            pages, objects = paginate_list(fixture.cacher, build_request(case, config, fixture.population, iteration))
            counts = expected.for_iteration(iteration)
            assert (pages, objects) == (counts.pages, counts.objects), f"{case.name} iteration {iteration}"


def test_node_selector_pages_end_with_an_empty_page_when_the_storage_fills_the_last_one() -> None:
    # Seed 4 puts 24 of 40 pods on the first node, and not the cluster's last key.
    # Pages of 12: the storage's second page fills at the node's last pod while other
    # keys follow, so it reports more and a third, empty page comes back. One page of
    # 24 is the cache's, whose candidates are the node's pods only: no extra page.
    shape = PopulationShape(namespaces=1, pods_per_namespace=40, nodes=2)
    fixture = build_fixture(shape, 4, "btree+index")
    population = fixture.population
    config = store_config("btree+index")
    for limit, pages in ((12, 3), (24, 1)):
        case = StoreListCase(shape, "", "Node", limit)
        request = build_request(case, config, population, 0)
        assert paginate_list(fixture.cacher, request) == (pages, 24)
        assert ExpectedCounts(case, config, population).for_iteration(0) == Counts(pages, 24)
