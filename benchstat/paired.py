"""Paired ratio statistics: configurations timed side by side inside one process.

The paired design times every configuration inside *one* worker process, in
interleaved blocks (``A B C D``, the order rotated from block to block). Block
``k`` of every configuration is timed in the same rotated round, so the blocks
of one round are adjacent in time and share the process's heap layout, hash
seed and code placement; their ratio ``config[k] / base[k]`` cancels most of
what makes one process faster than another. The statistics come in two levels:

* within a process, :func:`adjacent_block_ratios` gives the per-block ratios
  and :func:`process_ratio` their median: one estimate per process, which the
  blocks make tight;
* across processes (the sample unit: processes are independent, blocks of one
  process are not), :func:`summarize_ratios` gives the Hodges-Lehmann estimate
  of the per-process ratios (the median of their pairwise geometric means), the
  confidence interval that inverts the Wilcoxon signed-rank test, and that test
  of ``log(ratio)`` against 0.

:func:`format_ratio_cell` renders one :class:`RatioSummary` as a table cell in
benchstat's style, e.g. ``0.912 [0.897, 0.925] -8.8% (p=0.002 n=10)``.

Like the rest of the package, this module imports nothing of the project
outside ``benchstat``: only the standard library, numpy and scipy. Its interval
is deliberately not benchstat's (:mod:`benchstat.stats`, the order statistics
of the median, which the benchstat table keeps so that it reads as Go's): see
:func:`summarize_ratios`.
"""

from __future__ import annotations

import itertools
import math
import statistics
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

# numpy and scipy.stats are imported where they are used: the paired
# worker imports this module for process_ratio alone, once per worker process, and
# scipy.stats costs ~0.7 s of a process that lives ~6 s (measured with -X importtime).

__all__ = [
    "adjacent_block_ratios",
    "format_ratio_cell",
    "format_ratio_estimate",
    "half_width_pct",
    "process_ratio",
    "RatioSummary",
    "runs_agreement",
    "RunsAgreement",
    "signed_rank_depth",
    "summarize_ratios",
]


def _check_positive_finite(values: Sequence[float], what: str) -> None:
    for value in values:
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{what} must be positive and finite, got {value!r}")


# ---------------------------------------------------------------------------
# Within one process
# ---------------------------------------------------------------------------


def process_ratio(block_ratios: Sequence[float]) -> float:
    """One process's estimate of a ratio: the median of its per-block ratios.

    The median (the mean of the two middle values for an even count, as
    benchstat's; ``statistics.median``, which needs no numpy) rather than the
    mean, so that a block disturbed by the noisy machine
    (a context switch, a GC pause in one configuration's block) moves the
    estimate by at most one rank.

    >>> process_ratio([0.9, 1.3, 0.95])
    0.95
    >>> process_ratio([0.9, 1.0, 0.95, 0.98])
    0.965

    Raises ``ValueError`` for an empty sequence or a ratio that is not
    positive and finite (a zero, negative, NaN or infinite block time got in).

    Cost: O(b log b) for b blocks (the sort).
    """
    if not block_ratios:
        raise ValueError("process_ratio needs at least one block ratio")
    _check_positive_finite(block_ratios, "block ratios")
    return statistics.median(block_ratios)


def adjacent_block_ratios(
    times: Mapping[str, Sequence[float]], base: str
) -> dict[str, list[float]]:
    """The per-block ratios ``config[k] / base[k]`` of every non-base configuration.

    ``times`` maps each configuration to its block times in block order: block
    ``k`` of every configuration was timed in the same rotated round ``k``, so
    ``config[k]`` and ``base[k]`` are adjacent in time and their ratio pairs
    them. The result keeps ``times``' order, without ``base``.

    >>> adjacent_block_ratios({"base": [2.0, 4.0], "map": [1.0, 3.0]}, "base")
    {'map': [0.5, 0.75]}

    Raises ``ValueError`` when ``base`` is not in ``times``, when the
    configurations have different numbers of blocks (the pairing would be
    off), when there are no blocks, or when a time is not positive and finite.

    Cost: O(c * b) for c configurations of b blocks.
    """
    if base not in times:
        raise ValueError(f"base configuration {base!r} is not among {sorted(times)}")
    base_times = list(times[base])
    if not base_times:
        raise ValueError("no blocks: the configurations have no block times")
    lengths = {name: len(values) for name, values in times.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"configurations have different numbers of blocks: {lengths}")
    for name, values in times.items():
        _check_positive_finite(values, f"block times of {name!r}")
    return {
        name: [value / base_value for value, base_value in zip(values, base_times)]
        for name, values in times.items()
        if name != base
    }


