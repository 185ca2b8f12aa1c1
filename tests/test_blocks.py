"""Blocks of the paired design (``bench.blocks``): the interleaving order, the loops a
block holds (sized by its timed part and, for in-flight cells, by its whole call), and
the pyperf runs a paired process writes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.blocks import grow_loops, paired_runs, settle_loops, time_blocks
from bench.executor import rotated


def test_a_paired_worker_rotates_the_order_block_by_block() -> None:
    order: list[str] = []

    class Timer:
        def __init__(self, store: str) -> None:
            self.store = store

        def __call__(self, loops: int) -> float:
            order.append(self.store)
            return 1e-6 * loops

    stores = ["a", "b", "c"]
    times = time_blocks({store: Timer(store) for store in stores}, {store: 10 for store in stores},  # type: ignore[misc]
                        first_round=1, rounds=3)
    assert order == [*rotated(stores, 1), *rotated(stores, 2), *rotated(stores, 3)]
    assert times == {store: [1e-6] * 3 for store in stores}


def test_calibration_settles_on_the_count_that_fills_a_block_whatever_its_growth_path() -> None:
    def timer_with_cold_start(cold_seconds: float) -> Callable[[int], float]:
        calls = 0

        def timer(loops: int) -> float:  # 25 µs per request; the very first call is cold
            nonlocal calls
            calls += 1
            return loops * 25e-6 + (cold_seconds if calls == 1 else 0.0)

        return timer

    # A first request 25 µs slower grows 1 -> 220 -> 440, one 5 µs slower 1 -> 367 -> 734:
    # the growth alone would keep either; the median of the repeats gives 400 both times.
    for cold, grown in ((25e-6, 440), (5e-6, 734)):
        timer = timer_with_cold_start(cold)
        assert grow_loops(timer, 0.01) == grown
        assert settle_loops(timer, grown, 0.01) == 400
    slow = lambda loops: 0.05 * loops  # noqa: E731 - a request longer than a block
    assert grow_loops(slow, 0.01) == 1 and settle_loops(slow, 1, 0.01) == 1


class FakeWall:
    """A wall clock that only moves when a fake timer says its call took time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_block_whose_untimed_work_dominates_is_bounded_by_its_whole_call() -> None:
    # Each repetition: 1 µs timed, 5 ms in all (an in-flight Pop at 1000 pods and 100
    # events per Pop is like that). By the timed part alone a 10 ms block would take
    # 10 000 repetitions, 50 s; the whole call is held to 50 ms instead.
    wall = FakeWall()

    def timer(loops: int) -> float:
        wall.now += loops * 5e-3
        return loops * 1e-6

    grown = grow_loops(timer, 0.01, wall_limit=0.05, wall_clock=wall)
    assert grown == 10  # extrapolated from the first call by the whole call: 10 x 5 ms reaches 50 ms
    assert settle_loops(timer, grown, 0.01, wall_limit=0.05, wall_clock=wall) == 10
    # Without a wall limit the timed part alone decides, as for a StoreList cell.
    assert settle_loops(timer, grown, 0.01, wall_clock=wall) == 10_000


def test_paired_runs_carry_each_process_ratio_to_the_base_and_its_timed_seconds() -> None:
    measured = {"base": [1.0, 2.0, 4.0], "other": [3.0, 2.0, 2.0]}  # per-block ratios 3, 1, 0.5
    warmups = {"base": [1.0], "other": [1.0]}
    runs = paired_runs(measured, warmups, {"base": 10, "other": 20}, {"base": 5, "other": 5},
                       {"base": {"name": "cell", "unit": "second"}, "other": {"name": "cell", "unit": "second"}})
    assert runs["base"].get_metadata()["storelist_ratio"] == 1.0
    assert runs["other"].get_metadata()["storelist_ratio"] == pytest.approx(1.0)
    assert runs["other"].values == (3.0, 2.0, 2.0) and runs["other"].warmups == ((5, 1.0),)
    assert runs["other"].get_metadata()["loops"] == 20
    assert runs["other"].get_metadata()["storelist_timed_seconds"] == pytest.approx(5 * 1.0 + 20 * 7.0)
    assert runs["base"].get_metadata()["storelist_design"] == "paired"
