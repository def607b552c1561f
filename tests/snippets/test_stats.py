"""Paired comparisons: intervals against scipy's ttest_rel and a brute-force t interval, verdicts, errors."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from snippets import stats
from snippets.stats import (
    Findings,
    PairedComparison,
    compare_to_reference,
    describe,
    direction,
    format_difference,
    format_estimate,
    format_number,
    paired_comparison,
    summarize,
    verdict,
)


def brute_force_interval(differences: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """t interval from its definition: mean ± t_{n-1} quantile × sd / sqrt(n)."""
    n = differences.size
    half = scipy_stats.t.ppf(0.5 + confidence / 2, n - 1) * differences.std(ddof=1) / math.sqrt(n)
    return differences.mean() - half, differences.mean() + half


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=40),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    shift=st.floats(min_value=-2.0, max_value=2.0),
    scale=st.sampled_from([1e-6, 1e-3, 1.0, 1e3]),
)
def test_interval_and_p_value_match_scipy_ttest_rel(n, seed, shift, scale):
    rng = np.random.default_rng(seed)
    b = rng.normal(size=n) * scale
    a = b + (shift + rng.normal(size=n)) * scale  # paired: a shares b's seed-level variation
    c = paired_comparison(a, b)
    reference = scipy_stats.ttest_rel(a, b)
    ci = reference.confidence_interval(0.95)
    low, high = brute_force_interval(a - b)
    assert c.n == n
    assert c.mean_difference == pytest.approx(np.mean(a - b), rel=1e-12, abs=1e-15 * scale)
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-12 * scale)
    assert (c.low, c.high) == pytest.approx((low, high), rel=1e-9, abs=1e-12 * scale)
    assert c.p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    # The verdict follows the interval, and so the test at the 5 % level.
    assert direction(c) == (0 if c.low <= 0 <= c.high else int(np.sign(c.mean_difference)))
    assert (direction(c) != 0) == (c.p_value < 0.05) or math.isclose(c.p_value, 0.05, rel_tol=1e-6)


def test_n_equals_2_uses_one_degree_of_freedom():
    c = paired_comparison([1.0, 3.0], [0.0, 0.0])
    half = scipy_stats.t.ppf(0.975, 1) * math.sqrt(2.0) / math.sqrt(2)  # sd of [1, 3] is sqrt(2)
    assert (c.low, c.high) == pytest.approx((2.0 - half, 2.0 + half))
    assert verdict(c) == "no detectable difference (n = 2)"  # t_1 quantile is 12.7: wide


def test_identical_arms_are_no_detectable_difference():
    a = [0.1, 0.2, 0.3, 0.4]
    c = paired_comparison(a, a)
    assert (c.mean_difference, c.low, c.high, c.p_value) == (0.0, 0.0, 0.0, 1.0)
    assert verdict(c) == "no detectable difference (n = 4)"


def test_constant_nonzero_difference_is_certain():
    c = paired_comparison([1.5, 2.5, 3.5], [1.0, 2.0, 3.0])
    assert (c.low, c.high, c.p_value) == (0.5, 0.5, 0.0)
    assert verdict(c) == "higher"


def test_zero_variance_arms_with_varying_difference():
    c = paired_comparison([1.0, 1.0, 1.0], [0.0, 0.5, 1.0])  # a constant, b varies
    ref = scipy_stats.ttest_rel([1.0, 1.0, 1.0], [0.0, 0.5, 1.0]).confidence_interval()
    assert (c.low, c.high) == pytest.approx((ref.low, ref.high))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_rejected_naming_the_arm(bad):
    with pytest.raises(ValueError, match=r"ece/baseline has non-finite values at positions \[1\]"):
        paired_comparison([0.1, bad, 0.3], [0.1, 0.2, 0.3], a_name="ece/baseline")
    with pytest.raises(ValueError, match=r"b has non-finite values"):
        paired_comparison([0.1, 0.2, 0.3], [0.1, 0.2, bad])


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="at least 2 values"):
        paired_comparison([1.0], [2.0])
    with pytest.raises(ValueError, match="a has 3, b has 2"):
        paired_comparison([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        paired_comparison([[1.0, 2.0]], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="confidence must lie in"):
        paired_comparison([1.0, 2.0], [1.0, 3.0], confidence=95)


def test_reference_comparison_matches_ttest_1samp():
    values = [1.1, 1.25, 0.97, 1.3, 1.18]
    c = compare_to_reference(values, 1.0, name="T")
    ci = scipy_stats.ttest_1samp(values, 1.0).confidence_interval()
    assert (c.low, c.high) == pytest.approx((ci.low - 1.0, ci.high - 1.0))
    assert (c.a, c.b, c.mean_b) == ("T", "1", 1.0)
    with pytest.raises(ValueError, match="reference must be finite"):
        compare_to_reference(values, math.nan)


def test_interval_has_the_stated_coverage():
    """About 95 % of intervals cover the true mean difference (4,000 simulated experiments)."""
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(4000):
        b = rng.normal(size=8)
        a = b + 0.3 + rng.normal(scale=0.5, size=8)
        c = paired_comparison(a, b)
        hits += c.low <= 0.3 <= c.high
    assert 0.94 <= hits / 4000 <= 0.96


def _comparison(low, high, n=8):
    return PairedComparison("a", "b", n, 0.0, 0.0, (low + high) / 2, low, high, 0.5)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0.001, 0.01, "better"), (-0.01, -0.001, "worse"), (-0.01, 0.01, "no detectable difference (n = 8)"),
     (0.0, 0.01, "no detectable difference (n = 8)"), (-0.01, 0.0, "no detectable difference (n = 8)")],
)
def test_verdict_words_follow_the_interval_only(low, high, expected):
    assert verdict(_comparison(low, high), higher="better", lower="worse") == expected


def test_formatting():
    assert format_number(-0.0004, 3) == "0.000"  # no negative zero
    assert format_number(-0.0004, 3, sign=True) == "+0.000"
    assert format_number(-0.0314, 3, sign=True) == "\u22120.031"
    assert format_estimate({"mean": 0.0421, "sd": 0.0111}) == "0.042 ± 0.011"
    assert format_estimate(summarize([1.0, 2.0, 3.0]), 1) == "2.0 ± 1.0"
    c = PairedComparison("a", "b", 8, 0.1, 0.088, 0.012, 0.004, 0.020, 0.01)
    assert format_difference(c) == "+0.012 [0.004, 0.020], n = 8"
    assert describe(c, 3, higher="looser") == "looser (+0.012 [0.004, 0.020], n = 8)"
    null = PairedComparison("a", "b", 8, 0.1, 0.1, 0.004, -0.003, 0.011, 0.3)
    assert describe(null) == "no detectable difference (+0.004 [\u22120.003, 0.011], n = 8)"


def test_findings_record_arms_and_comparisons_for_the_pages():
    f = Findings()
    f.metric("ece", digits=3)
    f.add("ece", "baseline", [0.05, 0.06, 0.055, 0.07])
    f.add("ece", "smoothed", [0.03, 0.04, 0.032, 0.05])
    c = f.compare("ece", "smoothed", "baseline")
    assert f.describe("ece", "smoothed", "baseline") == describe(c, 3)
    assert f.estimate("ece", "baseline") == "0.059 ± 0.009"
    saved = f.to_dict()
    assert saved["metrics"] == {"ece": {"digits": 3, "unit": ""}}
    assert saved["arms"]["ece"]["baseline"]["values"] == [0.05, 0.06, 0.055, 0.07]
    assert PairedComparison.from_dict(saved["comparisons"]["ece"]["smoothed"]["baseline"]) == c


def test_findings_refuse_unpaired_or_unknown_input():
    f = Findings()
    f.metric("ece")
    f.add("ece", "a", [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="ece/b has 2 seeds; the metric's other arms have \\[3\\]"):
        f.add("ece", "b", [1.0, 2.0])
    with pytest.raises(ValueError, match="already recorded"):
        f.add("ece", "a", [1.0, 2.0, 3.0])
    with pytest.raises(KeyError, match="metric 'nll' is not declared"):
        f.add("nll", "a", [1.0, 2.0])
    with pytest.raises(KeyError, match="no arm 'c'"):
        f.compare("ece", "a", "c")
    with pytest.raises(KeyError, match="no comparison ece: a vs a"):
        f.describe("ece", "a", "a")
    with pytest.raises(ValueError, match="needs the keys"):
        PairedComparison.from_dict({"a": "x"})


def test_docstring_examples():
    assert doctest.testmod(stats).failed == 0