# ---------------------------------------------------------------------------
# Across processes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RatioSummary:
    """The ratio config/base over n worker processes.

    ``center`` is the Hodges-Lehmann estimate of the per-process ratios and
    ``[lo, hi]`` the confidence interval that inverts the signed-rank test;
    ``lo``/``hi`` are ``-inf``/``inf`` when n is too small for a two-sided
    interval with finite bounds (n < 6 at 0.95). ``p_value`` is the
    two-sided Wilcoxon signed-rank test of ``log(ratio)`` against 0;
    ``significant`` is ``p_value < alpha`` and the interval excluding 1 (see
    :func:`summarize_ratios`).
    """

    center: float
    lo: float
    hi: float
    p_value: float
    n: int
    significant: bool


def _wilcoxon_log_p(ratios: Sequence[float]) -> float:
    import numpy as np
    from scipy.stats import wilcoxon

    logs = np.log(np.asarray(ratios, dtype=float))
    if not np.any(logs != 0):
        # Every ratio is exactly 1: no evidence of a difference at all. scipy
        # drops the zero differences and would divide 0 by 0 (nan).
        return 1.0
    with warnings.catch_warnings():
        # scipy may warn about zeros or ties when it switches method; the
        # choice it makes is the documented one, so the warning is noise here.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        result = wilcoxon(logs, alternative="two-sided", zero_method="wilcox", method="auto")
    p = float(result.pvalue)
    if math.isnan(p):  # pragma: no cover - guarded above; kept as a safety net
        return 1.0
    return min(1.0, p)


