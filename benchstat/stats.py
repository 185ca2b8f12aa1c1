"""Benchmark statistics, computed the way Go's ``benchstat`` computes them.

benchstat (golang.org/x/perf/cmd/benchstat) by default makes no assumption
about the distribution of benchmark timings ("assume nothing"):

* a sample is summarised by its median, with a distribution-free confidence
  interval built from order statistics (the binomial distribution of how many
  observations fall below the true median);
* two samples are compared with the two-sided Mann-Whitney U test, using the
  exact null distribution of U (ties included) while the samples are small,
  and the difference is only reported when p <= alpha;
* a column of medians is summarised by its geometric mean.

The floating-point evaluation order follows benchstat wherever it decides a
printed digit (the median interpolation, the incremental log-mean of the
geomean), so tables built from these numbers round the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np
from scipy.special import ndtr

# Largest sample sizes for which the exact U distribution is used, without
# and with ties (benchstat's limits). Above them the normal approximation is
# accurate and the exact distribution is no longer cheap.
MW_EXACT_LIMIT = 50
MW_TIES_EXACT_LIMIT = 25

# Largest sample size for which the median CI sums exact binomial
# probabilities; above it benchstat switches to the normal approximation.
_CI_EXACT_LIMIT = 30

# Largest sample size searched when reporting how many samples are needed.
_MAX_SAMPLES_SEARCHED = 50


def _normal_cdf(x: float, mu: float = 0.0, sigma: float = 1.0) -> float:
    # scipy's ndtr keeps the far tails that 1 + erf(...) (NormalDist.cdf) rounds to 0,
    # which would turn a tiny p-value into an exact 0.
    return float(ndtr((x - mu) / sigma))


class AllSamplesEqualError(ValueError):
    """Raised by :func:`mann_whitney_u` when every value in both samples is equal."""

    def __init__(self) -> None:
        super().__init__("all samples are equal")


@dataclass(frozen=True)
class SampleRequirement:
    """A minimum sample count, as benchstat words it: ``>= 6`` or ``> 50``.

    ``op`` is ``">="`` when ``n`` samples suffice, ``">"`` when even ``n``
    samples (the largest size searched) do not.
    """

    op: str
    n: int

    def __str__(self) -> str:
        return f"{self.op} {self.n}"


@dataclass(frozen=True)
class Summary:
    """The summary of one sample: median and its confidence interval.

    ``lo``/``hi`` are ``-inf``/``inf`` when the sample is too small for the
    requested confidence; ``warnings`` then explains how many samples are needed.
    """

    center: float
    lo: float
    hi: float
    n: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The Mann-Whitney comparison of a sample against its baseline.

    ``delta_percent`` is the change of the median in percent, or ``None`` when
    the difference is not significant (benchstat's ``~``) or cannot be
    expressed as a percentage (a zero baseline median).
    """

    delta_percent: float | None
    p_value: float
    n_old: int
    n_new: int
    alpha: float
    warnings: tuple[str, ...] = ()

    @property
    def significant(self) -> bool:
        """Whether the null hypothesis is rejected (benchstat rejects when p <= alpha)."""
        return self.p_value <= self.alpha


def go_float(value: float) -> str:
    """Format ``value`` like Go's ``%v`` does for the thresholds it prints (0.95, 0.05, 1).

    >>> go_float(0.95), go_float(0.05), go_float(1.0)
    ('0.95', '0.05', '1')

    Cost: O(1).
    """
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


# ---------------------------------------------------------------------------
# Median and its confidence interval
# ---------------------------------------------------------------------------


def _median_of_sorted(xs: Sequence[float]) -> float:
    # Hyndman-Fan definition 8 at q = 0.5, evaluated in benchstat's order:
    # for an even count the interpolation weight is 0.5, i.e. the mean of the
    # two middle values, but computed as lo + 0.5*(hi - lo), whose last bit
    # can differ from (lo + hi) / 2 and so decide a printed digit.
    count = len(xs)
    position = 1 / 3.0 + 0.5 * (count + 1 / 3.0)
    frac, whole = math.modf(position)
    k = int(whole)
    if k <= 0:
        return xs[0]
    if k >= count:
        return xs[-1]
    return xs[k - 1] + frac * (xs[k] - xs[k - 1])


