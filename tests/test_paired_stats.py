"""Tests for benchstat.paired: per-block and per-process ratios of the paired design.

The expected values are derived by hand in the comments. Two facts are used
throughout:

* The Wilcoxon signed-rank statistic W+ (the sum of the ranks of |log r| whose
  log r is positive) is, under H0, the sum of a uniformly random subset of
  {1..n}: P(W+ = w) = (number of subsets of {1..n} summing to w) / 2^n. For
  n = 10 the cumulative counts of subsets with sum <= w are, for w = 0..10:
  1, 2, 3, 5, 7, 10, 14, 19, 25, 33, 43. The exact two-sided p is
  2 * min(P(W+ <= w), P(W+ >= w)), capped at 1.
* The 95% interval leaves out the d lowest and d highest of the M = n(n+1)/2
  Walsh averages (x_i + x_j)/2, i <= j, of x = log r, d the largest count with
  P(W+ <= d - 1) <= 0.025. For n = 10, 0.025 * 1024 = 25.6: P(W+ <= 8) = 25/1024
  fits, P(W+ <= 9) = 33/1024 does not, so d = 9 and the interval is the Walsh
  averages of ranks 9 and 47 of 55.
* TEN_BELOW has x = -0.01 k, k = 1..10, so its Walsh averages are -0.005 (i + j)
  and ranking them is counting pairs i <= j by their sum s = i + j: s = 2..11 has
  1, 1, 2, 2, 3, 3, 4, 4, 5, 5 pairs and s = 12..20 mirrors s = 10..2. The nine
  averages nearest 0 have s <= 6 (1+1+2+2+3 = 9 pairs), so rank 47 is s = 6, x =
  -0.03; the nine farthest have s >= 16, so rank 9 is s = 16, x = -0.08. The 28th
  of 55 (the median) sits at the centre of the symmetric count, s = 11, x = -0.055.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchstat.paired import (
    RatioSummary,
    signed_rank_depth,
    adjacent_block_ratios,
    format_ratio_cell,
    half_width_pct,
    process_ratio,
    runs_agreement,
    summarize_ratios,
)

TEN_BELOW = [math.exp(-0.01 * k) for k in range(1, 11)]  # 0.990 .. 0.905


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
    assert signed_rank_depth(10, 0.95) == 9  # derived in the module docstring
    s = summarize_ratios(TEN_BELOW)
    # Estimate, bounds: Walsh averages of x = -0.055 (median), -0.08 (rank 9) and
    # -0.03 (rank 47), derived in the module docstring.
    assert s.center == pytest.approx(math.exp(-0.055), rel=1e-12)
    assert s.lo == pytest.approx(math.exp(-0.08), rel=1e-12)
    assert s.hi == pytest.approx(math.exp(-0.03), rel=1e-12)
    # Every log ratio is negative: W+ = 0, P(W+ <= 0) = 1/1024 (the empty subset),
    # two-sided p = 2/1024.
    assert s.p_value == 2 / 2**10 == 0.001953125
    assert s.n == 10
    assert s.significant  # p < 0.05 and hi < 1
    # Half-width: the larger side, the upper: (e^-0.03 - e^-0.055) / e^-0.055 =
    # e^0.025 - 1 = 2.53%, against 1 - e^-0.025 = 2.47% below.
    assert half_width_pct(s) == pytest.approx(100 * (math.exp(0.025) - 1))
    # Cell: 0.946 to three digits, bounds at the same 3 decimals, change -5.4%.
    assert format_ratio_cell(s) == "0.946 [0.923, 0.970] -5.4% (p=0.002 n=10)"


def test_ten_ratios_above_one_mirror_the_ones_below() -> None:
    # 1/r flips every log's sign: W- = 0 instead of W+ = 0, the same p, and the
    # Walsh averages (and so the bounds) are negated.
    s = summarize_ratios([1 / r for r in TEN_BELOW])
    assert s.p_value == 0.001953125
    assert s.significant
    assert s.lo == pytest.approx(math.exp(0.03)) and s.hi == pytest.approx(math.exp(0.08))
    assert format_ratio_cell(s).startswith("1.06 [1.03, 1.08] +5.7% ")


# --- summarize_ratios: the interval and the test agree --------------------------


def test_symmetric_set_around_one_gives_p_one_and_tilde() -> None:
    # |log r| ranks 1..10; positive on ranks {1, 2, 3, 4, 7, 10}: W+ = 27, W- = 28.
    # The null distribution of W+ is symmetric about n(n+1)/4 = 27.5, so
    # P(W+ <= 27) = 1/2 and the two-sided p is 2 * 1/2 = 1. W+ = 27 of the 55
    # Walsh averages are positive, more than d - 1 = 8, and 28 negative: the
    # interval holds 1 on both sides.
    signed = [1, 2, 3, 4, -5, -6, 7, -8, -9, 10]
    s = summarize_ratios(_ratios_from_signed_ranks(signed))
    assert s.p_value == 1.0 == _exact_wilcoxon_p(10, 27)
    assert s.lo < 1 < s.hi
    assert not s.significant
    assert " ~ (p=1.000 n=10)" in format_ratio_cell(s)


def test_nine_below_and_the_farthest_above_is_not_significant_either_way() -> None:
    # Nine below 1 (ranks 1..9), one above, farthest from 1 (rank 10): W+ = 10.
    # 43 subsets sum to <= 10: p = 2 * 43 / 1024 = 0.084 > 0.05. The sign test's
    # interval (benchstat's, ranks 2 and 9 of the ratios) would lie below 1 and
    # contradict it; here 10 Walsh averages are positive, more than d - 1 = 8,
    # so the interval reaches above 1.
    s = summarize_ratios(_ratios_from_signed_ranks([-1, -2, -3, -4, -5, -6, -7, -8, -9, 10]))
    assert s.p_value == 86 / 1024 == _exact_wilcoxon_p(10, 10)
    assert s.lo < 1 < s.hi
    assert not s.significant
    assert " ~ (p=0.084 n=10)" in format_ratio_cell(s)


def test_eight_below_and_two_nearest_above_is_significant_either_way() -> None:
    # Eight below 1, two above, closest to 1 (ranks 1 and 2): W+ = 3.
    # 5 subsets sum to <= 3 ({}, {1}, {2}, {3}, {1,2}): p = 10/1024 < 0.05. The
    # sign test's interval would hold 1; here only the 3 Walsh averages of
    # (1,1), (1,2), (2,2) are positive, at most d - 1 = 8, so hi < 1.
    s = summarize_ratios(_ratios_from_signed_ranks([1, 2, -3, -4, -5, -6, -7, -8, -9, -10]))
    assert s.p_value == 10 / 1024 == _exact_wilcoxon_p(10, 3)
    assert s.lo < s.hi < 1
    assert s.significant
    assert " -" in format_ratio_cell(s) and "(p=0.010 n=10)" in format_ratio_cell(s)


def _signed_rank_samples() -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, 60), min_size=6, max_size=30, unique=True).flatmap(
        lambda magnitudes: st.lists(st.sampled_from([-1, 1]), min_size=len(magnitudes),
                                    max_size=len(magnitudes)).map(
            lambda signs: [sign * m for sign, m in zip(signs, magnitudes)]))


@settings(max_examples=300, deadline=None)
@given(_signed_rank_samples())
def test_the_interval_excludes_one_exactly_when_the_exact_test_rejects(signed: list[int]) -> None:
    # Without ties or zeros the number of positive Walsh averages is W+, so the
    # interval lies below 1 iff W+ <= d - 1 iff the exact two-sided p < 0.05
    # (mirrored above 1); scipy's p is exact here (n <= 50).
    s = summarize_ratios(_ratios_from_signed_ranks(signed))
    assert (s.hi < 1 or s.lo > 1) == (s.p_value < 0.05) == s.significant


@pytest.mark.parametrize(("n", "depth", "critical"), [(6, 1, 0), (8, 4, 3), (10, 9, 8), (15, 26, 25), (20, 53, 52),
                                                      (25, 90, 89), (30, 138, 137)])
def test_signed_rank_depth_matches_the_classical_critical_values(n: int, depth: int, critical: int) -> None:
    # Two-sided 0.05 critical values of the signed-rank statistic (Wilcoxon's
    # table, as printed in Hollander & Wolfe): reject when W <= critical.
    assert signed_rank_depth(n, 0.95) == depth == critical + 1
    counts = _subset_sum_counts(n)
    assert sum(counts[:depth]) / 2**n <= 0.025 < sum(counts[: depth + 1]) / 2**n


# --- summarize_ratios: small n, exact ones, ties --------------------------------


def test_five_processes_give_an_unbounded_interval() -> None:
    # P(W+ = 0) = 1/32 > 0.025: d = 0, no finite bound, so both are reported
    # unbounded. All five below 1: p = 2/2^5 = 0.0625, never below 0.05 at n = 5.
    assert signed_rank_depth(5, 0.95) == 0
    s = summarize_ratios(TEN_BELOW[:5])
    assert s.center == pytest.approx(math.exp(-0.03))  # Walsh averages -0.005 s, s = 2..10: median s = 6
    assert (s.lo, s.hi) == (-math.inf, math.inf)
    assert s.p_value == 0.0625
    assert not s.significant
    assert half_width_pct(s) == math.inf
    assert format_ratio_cell(s) == "0.970 ± ∞ ~ (p=0.062 n=5)"


def test_six_processes_all_below_one_are_the_smallest_significant_case() -> None:
    # P(W+ = 0) = 1/64 <= 0.025 < P(W+ <= 1) = 2/64: d = 1, the interval is the
    # smallest and largest Walsh average, x_(1) and x_(6) themselves.
    # W+ = 0: p = 2/2^6 = 0.03125 < 0.05.
    ratios = [0.90, 0.91, 0.92, 0.93, 0.94, 0.95]
    s = summarize_ratios(ratios)
    assert (s.lo, s.hi) == pytest.approx((0.90, 0.95), rel=1e-12)
    assert s.p_value == 0.03125
    assert s.significant


def test_all_ratios_exactly_one_do_not_crash() -> None:
    # Every log is 0: scipy would drop all ten differences; the p is taken as 1.
    s = summarize_ratios([1.0] * 10)
    assert (s.center, s.lo, s.hi, s.p_value, s.n) == (1.0, 1.0, 1.0, 1.0, 10)
    assert not s.significant
    assert format_ratio_cell(s) == "1.00 [1.00, 1.00] ~ (p=1.000 n=10)"


def test_a_ratio_of_exactly_one_is_dropped_from_the_test_not_from_the_interval() -> None:
    # One zero log (dropped by the test, as Wilcoxon did) and nine negative:
    # W+ = 0 over n = 9, p = 2/2^9 = 0.00390625 (scipy enumerates the sign flips
    # here). The interval keeps all ten: its 9th-largest Walsh average pairs the
    # zero with -0.01 (-0.005), below 0.
    s = summarize_ratios([1.0] + TEN_BELOW[:9])
    assert s.p_value == pytest.approx(2 / 2**9)
    assert s.hi < 1
    assert s.significant


def test_tied_ratios_use_the_conditional_exact_p() -> None:
    # All ten logs equal and positive: every sign flip other than the identity
    # gives a smaller W+, so P(W+ >= observed) = 1/1024 and p = 2/1024.
    s = summarize_ratios([1.1] * 10)
    assert s.p_value == pytest.approx(2 / 2**10)
    assert (s.lo, s.hi) == pytest.approx((1.1, 1.1), rel=1e-12)
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
    # Multiplying by c > 0 adds log c to every log ratio and so to every Walsh
    # average: the estimate and both bounds are c times those of r, up to rounding.
    scaled = [c * r for r in ratios]
    assume(1.0 not in scaled and len(set(scaled)) == len(scaled))
    s = summarize_ratios(ratios)
    t = summarize_ratios(scaled)
    assert t.n == s.n
    assert t.center == pytest.approx(c * s.center, rel=1e-12)
    assert (t.lo, t.hi) == pytest.approx((c * s.lo, c * s.hi), rel=1e-12)
    if math.isfinite(s.lo):
        assert half_width_pct(t) == pytest.approx(half_width_pct(s), rel=1e-9, abs=1e-9)


def test_scaling_ratios_does_change_p() -> None:
    # The test is of log r against 0, i.e. of where the ratios lie relative
    # to 1; scaling by c moves them across 1. Dividing TEN_BELOW by its estimate
    # e^-0.055 puts five below 1 and five above: p goes from 0.002 to 1.
    s = summarize_ratios(TEN_BELOW)
    t = summarize_ratios([r / math.exp(-0.055) for r in TEN_BELOW])
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


# ---------------------------------------------------------------------------
# Across runs
# ---------------------------------------------------------------------------


def test_runs_agreement_of_identical_runs_and_of_clearly_shifted_ones() -> None:
    same = runs_agreement([TEN_BELOW, TEN_BELOW, TEN_BELOW])
    assert (same.inside, same.checks, same.p_value) == (6, 6, 1.0)
    shifted = runs_agreement([TEN_BELOW, [r * 1.2 for r in TEN_BELOW]])
    assert (shifted.inside, shifted.checks) == (0, 2)
    # Kruskal-Wallis of two separated groups of ten: H = 14.29, p = 1.57e-4 (chi-square, 1 df).
    assert shifted.p_value == pytest.approx(1.5705e-4, rel=1e-3)


def test_an_unbounded_interval_checks_nothing() -> None:
    # Five processes give no finite 95% interval: it would hold any estimate, so it is no check.
    few = runs_agreement([[0.90, 0.95, 1.00, 0.97, 0.93], [2.0, 2.1, 2.2, 2.05, 2.15]])
    assert (few.inside, few.checks) == (0, 0)
    mixed = runs_agreement([TEN_BELOW, [2.0, 2.1, 2.2, 2.05, 2.15]])
    assert (mixed.inside, mixed.checks) == (0, 1)  # only the ten-process run's interval checks


def test_runs_agreement_refuses_one_run_or_bad_ratios() -> None:
    with pytest.raises(ValueError, match="at least two runs"):
        runs_agreement([TEN_BELOW])
    with pytest.raises(ValueError, match="positive and finite"):
        runs_agreement([TEN_BELOW, [0.9, 0.0, 1.1]])


def test_runs_that_measure_the_same_ratio_agree_as_often_as_chance_says() -> None:
    """The literal check lands near 83% and the test near 5% when nothing differs between runs."""
    import random

    rng = random.Random(5)
    inside = checks = rejected = 0
    trials = 150
    for _ in range(trials):
        runs = [[math.exp(rng.gauss(-0.1, 0.02)) for _ in range(20)] for _ in range(2)]
        agreement = runs_agreement(runs)
        inside += agreement.inside
        checks += agreement.checks
        rejected += agreement.p_value < 0.05
    assert 0.77 <= inside / checks <= 0.90
    assert rejected / trials <= 0.11  # 5% expected; 150 trials put 3 sd at about 5.3%
