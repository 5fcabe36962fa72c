"""Figures over repeated answers: a pass rate's 95 % interval, and median with p10–p90.

``wilson(passed, n)`` is the Wilson score interval (E. B. Wilson, "Probable inference,
the law of succession, and statistical inference", JASA 22 (1927) 209–212; the form
here is Newcombe, "Two-sided confidence intervals for the single proportion",
Statistics in Medicine 17 (1998) 857–872, method 3)::

    centre = (p + z²/2n) / (1 + z²/n)
    half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²)

It stays inside [0, 1] and is sensible at 0/n and n/n, where the plain p ± z·se is not.

``median_p10_p90(values)`` uses linear interpolation between the closest ranks
(Hyndman & Fan type 7: numpy's default ``linear``, ``statistics.quantiles(...,
method="inclusive")``): the q-th percentile of sorted x[0..n-1] is read at position
q·(n − 1). One value is its own p10, median and p90.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def wilson(passed: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``passed`` out of ``n``; (0, 1) when n is 0."""
    if n <= 0:
        return (0.0, 1.0)
    if not 0 <= passed <= n:
        raise ValueError(f"passed must be between 0 and n ({passed} of {n})")
    p = passed / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def percentile(ordered: list[float], q: float) -> float:
    """The q-th quantile (0 ≤ q ≤ 1) of sorted values, linear between closest ranks."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median_p10_p90(values: Iterable[float]) -> tuple[float, float, float] | None:
    """(p50, p10, p90) of the values; None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    return (statistics.median(ordered), percentile(ordered, 0.1), percentile(ordered, 0.9))