def median(values: Sequence[float]) -> float:
    """Return the sample median (the mean of the two middle values for an even count).

    Cost: O(n log n) for the sort.
    """
    if not values:
        raise ValueError("median of an empty sample")
    return _median_of_sorted(sorted(values))


@lru_cache(maxsize=256)
def median_ci_orders(n: int, confidence: float = 0.95) -> tuple[int, int]:
    """Return the 1-based order statistics ``(lo, hi)`` bounding the median's CI.

    The number of observations below the true median is Binomial(n, 1/2); the
    interval collects the most probable counts until their total probability
    reaches ``confidence`` (ties broken towards the left, as benchstat does).
    ``lo == 0`` means the interval is unbounded below and ``hi == n + 1``
    unbounded above. For n > 30 the binomial is replaced by its normal
    approximation with continuity correction, as benchstat does.

    Cost: O(n) big-integer operations for n <= 30, O(1) above; results are cached.
    """
    if n < 0:
        raise ValueError(f"sample size must be >= 0, got {n}")
    if not 0 <= confidence <= 1:
        raise ValueError(f"confidence must be in [0, 1], got {confidence}")
    if confidence >= 1:
        return 0, n + 1
    if n <= _CI_EXACT_LIMIT:
        lo, hi = _exact_median_ci_orders(n, confidence)
    else:
        lo, hi = _approx_median_ci_orders(n, confidence)
    return max(lo, 0), min(hi, n + 1)


def _exact_median_ci_orders(n: int, confidence: float) -> tuple[int, int]:
    # Work in counts out of 2**n: Binomial(n, 1/2) probabilities are exact
    # dyadic fractions, so the comparisons below are exact (benchstat's
    # float64 arithmetic is exact here as well, so the choices agree).
    total = 2**n

    def weight(k: int) -> int:
        return math.comb(n, k) if 0 <= k <= n else 0

    mode = math.ceil((n + 1) * 0.5) - 1
    lo, hi = mode, mode + 1  # counts in [lo, hi) are included
    accumulated = weight(mode)
    left, right = weight(lo - 1), weight(hi)
    while accumulated / total < confidence and (left > 0 or right > 0):
        if left >= right:
            accumulated += left
            lo -= 1
            left = weight(lo - 1)
        else:
            accumulated += right
            hi += 1
            right = weight(hi)
    return lo, hi


def _approx_median_ci_orders(n: int, confidence: float) -> tuple[int, int]:
    normal = NormalDist(n * 0.5, math.sqrt(n * 0.5 * 0.5))
    lower = normal.inv_cdf((1 - confidence) / 2)
    upper = 2 * normal.mean - lower
    # Count k of the binomial covers [k - 0.5, k + 0.5] of the normal, so
    # round the band outwards to half-integers before converting back.
    lo = math.floor(lower - 0.5) + 1
    hi = math.ceil(upper - 0.5) + 1

    def coverage(a: int, b: int) -> float:
        return _normal_cdf(b - 0.5, normal.mean, normal.stdev) - _normal_cdf(
            a - 0.5, normal.mean, normal.stdev
        )

    # The band is symmetric; a left-biased band one narrower is preferred
    # when it still reaches the requested confidence.
    narrower = coverage(lo, hi - 1)
    if confidence <= narrower < coverage(lo, hi):
        hi -= 1
    return lo, hi


