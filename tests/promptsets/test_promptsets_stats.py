"""Wilson intervals and percentiles against reference computations."""

from __future__ import annotations

import statistics

import pytest

from playground.promptsets.stats import median_p10_p90, wilson


@pytest.mark.parametrize(
    ("passed", "n", "low", "high"),
    [
        # Newcombe (1998), Table I, method 3 (score interval, no continuity correction)
        pytest.param(81, 263, 0.2553, 0.3662, id="81/263"),
        pytest.param(15, 148, 0.0624, 0.1605, id="15/148"),
        pytest.param(0, 20, 0.0, 0.1611, id="0/20"),
        pytest.param(1, 29, 0.0061, 0.1718, id="1/29"),
    ],
)
def test_wilson_matches_newcombe_table(passed: int, n: int, low: float, high: float) -> None:
    got = wilson(passed, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_by_hand_for_four_of_five() -> None:
    # Wikipedia's form: (nS + z²/2)/(n + z²) ± z/(n + z²)·sqrt(nS·nF/n + z²/4)
    z = 1.959963984540054
    n_s, n_f, n = 4, 1, 5
    centre = (n_s + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * (n_s * n_f / n + z * z / 4) ** 0.5
    assert wilson(4, 5) == pytest.approx((centre - half, centre + half), abs=1e-12)
    assert wilson(4, 5) == pytest.approx((0.3755, 0.9638), abs=1e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(5, 5)
    assert high == 1.0 and 0.5 < low < 0.6
    with pytest.raises(ValueError):
        wilson(6, 5)


def test_percentiles_match_statistics_inclusive_method() -> None:
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert median_p10_p90(values) == pytest.approx(
        (statistics.median(values), deciles[0], deciles[8])
    )


def test_percentiles_by_hand() -> None:
    # 1..5: position 0.4 → 1.4; position 3.6 → 4.6 (numpy.percentile's "linear")
    assert median_p10_p90([5, 4, 3, 2, 1]) == pytest.approx((3, 1.4, 4.6))
    assert median_p10_p90([7.0]) == (7.0, 7.0, 7.0)
    assert median_p10_p90([]) is None
