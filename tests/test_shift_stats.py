"""The Hodges-Lehmann shift and the interval that inverts the Mann-Whitney U test (benchstat/shift.py)."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from benchstat.shift import shift_depth, summarize_shift
from benchstat.stats import mann_whitney_u


# U's two-sided 5% lower critical values from the printed tables (e.g. Siegel & Castellan,
# table J): U <= value rejects. The interval's depth is one more.
@pytest.mark.parametrize("n_old, n_new, critical", [(5, 5, 2), (6, 6, 5), (8, 8, 13), (10, 10, 23),
                                                     (20, 20, 127), (6, 10, 11), (4, 4, 0)])
def test_depth_is_the_u_tests_critical_value_plus_one(n_old: int, n_new: int, critical: int) -> None:
    assert shift_depth(n_old, n_new) == critical + 1


def test_depth_by_brute_force_over_every_split_of_a_small_pooled_sample() -> None:
    n_old, n_new = 4, 5
    us = []
    for chosen in itertools.combinations(range(n_old + n_new), n_old):
        others = [i for i in range(n_old + n_new) if i not in chosen]
        us.append(sum(a > b for a in chosen for b in others))
    total = len(us)
    tail = 0.025
    expected = 0
    while sum(u <= expected for u in us) / total <= tail:
        expected += 1
    assert shift_depth(n_old, n_new) == expected


def test_too_few_values_for_an_interval_are_refused() -> None:
    assert shift_depth(3, 3) == 0
    with pytest.raises(ValueError, match="too few"):
        summarize_shift([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    with pytest.raises(ValueError, match="finite"):
        summarize_shift([1.0, 2.0, math.nan, 4.0], [4.0, 5.0, 6.0, 7.0])


def test_a_pure_shift_is_estimated_exactly_and_the_interval_holds_it() -> None:
    rng = random.Random(7)
    old = [rng.gauss(100.0, 5.0) for _ in range(20)]
    new = [value + 42.0 for value in old]
    summary = summarize_shift(old, new)
    assert summary.estimate == pytest.approx(42.0)
    assert summary.low < 42.0 < summary.high
    assert (summary.n_old, summary.n_new) == (20, 20)


def test_the_interval_excludes_zero_exactly_where_the_u_test_rejects() -> None:
    rng = random.Random(11)
    for trial in range(200):
        shift = rng.choice([0.0, 0.5, 1.0, 2.0])
        old = [rng.gauss(0.0, 1.0) for _ in range(8)]
        new = [rng.gauss(shift, 1.0) for _ in range(8)]
        summary = summarize_shift(old, new)
        excludes_zero = summary.low > 0 or summary.high < 0
        assert excludes_zero == (mann_whitney_u(old, new) <= 0.05), trial


def test_coverage_of_the_interval_is_about_its_confidence() -> None:
    rng = random.Random(3)
    trials, covered = 400, 0
    for _ in range(trials):
        old = [rng.expovariate(1.0) for _ in range(10)]
        new = [rng.expovariate(1.0) + 3.0 for _ in range(10)]
        summary = summarize_shift(old, new)
        covered += summary.low <= 3.0 <= summary.high
    # Exact coverage is at least 95% (95.7% for 10 and 10); 400 trials put 3 sd at about 3%.
    assert 0.92 <= covered / trials <= 0.99


def test_the_normal_approximation_gives_the_exact_depth_within_one_where_both_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    exact = {sizes: shift_depth(*sizes) for sizes in [(50, 50), (20, 30), (10, 10)]}
    monkeypatch.setattr("benchstat.shift.MW_EXACT_LIMIT", 0)
    shift_depth.cache_clear()
    try:
        approximate = {sizes: shift_depth(*sizes) for sizes in exact}
    finally:
        shift_depth.cache_clear()
    assert approximate[(50, 50)] == exact[(50, 50)] == 966
    assert all(abs(approximate[sizes] - exact[sizes]) <= 1 for sizes in exact)