def median_confidence_interval(
    values: Sequence[float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """Return the distribution-free ``(lo, hi)`` confidence interval of the median.

    Returns ``None`` when the sample is too small for both bounds to be sample
    values at this confidence; :func:`min_samples_for_ci` gives how many are
    needed (6 at 0.95).

    Cost: O(n log n) for the sort plus :func:`median_ci_orders`.
    """
    lo, hi = _ci_bounds(sorted(values), confidence)
    if math.isinf(lo) or math.isinf(hi):
        return None
    return lo, hi


def _ci_bounds(xs: Sequence[float], confidence: float) -> tuple[float, float]:
    lo_order, hi_order = median_ci_orders(len(xs), confidence)
    lo = xs[lo_order - 1] if lo_order >= 1 else -math.inf
    hi = xs[hi_order - 1] if hi_order <= len(xs) else math.inf
    return lo, hi


@lru_cache(maxsize=64)
def min_samples_for_ci(confidence: float = 0.95) -> SampleRequirement:
    """Return the smallest sample size whose median CI is finite at ``confidence``.

    Searches sizes 2..50 like benchstat (``>= 6`` at 0.95; ``> 50`` if none).

    Cost: up to 49 calls of :func:`median_ci_orders`; cached.
    """
    for n in range(2, _MAX_SAMPLES_SEARCHED + 1):
        lo, hi = median_ci_orders(n, confidence)
        if lo > 0 and hi <= n:
            return SampleRequirement(">=", n)
    return SampleRequirement(">", _MAX_SAMPLES_SEARCHED)


def summarize(values: Sequence[float], confidence: float = 0.95) -> Summary:
    """Summarise a sample by its median and the median's confidence interval.

    Adds benchstat's warning ("need >= 6 samples for confidence interval at
    level 0.95") when the interval is unbounded.

    Cost: O(n log n).
    """
    if not values:
        raise ValueError("cannot summarise an empty sample")
    xs = sorted(values)
    lo, hi = _ci_bounds(xs, confidence)
    warnings: tuple[str, ...] = ()
    if math.isinf(lo) or math.isinf(hi):
        need = min_samples_for_ci(confidence)
        warnings = (
            f"need {need} samples for confidence interval at level {go_float(confidence)}",
        )
    return Summary(_median_of_sorted(xs), lo, hi, len(xs), warnings)


# ---------------------------------------------------------------------------
# Mann-Whitney U test
# ---------------------------------------------------------------------------


def _tie_groups(a: Sequence[float], b: Sequence[float]) -> tuple[list[int], int]:
    """Return the sizes of the runs of equal values in the pooled sorted sample,
    and twice the U statistic of ``a`` (pairs with a > b, ties counting 1/2)."""
    pooled = sorted([(x, 0) for x in a] + [(y, 1) for y in b])
    sizes: list[int] = []
    twice_rank_sum = 0
    start = 0
    while start < len(pooled):
        end = start
        from_a = 0
        while end < len(pooled) and pooled[end][0] == pooled[start][0]:
            from_a += pooled[end][1] == 0
            end += 1
        # Every member of the run gets the mid-rank (start + 1 + end) / 2.
        twice_rank_sum += from_a * (start + 1 + end)
        sizes.append(end - start)
        start = end
    n1 = len(a)
    return sizes, twice_rank_sum - n1 * (n1 + 1)


def _u_counts(n1: int, n2: int, tie_sizes: tuple[int, ...]) -> np.ndarray:
    """Number of ways to choose which pooled values come from the first sample,
    indexed by 2U, for the given runs of tied values (Klotz 1966)."""
    width = 2 * n1 * n2 + 1
    # ways[m, u2]: choices over the runs seen so far with m values from the
    # first sample and twice-U equal to u2.
    ways = np.zeros((n1 + 1, width))
    ways[0, 0] = 1.0
    seen = 0
    for size in tie_sizes:
        nxt = np.zeros_like(ways)
        for m in range(max(0, seen - n2), min(n1, seen) + 1):
            below_from_b = seen - m
            # 2U so far is at most 2 * m * below_from_b; the rest is zeros.
            reach = 2 * m * below_from_b + 1
            # The run's other size - r values come from the second sample, which has
            # only n2 - below_from_b left: fewer from the first sample is impossible.
            for r in range(max(0, size - (n2 - below_from_b)), min(size, n1 - m) + 1):
                # r values of this run from the first sample: each beats every
                # earlier second-sample value and ties the run's other members.
                shift = 2 * r * below_from_b + r * (size - r)
                nxt[m + r, shift : shift + reach] += math.comb(size, r) * ways[m, :reach]
        ways = nxt
        seen += size
    return ways[n1]


def exact_u_distribution(n1: int, n2: int, tie_sizes: Sequence[int]) -> list[float]:
    """Return the exact null distribution of the Mann-Whitney U statistic.

    Element ``k`` is P(U = k/2) when samples of sizes ``n1`` and ``n2`` are
    drawn without replacement from pooled values whose runs of ties have the
    given sizes (``sum(tie_sizes) == n1 + n2``; all ones means no ties). U
    counts the pairs where the first sample's value is larger, ties as 1/2.

    Counts are accumulated in float64, exact while C(n1+n2, n1) < 2**53 (always
    true within the tie limit of 25 per sample).

    Cost: O((n1 + 1) * (n1 + n2 + K) * n1 * n2) for K runs of ties, vectorised
    over U: about 1 ms for two samples of 10, 45 ms for two of 50.
    """
    if sum(tie_sizes) != n1 + n2 or any(t <= 0 for t in tie_sizes):
        raise ValueError("tie_sizes must be positive and sum to n1 + n2")
    counts = _u_counts(n1, n2, tuple(tie_sizes))
    return list(counts / math.comb(n1 + n2, n1))


@lru_cache(maxsize=128)
def _u_cumulative(n1: int, n2: int, tie_sizes: tuple[int, ...]) -> np.ndarray:
    # Cached because a table compares many rows with the same sample sizes
    # and, without ties, the same distribution.
    return np.cumsum(_u_counts(n1, n2, tie_sizes))


def u_cdf(n1: int, n2: int, u: int) -> float:
    """P(U <= ``u``) under the null for samples of ``n1`` and ``n2`` untied values.

    >>> u_cdf(2, 2, 0)  # the first two values are the first sample's: 1 of C(4, 2)
    0.16666666666666666
    >>> u_cdf(2, 2, -1), u_cdf(2, 2, 4)  # below and at the largest U
    (0.0, 1.0)

    Cost: that of :func:`exact_u_distribution`, once per pair of sizes (cached).
    """
    if u < 0:
        return 0.0
    cumulative = _u_cumulative(n1, n2, (1,) * (n1 + n2))
    return float(cumulative[min(2 * u, len(cumulative) - 1)]) / math.comb(n1 + n2, n1)


def _exact_p(n1: int, n2: int, tie_sizes: tuple[int, ...], twice_u_small: int) -> float:
    cumulative = _u_cumulative(n1, n2, tie_sizes)
    tail = float(cumulative[twice_u_small]) / math.comb(n1 + n2, n1)
    # Ties can make the distribution lopsided so that the doubled smaller tail
    # exceeds 1 (benchstat would print e.g. p=1.333); a p-value is at most 1.
    return min(1.0, 2 * tail)


def _normal_p(n1: int, n2: int, tie_sizes: Sequence[int], u1: float) -> float:
    total = n1 + n2
    tie_term = sum(t**3 - t for t in tie_sizes)
    sigma = math.sqrt(n1 * n2 * ((total + 1) - tie_term / (total * (total - 1))) / 12)
    if sigma == 0:
        raise AllSamplesEqualError()
    numerator = u1 - n1 * n2 / 2
    numerator -= math.copysign(0.5, numerator) if numerator else 0.0  # continuity
    z = numerator / sigma
    cdf = _normal_cdf(z)
    return 2 * min(cdf, 1 - cdf)


def mann_whitney_u(a: Sequence[float], b: Sequence[float]) -> float:
    """Return the two-sided p-value of the Mann-Whitney U test of ``a`` vs ``b``.

    The null hypothesis is that both samples come from the same distribution.
    The p-value comes from the exact null distribution of U — with ties, the
    distribution conditional on the observed runs of tied values — while both
    samples have at most 50 values (25 if there are ties). Larger samples use
    the normal approximation with tie and continuity corrections, as benchstat
    does; there the exact computation grows as O(n^4) and is no longer needed.
    The p-value is twice the first sample's CDF at the smaller U, capped at 1
    (with lopsided ties benchstat would report a value above 1), and exactly
    1 when U1 == U2, as benchstat computes it (see the comments below for how
    that differs from the doubled tail when ties make the distribution
    asymmetric).

    Raises ``ValueError`` for an empty sample and :class:`AllSamplesEqualError`
    when every value is equal (the test is meaningless).

    Cost: O((n1 + n2) log(n1 + n2)) for the ranks, plus the exact distribution
    (see :func:`exact_u_distribution`; cached per sizes and ties, so a table of
    equally sized untied samples computes it once) or O(1) for the approximation.
    """
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        raise ValueError("the Mann-Whitney U test needs at least one value in each sample")
    tie_sizes, twice_u1 = _tie_groups(a, b)
    twice_u2 = 2 * n1 * n2 - twice_u1
    has_ties = any(t > 1 for t in tie_sizes)
    limit = MW_TIES_EXACT_LIMIT if has_ties else MW_EXACT_LIMIT
    if n1 > limit or n2 > limit:
        return _normal_p(n1, n2, tie_sizes, twice_u1 / 2)
    if len(tie_sizes) == 1:
        raise AllSamplesEqualError()
    if twice_u1 == twice_u2:
        # benchstat (go-moremath stats/utest.go, MannWhitneyUTest with
        # LocationDiffers) returns exactly 1 whenever U1 == U2, without
        # looking at the distribution: doubling the tail would count the
        # mass at the centre twice. Go's comment assumes the distribution is
        # symmetric about the centre, which ties break unless their pattern
        # is palindromic, so 2 * P(U <= n1*n2/2) can be below 1 here (32/35
        # for [1, 1, 1, 3] vs [0, 2, 2]); benchstat still reports 1, and so
        # do we.
        return 1.0
    # Otherwise Go doubles UDist{N1: n1, N2: n2, T}.CDF(min(U1, U2)): the
    # distribution of the *first* sample's U, evaluated at the smaller U even
    # when that is the second sample's. Without ties the distribution is
    # symmetric and this is the usual two-sided p; with ties it is not the
    # mirrored tail (e.g. [2, 1, 3, 5] vs [1, 1, 1, 1, 1] gives p = 0, swapped
    # 0.095), but it is what benchstat prints, so it is kept.
    return _exact_p(n1, n2, tuple(tie_sizes), min(twice_u1, twice_u2))


@lru_cache(maxsize=64)
def min_samples_to_detect(alpha: float = 0.05) -> SampleRequirement:
    """Return the smallest equal sample size whose U test can reach p <= ``alpha``.

    With n values per sample the smallest two-sided p-value is 2 / C(2n, n)
    (complete separation), so this is ``>= 4`` at alpha 0.05. Sizes up to 50
    are searched (benchstat's table stops at 9 and then says ``> 10``; the two
    agree for every alpha >= 4.2e-5).

    Cost: O(50) big-integer binomials at most; cached.
    """
    for n in range(1, _MAX_SAMPLES_SEARCHED + 1):
        if 2 / math.comb(2 * n, n) <= alpha:
            return SampleRequirement(">=", n)
    return SampleRequirement(">", _MAX_SAMPLES_SEARCHED)


def compare(old: Sequence[float], new: Sequence[float], alpha: float = 0.05) -> Comparison:
    """Compare ``new`` against the baseline ``old`` as benchstat does.

    Runs :func:`mann_whitney_u`; if every value is equal the p-value is taken
    as 1 with benchstat's warning "all samples are equal". When the difference
    is not significant and both samples are too small for the test ever to
    reach ``alpha``, adds "need >= 4 samples to detect a difference at alpha
    level 0.05". The delta is the percent change of the median.

    Cost: O(n log n) plus the U test's exact distribution for small samples.
    """
    if not old or not new:
        raise ValueError("cannot compare an empty sample")
    warnings: tuple[str, ...] = ()
    try:
        p_value = mann_whitney_u(old, new)
    except AllSamplesEqualError as equal:
        p_value, warnings = 1.0, (str(equal),)
    else:
        if p_value > alpha:
            need = min_samples_to_detect(alpha)
            if len(old) < need.n and len(new) < need.n:
                warnings = (
                    f"need {need} samples to detect a difference at alpha level {go_float(alpha)}",
                )
    delta = _delta_percent(median(old), median(new)) if p_value <= alpha else None
    return Comparison(delta, p_value, len(old), len(new), alpha, warnings)


def _delta_percent(old_center: float, new_center: float) -> float | None:
    if old_center == new_center:
        return 0.0
    if old_center == 0:
        return None
    return (new_center / old_center - 1.0) * 100.0


# ---------------------------------------------------------------------------
# Geometric mean
# ---------------------------------------------------------------------------


def geomean(values: Sequence[float]) -> float:
    """Return the geometric mean of strictly positive values.

    The log-mean is accumulated incrementally, as benchstat does, so the last
    bit (and hence a rounded digit) agrees with it. Raises ``ValueError`` for
    an empty sequence or a value <= 0.

    Cost: O(n).
    """
    if not values:
        raise ValueError("geomean of an empty sequence")
    log_mean = 0.0
    for i, value in enumerate(values):
        if value <= 0:
            raise ValueError("geomean needs values > 0")
        log_mean += (math.log(value) - log_mean) / (i + 1)
    return math.exp(log_mean)
