"""Tests for benchstat.paired: per-block and per-process ratios of the paired design.

The expected values are derived by hand in the comments. Two facts are used
throughout:

* benchstat's 95% median CI for n = 10 is the order statistics x_(2), x_(9).
  The count K of ratios below the true median is Binomial(10, 1/2); in counts
  out of 1024: K=5: 252, K=4,6: 210, K=3,7: 120, K=2,8: 45, K=1,9: 10. Growing
  from the mode (left first on equal weights): 252, +210 (K=4), +210 (K=6),
  +120 (K=3), +120 (K=7) = 912 (89.1%), +45 (K=2) = 957 (93.5%), +45 (K=8) =
  1002 (97.9%) >= 95%. So K in 2..8, i.e. the interval [x_(2), x_(9)].
* The Wilcoxon signed-rank statistic W+ (the sum of the ranks of |log r| whose
  log r is positive) is, under H0, the sum of a uniformly random subset of
  {1..n}: P(W+ = w) = (number of subsets of {1..n} summing to w) / 2^n. For
  n = 10 the cumulative counts of subsets with sum <= w are, for w = 0..10:
  1, 2, 3, 5, 7, 10, 14, 19, 25, 33, 43. The exact two-sided p is
  2 * min(P(W+ <= w), P(W+ >= w)), capped at 1.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchstat.paired import (
    RatioSummary,
    adjacent_block_ratios,
    format_ratio_cell,
    half_width_pct,
    process_ratio,
    summarize_ratios,
)
from benchstat.stats import median_ci_orders

TEN_BELOW = [0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99]


def _ratios_from_signed_ranks(signed_ranks: list[int], step: float = 0.01) -> list[float]:
    """Ratios whose |log| has rank |k| and whose log has the sign of k: exp(k * step)."""
    return [math.exp(k * step) for k in signed_ranks]


def _subset_sum_counts(n: int) -> list[int]:
    """counts[w] = number of subsets of {1..n} with sum w (an independent Wilcoxon null)."""
    counts = [1] + [0] * (n * (n + 1) // 2)
    for rank in range(1, n + 1):
        for w in range(len(counts) - 1, rank - 1, -1):
            counts[w] += counts[w - rank]
    return counts


def _exact_wilcoxon_p(n: int, w_plus: int) -> float:
    counts = _subset_sum_counts(n)
    below = sum(counts[: w_plus + 1])
    above = sum(counts[w_plus:])
    return min(1.0, 2 * min(below, above) / 2**n)


# --- process_ratio -------------------------------------------------------------


def test_process_ratio_is_the_median_of_block_ratios() -> None:
    # Odd count: the middle value; the outlier block (1.3) moves it by one rank only.
    assert process_ratio([0.9, 1.3, 0.95]) == 0.95
    # Even count: the mean of the two middle values 0.95 and 0.98.
    assert process_ratio([0.9, 1.0, 0.95, 0.98]) == pytest.approx(0.965)
    assert process_ratio([1.25]) == 1.25


@pytest.mark.parametrize(
    "bad", [[], [0.0], [1.0, -0.5], [1.0, math.nan], [math.inf], [1.0, -math.inf]]
)
def test_process_ratio_rejects_empty_and_non_positive_or_non_finite(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        process_ratio(bad)


# --- adjacent_block_ratios -----------------------------------------------------


def test_adjacent_block_ratios_pairs_blocks_of_the_same_round() -> None:
    # Round k's blocks are divided by the base's block k:
    # btree: 1/2, 3/4, 5/5; map: 4/2, 2/4, 10/5.
    times = {
        "btree": [1.0, 3.0, 5.0],
        "base": [2.0, 4.0, 5.0],
        "map": [4.0, 2.0, 10.0],
    }
    ratios = adjacent_block_ratios(times, "base")
    assert ratios == {"btree": [0.5, 0.75, 1.0], "map": [2.0, 0.5, 2.0]}
    assert list(ratios) == ["btree", "map"]  # the input's order, without the base
    # A per-process estimate from them: median of [2.0, 0.5, 2.0] is 2.0.
    assert process_ratio(ratios["map"]) == 2.0


def test_adjacent_block_ratios_of_the_base_alone_is_empty() -> None:
    assert adjacent_block_ratios({"base": [1.0, 2.0]}, "base") == {}


@pytest.mark.parametrize(
    ("times", "base"),
    [
        ({"base": [1.0, 2.0], "map": [1.0]}, "base"),  # lengths differ
        ({"base": [1.0], "map": [1.0, 2.0]}, "base"),  # lengths differ
        ({"map": [1.0]}, "base"),  # no base
        ({"base": [], "map": []}, "base"),  # no blocks
        ({"base": [1.0, 0.0], "map": [1.0, 1.0]}, "base"),  # zero base time
        ({"base": [1.0, 1.0], "map": [1.0, math.nan]}, "base"),  # NaN time
    ],
)
def test_adjacent_block_ratios_rejects_unpaired_or_bad_times(
    times: dict[str, list[float]], base: str
) -> None:
    with pytest.raises(ValueError):
        adjacent_block_ratios(times, base)


# --- summarize_ratios: ten ratios below 1 --------------------------------------


def test_ten_ratios_below_one_by_hand() -> None:
    assert median_ci_orders(10, 0.95) == (2, 9)  # derived in the module docstring
    s = summarize_ratios(TEN_BELOW)
    # Median: the mean of the 5th and 6th values, (0.94 + 0.95) / 2.
    assert s.center == pytest.approx(0.945)
    # CI: x_(2) = 0.91 and x_(9) = 0.98, exactly those sample values.
    assert (s.lo, s.hi) == (0.91, 0.98)
    # Every log ratio is negative: W+ = 0, P(W+ <= 0) = 1/1024 (the empty subset),
    # two-sided p = 2/1024.
    assert s.p_value == 2 / 2**10 == 0.001953125
    assert s.n == 10
    assert s.significant  # p < 0.05 and hi = 0.98 < 1
    # Half-width: max(0.945 - 0.91, 0.98 - 0.945) / 0.945 = 0.035 / 0.945 = 3.7037%.
    assert half_width_pct(s) == pytest.approx(100 * 0.035 / 0.945)
    # Cell: 0.945 to three digits, bounds at the same 3 decimals, change
    # (0.945 - 1) = -5.5%, p = 0.00195 -> 0.002.
    assert format_ratio_cell(s) == "0.945 [0.910, 0.980] -5.5% (p=0.002 n=10)"


def test_ten_ratios_above_one_mirror_the_ones_below() -> None:
    # 1/r flips every log's sign: W- = 0 instead of W+ = 0, the same p.
    s = summarize_ratios([1 / r for r in TEN_BELOW])
    assert s.p_value == 0.001953125
    assert s.significant
    assert s.lo == 1 / 0.98 and s.hi == 1 / 0.91  # x_(2), x_(9) of the reciprocals
    assert format_ratio_cell(s).startswith("1.06 [1.02, 1.10] +5.8% ")


# --- summarize_ratios: symmetric and disagreeing sets ---------------------------


def test_symmetric_set_around_one_gives_p_one_and_tilde() -> None:
    # |log r| ranks 1..10; positive on ranks {1, 2, 3, 4, 7, 10}: W+ = 27, W- = 28.
    # The null distribution of W+ is symmetric about n(n+1)/4 = 27.5, so
    # P(W+ <= 27) = 1/2 and the two-sided p is 2 * 1/2 = 1.
    signed = [1, 2, 3, 4, -5, -6, 7, -8, -9, 10]
    s = summarize_ratios(_ratios_from_signed_ranks(signed))
    assert s.p_value == 1.0 == _exact_wilcoxon_p(10, 27)
    # Sorted logs (x 0.01): -9 -8 -6 -5 1 2 3 4 7 10: x_(2) = e^-0.08 < 1 < x_(9) = e^0.07.
    assert s.lo == math.exp(-0.08) and s.hi == math.exp(0.07)
    # Median: mean of e^0.01 and e^0.02.
    assert s.center == pytest.approx((math.exp(0.01) + math.exp(0.02)) / 2)
    assert not s.significant
    assert format_ratio_cell(s) == "1.02 [0.92, 1.07] ~ (p=1.000 n=10)"


def test_interval_below_one_but_wilcoxon_not_significant() -> None:
    # Nine below 1 (ranks 1..9), one above, farthest from 1 (rank 10): W+ = 10.
    # 43 subsets sum to <= 10: p = 2 * 43 / 1024 = 0.083984375 > 0.05.
    # The interval's x_(9) is the largest of the nine below 1: e^-0.01 < 1.
    s = summarize_ratios(_ratios_from_signed_ranks([-1, -2, -3, -4, -5, -6, -7, -8, -9, 10]))
    assert s.p_value == 86 / 1024 == _exact_wilcoxon_p(10, 10)
    assert s.hi == math.exp(-0.01) < 1
    assert not s.significant  # the test disagrees: '~'
    assert " ~ (p=0.084 n=10)" in format_ratio_cell(s)


def test_wilcoxon_significant_but_interval_contains_one() -> None:
    # Eight below 1, two above, closest to 1 (ranks 1 and 2): W+ = 3.
    # 5 subsets sum to <= 3 ({}, {1}, {2}, {3}, {1,2}): p = 10/1024 < 0.05.
    # But x_(9) is the smaller of the two above 1: e^0.01 > 1, the interval holds 1.
    s = summarize_ratios(_ratios_from_signed_ranks([1, 2, -3, -4, -5, -6, -7, -8, -9, -10]))
    assert s.p_value == 10 / 1024 == _exact_wilcoxon_p(10, 3)
    assert s.lo < 1 < s.hi == math.exp(0.01)
    assert not s.significant
    assert " ~ (p=0.010 n=10)" in format_ratio_cell(s)


# --- summarize_ratios: small n, exact ones, ties --------------------------------


def test_five_processes_give_an_unbounded_interval() -> None:
    # median_ci_orders(5) = (0, 5): no finite lower bound, so both are reported
    # unbounded. All five below 1: p = 2/2^5 = 0.0625, never below 0.05 at n = 5.
    assert median_ci_orders(5, 0.95) == (0, 5)
    s = summarize_ratios([0.90, 0.91, 0.92, 0.93, 0.94])
    assert s.center == 0.92
    assert (s.lo, s.hi) == (-math.inf, math.inf)
    assert s.p_value == 0.0625
    assert not s.significant
    assert half_width_pct(s) == math.inf
    assert format_ratio_cell(s) == "0.920 ± ∞ ~ (p=0.062 n=5)"


def test_six_processes_all_below_one_are_the_smallest_significant_case() -> None:
    # median_ci_orders(6) = (1, 6): [min, max] = [0.90, 0.95], below 1.
    # W+ = 0: p = 2/2^6 = 0.03125 < 0.05.
    assert median_ci_orders(6, 0.95) == (1, 6)
    s = summarize_ratios([0.90, 0.91, 0.92, 0.93, 0.94, 0.95])
    assert (s.lo, s.hi) == (0.90, 0.95)
    assert s.p_value == 0.03125
    assert s.significant


def test_all_ratios_exactly_one_do_not_crash() -> None:
    # Every log is 0: scipy would drop all ten differences; the p is taken as 1.
    s = summarize_ratios([1.0] * 10)
    assert (s.center, s.lo, s.hi, s.p_value, s.n) == (1.0, 1.0, 1.0, 1.0, 10)
    assert not s.significant
    assert format_ratio_cell(s) == "1.00 [1.00, 1.00] ~ (p=1.000 n=10)"


def test_a_ratio_of_exactly_one_is_dropped_from_the_test() -> None:
    # One zero log (dropped, as Wilcoxon did) and nine negative: W+ = 0 over
    # n = 9, p = 2/2^9 = 0.00390625 (scipy enumerates the sign flips here).
    s = summarize_ratios([1.0] + TEN_BELOW[:9])
    assert s.p_value == pytest.approx(2 / 2**9)
    # Sorted: 0.90 .. 0.98, 1.0: x_(9) = 0.98 < 1, x_(2) = 0.91.
    assert (s.lo, s.hi) == (0.91, 0.98)
    assert s.significant


def test_tied_ratios_use_the_conditional_exact_p() -> None:
    # All ten logs equal and positive: every sign flip other than the identity
    # gives a smaller W+, so P(W+ >= observed) = 1/1024 and p = 2/1024.
    s = summarize_ratios([1.1] * 10)
    assert s.p_value == pytest.approx(2 / 2**10)
    assert (s.lo, s.hi) == (1.1, 1.1)
    assert s.significant


@pytest.mark.parametrize(
    ("ratios", "kwargs"),
    [
        ([], {}),
        ([1.0, 0.0], {}),
        ([1.0, -1.0], {}),
        ([1.0, math.nan], {}),
        ([1.0, math.inf], {}),
        ([1.0, 1.1], {"confidence": 1.5}),
        ([1.0, 1.1], {"confidence": 0.0}),
        ([1.0, 1.1], {"alpha": 0.0}),
        ([1.0, 1.1], {"alpha": 1.0}),
    ],
)
def test_summarize_ratios_rejects_bad_input(ratios: list[float], kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        summarize_ratios(ratios, **kwargs)


# --- half_width_pct and the cell format ------------------------------------------


def test_half_width_takes_the_larger_side() -> None:
    # center 0.8: below 0.02, above 0.04 -> 0.04 / 0.8 = 5%.
    s = RatioSummary(0.8, 0.78, 0.84, 0.002, 10, True)
    assert half_width_pct(s) == pytest.approx(5.0)
    assert half_width_pct(RatioSummary(0.8, -math.inf, math.inf, 0.06, 5, False)) == math.inf


@pytest.mark.parametrize(
    ("center", "text"),
    [
        (0.9118, "0.912"),
        (1.0149, "1.01"),
        (12.345, "12.3"),
        (0.012345, "0.0123"),
        (123.4, "123"),
        (1234.4, "1234"),  # no decimals left: the integer part, not 1.23e3
        (0.99996, "1.00"),  # rounding carries into a new digit: 1.000 -> 1.00
        (9.9996, "10.0"),
    ],
)
def test_cell_shows_three_significant_digits(center: float, text: str) -> None:
    cell = format_ratio_cell(RatioSummary(center, center, center, 0.5, 10, False))
    assert cell == f"{text} [{text}, {text}] ~ (p=0.500 n=10)"


def test_cell_examples_of_the_spec() -> None:
    assert (
        format_ratio_cell(RatioSummary(0.9118, 0.897, 0.925, 0.00195, 10, True))
        == "0.912 [0.897, 0.925] -8.8% (p=0.002 n=10)"
    )
    # Bounds take the centre's two decimals: 0.98, not 0.980.
    assert (
        format_ratio_cell(RatioSummary(1.01, 0.98, 1.04, 0.43, 10, False))
        == "1.01 [0.98, 1.04] ~ (p=0.430 n=10)"
    )
    assert (
        format_ratio_cell(RatioSummary(1.031, 1.012, 1.05, 0.004, 12, True))
        == "1.03 [1.01, 1.05] +3.1% (p=0.004 n=12)"
    )


# --- properties --------------------------------------------------------------------

# Distinct values other than 1: with ties or zero logs scipy enumerates all 2^n
# sign flips (up to 2 s a call at n = 13), which this property does not need;
# ties and exact ones are tested above.
_RATIOS = st.lists(
    st.floats(min_value=0.5, max_value=2.0).filter(lambda r: r != 1.0),
    min_size=1,
    max_size=20,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(_RATIOS, st.floats(min_value=0.25, max_value=4.0))
def test_scaling_ratios_scales_center_and_interval(ratios: list[float], c: float) -> None:
    # Multiplying by c > 0 is monotone in floating point, so the order
    # statistics of c*r are exactly c times those of r; the median interpolates
    # and agrees up to rounding.
    scaled = [c * r for r in ratios]
    assume(1.0 not in scaled and len(set(scaled)) == len(scaled))
    s = summarize_ratios(ratios)
    t = summarize_ratios(scaled)
    assert t.n == s.n
    assert t.center == pytest.approx(c * s.center, rel=1e-12)
    assert (t.lo, t.hi) == (c * s.lo, c * s.hi)
    if math.isfinite(s.lo):
        assert half_width_pct(t) == pytest.approx(half_width_pct(s), rel=1e-9, abs=1e-9)


def test_scaling_ratios_does_change_p() -> None:
    # The test is of log r against 0, i.e. of where the ratios lie relative
    # to 1; scaling by c moves them across 1. Dividing TEN_BELOW by its median
    # puts five below 1 and five above: p goes from 0.002 to 0.85.
    s = summarize_ratios(TEN_BELOW)
    t = summarize_ratios([r / 0.945 for r in TEN_BELOW])
    assert s.p_value == 0.001953125
    assert t.p_value > 0.5
    assert not t.significant


_STEP = st.floats(min_value=0.001, max_value=0.05)


@st.composite
def _signed_ranks(draw: st.DrawFn) -> list[int]:
    magnitudes = draw(st.lists(st.integers(1, 60), min_size=1, max_size=25, unique=True))
    size = len(magnitudes)
    signs = draw(st.lists(st.sampled_from([-1, 1]), min_size=size, max_size=size))
    return [s * m for s, m in zip(signs, magnitudes)]


@settings(max_examples=200, deadline=None)
@given(_signed_ranks(), _STEP, _STEP)
def test_p_depends_only_on_signs_and_ranks_of_log_ratios(
    signed: list[int], h1: float, h2: float
) -> None:
    # r -> r**c (here exp(k*h1) -> exp(k*h2)) and r -> 1/r keep the signs and
    # the ranks of |log r| (the magnitudes are distinct integers, far apart
    # relative to rounding), so the p-value is the same, and it equals the
    # exact p from subset-sum counting.
    p1 = summarize_ratios(_ratios_from_signed_ranks(signed, h1)).p_value
    p2 = summarize_ratios(_ratios_from_signed_ranks(signed, h2)).p_value
    p_reciprocal = summarize_ratios(_ratios_from_signed_ranks([-k for k in signed], h1)).p_value
    assert p1 == pytest.approx(p2, rel=1e-12)
    assert p1 == pytest.approx(p_reciprocal, rel=1e-12)
    order = sorted(abs(k) for k in signed)
    w_plus = sum(order.index(k) + 1 for k in signed if k > 0)
    assert p1 == pytest.approx(_exact_wilcoxon_p(len(signed), w_plus), rel=1e-9)