@lru_cache(maxsize=None)
def signed_rank_depth(n: int, confidence: float) -> int:
    """How many Walsh averages each end of the signed-rank interval leaves out.

    The largest ``d`` with ``P(T <= d - 1) <= (1 - confidence) / 2``, ``T`` the
    signed-rank statistic of n observations under H0: the sum of a uniformly
    random subset of ``{1..n}``, whose exact distribution is counted by
    subset sums. 0 when even ``P(T = 0) = 2**-n`` is too likely: no finite
    interval. The classical tables' critical values are ``d - 1``:

    >>> signed_rank_depth(5, 0.95), signed_rank_depth(6, 0.95)
    (0, 1)
    >>> signed_rank_depth(10, 0.95), signed_rank_depth(20, 0.95)
    (9, 53)

    Cost: O(n^3) integer additions, once per (n, confidence).
    """
    counts = [1] + [0] * (n * (n + 1) // 2)
    for rank in range(1, n + 1):
        for total in range(len(counts) - 1, rank - 1, -1):
            counts[total] += counts[total - rank]
    allowed = (1 - confidence) / 2 * 2**n
    depth, cumulative = 0, 0
    for count in counts:
        if cumulative + count > allowed:
            break
        cumulative += count
        depth += 1
    return depth


def summarize_ratios(
    process_ratios: Sequence[float], confidence: float = 0.95, alpha: float = 0.05
) -> RatioSummary:
    """Summarise per-process ratios config/base: an estimate, its CI, a paired test.

    All three are built on ``x = log(ratio)`` and agree with one another:

    * ``center``: the Hodges-Lehmann estimate, ``exp`` of the median of the
      ``M = n(n+1)/2`` Walsh averages ``(x_i + x_j) / 2, i <= j``: the median
      of the pairwise geometric means of the ratios, the centre of symmetry
      the signed-rank test is about.
    * ``[lo, hi]``: the Walsh averages of ranks ``d`` and ``M + 1 - d``
      (:func:`signed_rank_depth`), exponentiated: the set of shifts the
      two-sided test at level ``1 - confidence`` does not reject, with
      coverage at least ``confidence`` for any symmetric distribution of
      ``x`` (exact: 1 - 2 P(T <= d - 1), 95.1% at n = 10 and at n = 20).
      When ``d`` is 0 (n < 6 at 0.95) both bounds are ``-inf``/``inf``: the
      interval is "unbounded", printed ``± ∞`` as benchstat prints a range it
      cannot bound.
    * ``p_value``: the two-sided Wilcoxon signed-rank test
      (:func:`scipy.stats.wilcoxon`) of ``x`` against 0: H0, within each
      process the configuration and the base cost the same. scipy computes
      the exact null distribution when there are no ties or zeros
      (n <= 50); with ties or ratios of exactly 1 (zeros, dropped as
      Wilcoxon did) it enumerates all sign flips for n <= 13 (exact,
      conditional on the ties) and uses the normal approximation above. If
      every ratio is exactly 1, p = 1. The test is invariant under
      ``r -> r**c`` (c > 0) and ``r -> 1/r``, but *not* under ``r -> c*r``:
      scaling moves ratios across 1.
    * ``significant``: ``p_value < alpha`` *and* the interval excluding 1.
      Without ties or zeros and with the exact p (n <= 50) the two are the
      same statement at ``alpha = 1 - confidence``: the number of positive
      Walsh averages is the statistic W+, so ``hi < 1`` exactly when
      ``W+ <= d - 1``, i.e. when the test rejects downwards (tested). With
      zeros, ties or the normal approximation they can differ at the margin,
      and the table prints ``~`` whenever the interval contains 1, so both
      are required.

    Why not benchstat's interval (order statistics of the median, which the
    benchstat table keeps): it is the inverted *sign* test, which uses only
    which side of the median each process falls on, so at n = 20 it spans
    ranks 6 to 15 of 20. Here the processes' log ratios are close to
    symmetric (they are medians of block ratios), and the signed-rank
    interval, which weighs distances too, is about a quarter narrower on the
    same data (three 20-process runs of the published preset: widest
    half-width 4.4% against 6.5%, median 1.8% against 2.2%), and it cannot
    contradict the test printed beside it.

    >>> s = summarize_ratios([math.exp(-0.01 * k) for k in range(1, 11)])
    >>> round(s.center, 5), round(s.lo, 5), round(s.hi, 5), s.p_value, s.n, s.significant
    (0.94649, 0.92312, 0.97045, 0.001953125, 10, True)

    Raises ``ValueError`` for an empty sequence, a ratio that is not positive
    and finite, or ``confidence``/``alpha`` outside (0, 1).

    Cost: O(n^2 log n) for the M Walsh averages and their sort (n = 40:
    820 averages), plus the test: the exact distribution is O(n^3) at most
    (about 1 ms at n = 10); with ties or zeros and n <= 13 scipy enumerates
    2^n sign flips, which takes about 0.2 s at n = 10 and 2 s at n = 13.
    """
    if not process_ratios:
        raise ValueError("summarize_ratios needs at least one process ratio")
    _check_positive_finite(process_ratios, "process ratios")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    ratios = [float(r) for r in process_ratios]
    logs = [math.log(r) for r in ratios]
    walsh = sorted((a + b) / 2 for a, b in itertools.combinations_with_replacement(logs, 2))
    center = math.exp(statistics.median(walsh))
    depth = signed_rank_depth(len(logs), confidence)
    if depth == 0:
        lo, hi = -math.inf, math.inf
    else:
        lo, hi = math.exp(walsh[depth - 1]), math.exp(walsh[len(walsh) - depth])
    p_value = _wilcoxon_log_p(ratios)
    excludes_one = depth > 0 and (hi < 1 or lo > 1)
    significant = p_value < alpha and excludes_one
    return RatioSummary(center, lo, hi, p_value, len(ratios), significant)


def half_width_pct(summary: RatioSummary) -> float:
    """The interval's larger half-width in percent of the centre.

    ``max(center - lo, hi - center) / center * 100``; ``inf`` when the
    interval is unbounded. The larger side, because the interval is not
    symmetric about the estimate (benchstat's ``± x%`` takes the larger side
    too).

    >>> s = RatioSummary(center=0.8, lo=0.78, hi=0.84, p_value=0.002, n=10, significant=True)
    >>> round(half_width_pct(s), 6)
    5.0

    Cost: O(1).
    """
    if math.isinf(summary.lo) or math.isinf(summary.hi):
        return math.inf
    return max(summary.center - summary.lo, summary.hi - summary.center) / summary.center * 100


# ---------------------------------------------------------------------------
# Across runs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunsAgreement:
    """How several runs' estimates of one ratio agree.

    ``inside``: of the ``checks`` ordered pairs of k runs (``k(k-1)``, less the pairs
    whose interval is unbounded), how often one run's estimate lies inside the other's
    interval; ``p_value``: the Kruskal-Wallis
    test that the runs' per-process ratios come from one distribution.
    """

    inside: int
    checks: int
    p_value: float


def runs_agreement(runs: Sequence[Sequence[float]]) -> RunsAgreement:
    """Do k runs' per-process ratios of one cell and configuration agree?

    Two views, because they answer different questions:

    * the *literal* one: each run's Hodges-Lehmann estimate against each other
      run's 95% interval (:func:`summarize_ratios`). Even when nothing differs
      between runs it fails about one time in six: the other run's estimate
      carries its own error, so it falls outside with probability
      ``P(|Z| > 1.96 / sqrt(2))``, about 17% for equal intervals;
    * the *test*: Kruskal-Wallis (:func:`scipy.stats.kruskal`) over the runs'
      per-process ratios, the processes being the sample unit as in every
      interval here. Its p-value is uniform when the runs agree, so over many
      cells about 5% fall below 0.05 by chance; more says the runs differ (the
      machine between them), which no one run's interval can see.

    >>> a = runs_agreement([[0.90, 0.91, 0.92, 0.93, 0.94, 0.95]] * 3)
    >>> a.inside, a.checks, a.p_value
    (6, 6, 1.0)

    Raises ``ValueError`` for fewer than two runs or a ratio that is not positive
    and finite. Cost: k :func:`summarize_ratios` and one Kruskal-Wallis test.
    """
    if len(runs) < 2:
        raise ValueError("runs_agreement needs at least two runs")
    for ratios in runs:
        _check_positive_finite(ratios, "process ratios")
    summaries = [summarize_ratios(ratios) for ratios in runs]
    # An unbounded interval (fewer than 6 processes) holds every estimate: no check at all.
    pairs = [(summary, other) for summary, other in itertools.permutations(summaries, 2)
             if not (math.isinf(other.lo) or math.isinf(other.hi))]
    inside = sum(other.lo <= summary.center <= other.hi for summary, other in pairs)
    if len({ratio for ratios in runs for ratio in ratios}) == 1:
        p_value = 1.0  # every ratio equal: scipy would divide 0 by 0
    else:
        from scipy.stats import kruskal

        # On the ratios themselves: the test uses their ranks, which a log keeps.
        p_value = float(kruskal(*runs).pvalue)
    return RunsAgreement(inside, len(pairs), p_value)


# ---------------------------------------------------------------------------
# The table cell
# ---------------------------------------------------------------------------


def _three_digit_decimals(value: float) -> int:
    """Decimals that show a positive ``value`` to three significant digits (at least 0)."""
    decimals = max(0, 2 - math.floor(math.log10(value)))
    rounded = float(f"{value:.{decimals}f}")
    if rounded > 0 and math.floor(math.log10(rounded)) > math.floor(math.log10(value)):
        # Rounding carried into a new digit (0.9996 -> 1.000): one decimal fewer.
        decimals = max(0, decimals - 1)
    return decimals


def _format_bound(value: float, decimals: int) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{decimals}f}"


