"""Where one store configuration overtakes another along the namespace-size sweep.

Given each configuration's median LIST time at several namespace sizes (pods per
namespace), a crossover is a size between two measured points where the sign of
log(time_a / time_b) changes. Its position is interpolated linearly in log-log space,
the space the sweep plot is drawn in; the measured points on each side are kept, so a
reader sees how far the interpolation reaches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Crossover:
    faster_below: str  # the configuration that is faster at smaller namespaces
    faster_above: str
    pods_per_namespace: float  # interpolated crossing point
    between: tuple[int, int]  # the two measured sizes it lies between


def crossovers(curve_a: Mapping[int, float], curve_b: Mapping[int, float], name_a: str, name_b: str) -> list[Crossover]:
    """Every crossing of two curves (size -> seconds), at sizes both were measured at, in size order.

    O(k log k) for k sizes. A tie at a measured size counts as a crossing at that size.
    """
    sizes = sorted(set(curve_a) & set(curve_b))
    found: list[Crossover] = []
    previous: tuple[int, float] | None = None
    for size in sizes:
        if curve_a[size] <= 0 or curve_b[size] <= 0:
            raise ValueError(f"times must be positive, got {curve_a[size]} and {curve_b[size]} at {size}")
        gap = math.log(curve_a[size] / curve_b[size])
        if previous is not None:
            previous_size, previous_gap = previous
            if previous_gap != 0 and (gap == 0 or (gap > 0) != (previous_gap > 0)):
                low, high = math.log(previous_size), math.log(size)
                point = math.exp(low + (high - low) * previous_gap / (previous_gap - gap))
                below, above = (name_a, name_b) if previous_gap < 0 else (name_b, name_a)
                found.append(Crossover(below, above, point, (previous_size, size)))
        previous = (size, gap)
    return found
