"""Tests for benchstat.stats: benchstat's median CI, Mann-Whitney U test and geomean."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from benchstat.stats import (
    AllSamplesEqualError,
    compare,
    exact_u_distribution,
    geomean,
    go_float,
    mann_whitney_u,
    median,
    median_ci_orders,
    median_confidence_interval,
    min_samples_for_ci,
    min_samples_to_detect,
    summarize,
)

# benchstat's documented example (tests/data/benchstat_example), in ns/op.
OLD_JSON = [1726, 1723, 1707, 1707, 1713, 1729, 1736, 1707, 1705, 1774]
NEW_JSON = [1423, 1416, 1411, 1413, 1412, 1426, 1422, 1424, 1447, 1425]
OLD_GOB = [3069, 3075, 3069, 3067, 3207, 3064, 3064, 3058, 3059, 3062]
NEW_GOB = [3075, 3065, 3059, 3065, 3060, 3081, 3186, 3135, 3087, 3062]


# --- median ------------------------------------------------------------------


def test_median_of_even_count_is_mean_of_middle_values() -> None:
    assert median(OLD_JSON) == 1718.0  # (1713 + 1723) / 2
    assert median(OLD_GOB) == 3065.5


def test_median_of_odd_count_is_middle_value() -> None:
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([7.0]) == 7.0


def test_median_of_empty_sample_raises() -> None:
    with pytest.raises(ValueError):
        median([])


# --- median confidence interval ------------------------------------------------


def test_ci_orders_for_ten_samples_by_hand() -> None:
    # Binomial(10, 1/2) counts out of 1024: k=5:252, 4,6:210, 3,7:120, 2,8:45,
    # 1,9:10. Growing from the mode (left first on equal weights):
    # {5} 252, +4 462, +6 672, +3 792, +7 912, +2 957 (93.5%), +8 1002 (97.9%).
    # Counts 2..8 below the median => between order statistics 2 and 9.
    assert median_ci_orders(10, 0.95) == (2, 9)


def test_ci_orders_for_six_samples_by_hand() -> None:
    # Counts out of 64: 20 | 15 15 | 6 6 | 1 1. {3} 20, +2 35, +4 50, +1 56
    # (87.5%), +5 62 (96.9%): counts 1..5 => order statistics 1 and 6.
    assert median_ci_orders(6, 0.95) == (1, 6)


def test_ci_orders_for_five_samples_are_unbounded_below() -> None:
    # Counts out of 32: 10 10 | 5 5 | 1 1. {2} 10, +3 20, +1 25, +4 30
    # (93.75%), +0 31: count 0 means "below the smallest value".
    assert median_ci_orders(5, 0.95) == (0, 5)


@pytest.mark.parametrize("n", range(6, 31))
def test_exact_ci_orders_reach_the_confidence(n: int) -> None:
    lo, hi = median_ci_orders(n, 0.95)
    coverage = Fraction(sum(math.comb(n, k) for k in range(lo, hi)), 2**n)
    assert 1 <= lo and hi <= n
    assert coverage >= Fraction(95, 100)
    # One count fewer on either side would miss the confidence.
    assert coverage - Fraction(math.comb(n, lo), 2**n) < Fraction(95, 100)
    assert coverage - Fraction(math.comb(n, hi - 1), 2**n) < Fraction(95, 100)


def test_ci_orders_for_large_samples_use_normal_approximation() -> None:
    # Published distribution-free 95% intervals for the median: n=40 -> (14, 27).
    assert median_ci_orders(40, 0.95) == (14, 27)
    # n=100: N(50, 5) puts 95% in [40.2, 59.8] -> counts 40..60, orders (40, 61);
    # the left-biased band 40..59 still covers Phi(1.9) - Phi(-2.1) = 0.953.
    assert median_ci_orders(100, 0.95) == (40, 60)


def test_ci_orders_at_full_confidence_are_unbounded() -> None:
    assert median_ci_orders(10, 1.0) == (0, 11)


def test_ci_orders_reject_bad_confidence() -> None:
    with pytest.raises(ValueError):
        median_ci_orders(10, 1.5)


def test_median_confidence_interval_picks_order_statistics() -> None:
    xs = sorted(OLD_JSON)
    assert median_confidence_interval(OLD_JSON) == (xs[1], xs[8])  # 1707, 1736


def test_median_confidence_interval_is_none_for_too_few_samples() -> None:
    assert median_confidence_interval([1.0, 2.0, 3.0, 4.0, 5.0]) is None
    assert median_confidence_interval([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) == (1.0, 6.0)


def test_min_samples_for_ci() -> None:
    assert str(min_samples_for_ci(0.95)) == ">= 6"
    assert str(min_samples_for_ci(0.99)) == ">= 8"  # 254/256 >= 0.99 first at n=8
    assert str(min_samples_for_ci(1.0)) == "> 50"


def test_summarize_reports_median_bounds_and_warning() -> None:
    summary = summarize(OLD_JSON)
    assert (summary.center, summary.lo, summary.hi, summary.n) == (1718.0, 1707, 1736, 10)
    assert summary.warnings == ()
    small = summarize([100.0])
    assert math.isinf(small.lo) and math.isinf(small.hi)
    assert small.warnings == ("need >= 6 samples for confidence interval at level 0.95",)


# --- Mann-Whitney U --------------------------------------------------------------


def _brute_force_twice_u(pooled: list[float], n1: int) -> list[int]:
    """2U of the first sample for every way of splitting ``pooled``."""
    twice_us = []
    for chosen in itertools.combinations(range(len(pooled)), n1):
        first = [pooled[i] for i in chosen]
        second = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        twice_us.append(sum(2 * (x > y) + (x == y) for x in first for y in second))
    return twice_us


def _tie_sizes(pooled: list[float]) -> list[int]:
    return [len(list(group)) for _, group in itertools.groupby(sorted(pooled))]


@pytest.mark.parametrize(
    ("pooled", "n1"),
    [
        ([1, 1, 2, 3, 3, 3, 4], 3),
        ([1, 1, 1, 1, 2, 2, 2, 2], 4),
        ([5, 5, 5, 5, 5, 6], 2),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 4),
        ([1, 2, 2, 3, 3, 3, 4, 4, 4, 4], 5),
    ],
)
def test_exact_u_distribution_matches_enumeration(pooled: list[float], n1: int) -> None:
    n2 = len(pooled) - n1
    twice_us = _brute_force_twice_u(pooled, n1)
    expected = [twice_us.count(k) / len(twice_us) for k in range(2 * n1 * n2 + 1)]
    assert exact_u_distribution(n1, n2, _tie_sizes(pooled)) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=5),
    st.lists(st.integers(0, 4), min_size=1, max_size=5),
)
@example([1, 1, 1, 3], [0, 2, 2])  # U1 == U2 with lopsided ties: benchstat says 1
def test_exact_p_value_with_ties_matches_enumeration(a: list[int], b: list[int]) -> None:
    # The oracle is benchstat's (go-moremath MannWhitneyUTest, LocationDiffers):
    # 1 when U1 == U2, else twice the first sample's P(U <= min(U1, U2)),
    # capped at 1 here (Go would report e.g. 1.333).
    pooled = a + b
    if len(set(pooled)) == 1:
        with pytest.raises(AllSamplesEqualError):
            mann_whitney_u(a, b)
        return
    observed = sum(2 * (x > y) + (x == y) for x in a for y in b)
    mirrored = 2 * len(a) * len(b) - observed
    if observed == mirrored:
        # Go returns 1 at the centre without consulting the distribution,
        # even when ties make the doubled lower tail smaller than 1.
        expected = 1.0
    else:
        twice_us = _brute_force_twice_u(pooled, len(a))
        smaller = min(observed, mirrored)
        expected = min(1.0, 2 * sum(u <= smaller for u in twice_us) / len(twice_us))
    assert mann_whitney_u(a, b) == pytest.approx(expected, abs=1e-12)


def test_u_test_at_lopsided_centre_is_one_like_benchstat() -> None:
    # a = [1, 1, 1, 3], b = [0, 2, 2]: U1 = U2 = 6. The ties (1, 3, 2, 1) are
    # not palindromic, so the U distribution is not symmetric about 6 and the
    # doubled lower tail is 2 * 16/35 = 32/35 = 0.914. benchstat (go-moremath
    # stats/utest.go) returns p = 1 whenever U1 == U2, so the port does too.
    a, b = [1.0, 1.0, 1.0, 3.0], [0.0, 2.0, 2.0]
    twice_us = _brute_force_twice_u(a + b, len(a))
    assert Fraction(2 * sum(u <= 12 for u in twice_us), len(twice_us)) == Fraction(32, 35)
    assert mann_whitney_u(a, b) == 1.0
    assert mann_whitney_u(b, a) == 1.0


@pytest.mark.parametrize(
    ("x1", "x2", "p"),
    [
        # go-moremath stats/utest_test.go, LocationDiffers column.
        ([2, 1, 3, 5], [12, 11, 13, 15], 0.028571428571428577),
        ([12, 11, 13, 15], [2, 1, 3, 5], 0.028571428571428577),
        ([2, 1, 3, 5], [0, 4, 6, 7], 0.485714285714285770),
        ([2, 1, 3, 5], [2, 1, 3, 5], 1.0),
        ([2, 1, 3, 5], [2, 2, 2, 2], 0.7142857142857143),
        # Go evaluates the first sample's CDF at min(U1, U2) = U2 = 2.5, where
        # that (tied) distribution has no mass: p = 0, as benchstat reports.
        ([2, 1, 3, 5], [1, 1, 1, 1, 1], 0.0),
    ],
)
def test_u_test_matches_go_moremath_reference_values(
    x1: list[float], x2: list[float], p: float
) -> None:
    assert mann_whitney_u(x1, x2) == pytest.approx(p, rel=1e-12, abs=1e-15)


def test_u_test_of_example_gob_row_with_ties() -> None:
    # benchstat documents p=0.446; the normal approximation would give 0.449.
    assert mann_whitney_u(OLD_GOB, NEW_GOB) == pytest.approx(0.446, abs=0.0005)
    # scipy's "exact" ignores ties and is visibly off here.
    assert abs(mannwhitneyu(OLD_GOB, NEW_GOB, method="exact").pvalue - 0.446) > 0.02


def test_u_test_of_example_json_row_is_complete_separation() -> None:
    p = mann_whitney_u(OLD_JSON, NEW_JSON)
    assert p == pytest.approx(2 / math.comb(20, 10), rel=1e-12)
    assert f"{p:.3f}" == "0.000"


def test_u_test_is_symmetric_in_its_arguments() -> None:
    assert mann_whitney_u(NEW_GOB, OLD_GOB) == mann_whitney_u(OLD_GOB, NEW_GOB)


@pytest.mark.parametrize("seed", range(8))
def test_u_test_agrees_with_scipy_without_ties(seed: int) -> None:
    rng = random.Random(seed)
    a = [rng.random() for _ in range(rng.randint(1, 50))]
    b = [rng.random() for _ in range(rng.randint(1, 50))]
    assert mann_whitney_u(a, b) == pytest.approx(
        mannwhitneyu(a, b, method="exact").pvalue, rel=1e-9, abs=1e-15
    )


def test_u_test_of_large_tied_samples_uses_normal_approximation() -> None:
    rng = random.Random(7)
    a = [rng.randint(0, 9) for _ in range(40)]
    b = [rng.randint(1, 10) for _ in range(30)]
    expected = mannwhitneyu(a, b, method="asymptotic", use_continuity=True).pvalue
    assert mann_whitney_u(a, b) == pytest.approx(expected, rel=1e-9)


def test_u_test_keeps_tiny_p_values_nonzero() -> None:
    assert 0 < mann_whitney_u([1.0] * 60, [2.0] * 60) < 1e-20


def test_u_test_at_the_centre_of_the_distribution_is_one() -> None:
    assert mann_whitney_u([1.0, 4.0], [2.0, 3.0]) == 1.0


def test_u_test_caps_lopsided_tied_tail_at_one() -> None:
    # Splits of [0, 0, 1]: 2U is 1, 1 or 4, so twice P(2U <= 1) would be 4/3.
    assert mann_whitney_u([0.0], [0.0, 1.0]) == 1.0


def test_u_test_rejects_degenerate_samples() -> None:
    with pytest.raises(AllSamplesEqualError, match="all samples are equal"):
        mann_whitney_u([3.0, 3.0], [3.0])
    with pytest.raises(ValueError):
        mann_whitney_u([], [1.0])


def test_exact_u_distribution_validates_ties() -> None:
    with pytest.raises(ValueError):
        exact_u_distribution(2, 2, [1, 1])


def test_min_samples_to_detect() -> None:
    assert str(min_samples_to_detect(0.05)) == ">= 4"  # 2/C(8,4) = 0.029
    assert str(min_samples_to_detect(0.01)) == ">= 5"  # 2/C(10,5) = 0.0079
    assert str(min_samples_to_detect(0.0)) == "> 50"


# --- comparison ------------------------------------------------------------------


def test_compare_significant_change_reports_delta() -> None:
    result = compare(OLD_JSON, NEW_JSON)
    assert result.significant
    assert result.delta_percent == pytest.approx((1422.5 / 1718 - 1) * 100)
    assert (result.n_old, result.n_new, result.warnings) == (10, 10, ())


def test_compare_insignificant_change_has_no_delta() -> None:
    result = compare(OLD_GOB, NEW_GOB)
    assert not result.significant
    assert result.delta_percent is None
    assert result.warnings == ()


def test_compare_warns_when_samples_cannot_reach_alpha() -> None:
    result = compare([100.0], [101.0])
    assert result.p_value == 1.0
    assert result.warnings == ("need >= 4 samples to detect a difference at alpha level 0.05",)


def test_compare_of_equal_samples_warns() -> None:
    result = compare([100.0] * 6, [100.0] * 6)
    assert (result.p_value, result.delta_percent) == (1.0, None)
    assert result.warnings == ("all samples are equal",)


def test_compare_uses_alpha_inclusively() -> None:
    p = mann_whitney_u([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0])
    assert compare([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], alpha=p).significant


# --- geomean ---------------------------------------------------------------------


def test_geomean_values() -> None:
    assert geomean([2.0, 8.0]) == pytest.approx(4.0)
    assert geomean([1718.0, 3065.5]) == pytest.approx(2294.9, abs=0.05)
    assert geomean([5.0]) == pytest.approx(5.0)


@pytest.mark.parametrize("values", [[], [1.0, 0.0], [2.0, -1.0]])
def test_geomean_rejects_non_positive_or_empty(values: list[float]) -> None:
    with pytest.raises(ValueError):
        geomean(values)


def test_go_float_formats_like_go() -> None:
    assert [go_float(v) for v in (0.95, 0.05, 1.0, 1e-05)] == ["0.95", "0.05", "1", "1e-05"]
