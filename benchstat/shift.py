"""How much one sample's values exceed another's: the Hodges-Lehmann shift and its interval.

benchstat's table says *whether* two samples differ (Mann-Whitney U) and by what
percentage their medians differ. To say *how much time* something adds — a real etcd
under the same LIST, say — the natural companion of the U test is the two-sample
Hodges-Lehmann estimate: the median of the ``m * n`` differences ``new_j - old_i``,
with the confidence interval that inverts the U test (Bauer 1972): the ``k``-th
smallest and ``k``-th largest difference, ``k`` from the exact null distribution of U
(:func:`shift_depth`). It is the shift the U test is most sensitive to, so the two
never contradict each other: the interval excludes 0 exactly when the exact U test
(without ties) rejects at the same level.

Like the rest of the package, this module imports nothing of the project outside
``benchstat``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from benchstat.stats import MW_EXACT_LIMIT, mann_whitney_u, u_cdf

__all__ = ["ShiftSummary", "shift_depth", "summarize_shift"]


@dataclass(frozen=True)
class ShiftSummary:
    """``new - old``: the Hodges-Lehmann estimate, its confidence interval, and the
    Mann-Whitney p-value of the two samples (in their unit, e.g. seconds)."""

    estimate: float
    low: float
    high: float
    p_value: float
    n_old: int
    n_new: int
    confidence: float


@lru_cache(maxsize=64)
def shift_depth(n_old: int, n_new: int, confidence: float = 0.95) -> int:
    """``k``: the interval runs from the ``k``-th smallest to the ``k``-th largest of the
    ``n_old * n_new`` differences; 0 when the samples are too small for any interval
    at this confidence.

    ``k`` is the largest integer with ``P(U <= k - 1) <= alpha / 2`` under the null
    (exact up to ``MW_EXACT_LIMIT`` values per sample, without ties, as the U
    test's p-value; beyond, the normal approximation): the lower critical
    value of the two-sided U test, plus one.

    >>> shift_depth(10, 10)  # U's two-sided 5% critical value for 10 and 10 is 23
    24
    >>> shift_depth(3, 3)  # six values cannot reach 95%: P(U = 0) = 1/20 > 2.5%
    0

    Cost: one exact U distribution, O(n^4) (about 1 ms at 10 and 10), cached.
    """
    if n_old < 1 or n_new < 1 or not 0 < confidence < 1:
        raise ValueError(f"shift_depth needs samples and a confidence in (0, 1), got {n_old}, {n_new}, {confidence}")
    tail = (1 - confidence) / 2
    if n_old <= MW_EXACT_LIMIT and n_new <= MW_EXACT_LIMIT:
        depth = 0
        while depth < n_old * n_new and u_cdf(n_old, n_new, depth) <= tail:
            depth += 1
        return depth
    normal = statistics.NormalDist()
    sigma = math.sqrt(n_old * n_new * (n_old + n_new + 1) / 12)
    return max(0, math.floor(n_old * n_new / 2 - normal.inv_cdf(1 - tail) * sigma + 0.5))


def summarize_shift(old: Sequence[float], new: Sequence[float], confidence: float = 0.95) -> ShiftSummary:
    """``new - old`` as a Hodges-Lehmann estimate with the interval that inverts the U test.

    >>> s = summarize_shift([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [11.0, 12.0, 13.0, 14.0, 15.0, 16.0])
    >>> s.estimate, s.low, s.high
    (10.0, 7.0, 13.0)

    Raises ``ValueError`` when the samples are too small for an interval at
    ``confidence`` (``shift_depth`` is 0: three values each at 95%, say) or a value is
    not finite; ``AllSamplesEqualError`` (from the U test) when every value is equal.

    Cost: O(m n log(m n)) for the sorted differences, plus :func:`shift_depth`.
    """
    if any(not math.isfinite(value) for value in [*old, *new]):
        raise ValueError("summarize_shift needs finite values")
    depth = shift_depth(len(old), len(new), confidence) if old and new else 0
    if depth == 0:
        raise ValueError(f"{len(old)} and {len(new)} values are too few for a {confidence:.0%} interval of a shift")
    differences = sorted(b - a for a in old for b in new)
    return ShiftSummary(statistics.median(differences), differences[depth - 1], differences[-depth],
                        mann_whitney_u(old, new), len(old), len(new), confidence)