def format_ratio_estimate(summary: RatioSummary) -> str:
    """The estimate and its interval, as in the ratio table's cells: ``0.912 [0.897, 0.925]``.

    >>> format_ratio_estimate(RatioSummary(0.95, -math.inf, math.inf, 0.0625, 5, False))
    '0.950 ± ∞'

    Cost: O(1).
    """
    decimals = _three_digit_decimals(summary.center)
    center = f"{summary.center:.{decimals}f}"
    if math.isinf(summary.lo) and math.isinf(summary.hi):
        return f"{center} ± ∞"
    return f"{center} [{_format_bound(summary.lo, decimals)}, {_format_bound(summary.hi, decimals)}]"


def format_ratio_cell(summary: RatioSummary) -> str:
    """One cell of the ratio table, in benchstat's style.

    ``ratio [lo, hi] change (p=P n=N)``:

    * the ratio to three significant digits (``0.912``, ``1.01``), and the
      bounds with the *same number of decimals* as the ratio, so one cell
      reads at one precision (``1.01 [0.98, 1.04]``, as benchstat scales a row
      alike); an unbounded interval prints ``± ∞``, benchstat's range for too
      few samples;
    * the change ``(ratio - 1)`` in percent with one decimal and an explicit
      sign (``-8.8%``, ``+3.1%``): one decimal of percent is the resolution of
      a three-digit ratio near 1. The sign is ASCII ``-``/``+`` as in
      benchstat's ``format_delta`` (``-17.20%``) beside it, so both tables
      use one minus sign. ``~`` when not significant, as benchstat prints;
    * ``(p=0.002 n=10)`` as benchstat's ``format_test``: p to three decimals
      (omitted if exactly 0, which the Wilcoxon test never gives), n the
      number of processes.

    >>> format_ratio_cell(RatioSummary(0.9118, 0.897, 0.925, 0.00195, 10, True))
    '0.912 [0.897, 0.925] -8.8% (p=0.002 n=10)'
    >>> format_ratio_cell(RatioSummary(1.01, 0.98, 1.04, 0.43, 10, False))
    '1.01 [0.98, 1.04] ~ (p=0.430 n=10)'
    >>> format_ratio_cell(RatioSummary(0.95, -math.inf, math.inf, 0.0625, 5, False))
    '0.950 ± ∞ ~ (p=0.062 n=5)'

    Cost: O(1).
    """
    change = f"{(summary.center - 1) * 100:+.1f}%" if summary.significant else "~"
    p_part = f"p={summary.p_value:.3f} " if summary.p_value != 0 else ""
    return f"{format_ratio_estimate(summary)} {change} ({p_part}n={summary.n})"
