"""Paired comparisons: intervals against scipy's ttest_rel and a brute-force t interval, Holm's adjustment
against statsmodels and its definition, verdicts, saved findings, errors."""

from __future__ import annotations

import doctest
import gc
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.multitest import multipletests

from snippets import stats
from snippets.stats import (
    Findings,
    PairedComparison,
    adjusted,
    compare_to_reference,
    describe,
    direction,
    format_difference,
    format_estimate,
    format_number,
    holm,
    interval_direction,
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


def _comparison(low, high, p=0.01, n=8):
    return PairedComparison("a", "b", n, 0.0, 0.0, (low + high) / 2, low, high, p)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0.001, 0.01, "better"), (-0.01, -0.001, "worse"), (-0.01, 0.01, "no detectable difference (n = 8)"),
     (0.0, 0.01, "no detectable difference (n = 8)"), (-0.01, 0.0, "no detectable difference (n = 8)")],
)
def test_a_comparison_on_its_own_follows_its_interval(low, high, expected):
    assert verdict(_comparison(low, high), higher="better", lower="worse") == expected


@pytest.mark.parametrize(
    ("low", "high", "adjusted_p", "expected"),
    [(0.001, 0.01, 0.049, "better"),
     (-0.01, -0.001, 0.001, "worse"),
     (0.001, 0.01, 0.05, "no detectable difference after adjusting for 12 comparisons (n = 8)"),
     (-0.01, -0.001, 0.6, "no detectable difference after adjusting for 12 comparisons (n = 8)"),
     (-0.01, 0.01, 1.0, "no detectable difference (n = 8)")],
)
def test_words_follow_the_adjusted_p_value(low, high, adjusted_p, expected):
    c = adjusted(_comparison(low, high, p=0.001), adjusted_p, 12)
    assert verdict(c, higher="better", lower="worse") == expected
    assert direction(c) == (interval_direction(c) if adjusted_p < 0.05 else 0)


def test_describe_gives_the_adjusted_p_only_where_it_takes_the_direction_away():
    c = PairedComparison("a", "b", 8, 0.1, 0.088, 0.012, 0.004, 0.020, 0.01)
    assert describe(adjusted(c, 0.04, 5), 3, higher="looser") == "looser (+0.012 [0.004, 0.020], n = 8)"
    assert describe(adjusted(c, 0.3, 5), 3, higher="looser", null="not detectably looser") == (
        "not detectably looser after adjusting for 5 comparisons (+0.012 [0.004, 0.020], n = 8; adjusted p = 0.30)")
    null = PairedComparison("a", "b", 8, 0.1, 0.1, 0.004, -0.003, 0.011, 0.3)
    assert describe(adjusted(null, 0.9, 5)) == "no detectable difference (+0.004 [\u22120.003, 0.011], n = 8)"


def test_accuracy_differences_also_count_test_images():
    c = PairedComparison("a", "b", 8, 0.9, 0.8958, 3 / 719, 0.0011, 0.0072, 0.01)
    assert format_difference(c, 4, count_of=719, items="test images") == (
        "+0.0042 [0.0011, 0.0072], n = 8; +3.0 of the 719 test images")
    assert describe(c, 4, higher="better", count_of=719, items="test images").startswith("better (+0.0042 [")


def test_adjusted_refuses_what_no_adjustment_gives():
    c = _comparison(0.001, 0.01, p=0.02)
    with pytest.raises(ValueError, match="between the p-value 0.02 and 1"):
        adjusted(c, 0.01, 3)
    with pytest.raises(ValueError, match="family_size must be at least 1"):
        adjusted(c, 0.5, 0)
    with pytest.raises(ValueError, match="family of 3 needs its adjusted p-value"):
        PairedComparison("a", "b", 8, 0.0, 0.0, 0.0, -1.0, 1.0, 0.5, family_size=3)


# ------------------------------------------------------------------ Holm's step-down adjustment


@pytest.fixture(autouse=True)
def cheap_collections():
    """statsmodels 0.15.0 runs gc.collect() on every Holm call (stats/multitest.py, the "holm"
    branch), which takes most of a second in a test process full of objects; objects frozen
    before the test are skipped by those collections, so hundreds of calls stay cheap."""
    gc.freeze()
    yield
    gc.unfreeze()


def holm_by_definition(p_values):
    """Holm (1979) from its definition: the i-th smallest of m p-values times (m - i + 1), made
    non-decreasing in that order and capped at 1, then returned in the original order."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    out = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        out[index] = running
    return out


def holm_rejects(p_values, level=0.05):
    """Holm's procedure as a test: reject in order of p while p_(i) <= level / (m - i + 1), then stop."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    rejected = np.zeros(m, dtype=bool)
    for rank, index in enumerate(np.argsort(p, kind="stable")):
        if p[index] > level / (m - rank):
            break
        rejected[index] = True
    return rejected


awkward_p = st.one_of(st.sampled_from([0.0, 1.0, 0.05, 0.01, 0.025, 0.5]),
                      st.floats(min_value=0.0, max_value=1.0, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.lists(awkward_p, min_size=1, max_size=80))
def test_holm_matches_statsmodels_and_its_definition(p_values):
    ours = holm(p_values)
    assert ours.tolist() == multipletests(p_values, method="holm")[1].tolist()
    assert ours == pytest.approx(holm_by_definition(p_values), rel=1e-12, abs=0)
    assert np.all(ours >= np.asarray(p_values)) and np.all(ours <= 1.0)
    # Adjusted below 0.05 is exactly what the step-down test rejects (away from the boundary).
    on_boundary = np.isclose(ours, 0.05, rtol=1e-9)
    assert np.array_equal((ours < 0.05)[~on_boundary], holm_rejects(p_values)[~on_boundary])


@settings(max_examples=100, deadline=None)
@given(p=awkward_p, copies=st.integers(min_value=1, max_value=10), rest=st.lists(awkward_p, max_size=10))
def test_tied_p_values_get_one_adjusted_value(p, copies, rest):
    out = holm([p] * copies + rest)
    assert len(set(out[:copies].tolist())) == 1


def test_holm_edge_cases():
    assert holm([0.3]).tolist() == [0.3]  # a family of one is not adjusted
    assert holm([0.0, 0.0, 1.0]).tolist() == [0.0, 0.0, 1.0]
    assert holm([1.0] * 4).tolist() == [1.0] * 4
    assert holm([0.01, 0.04, 0.03, 0.005]).tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        holm([])
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]; positions \[1, 2\]"):
        holm([0.5, math.nan, 1.5])


def test_holm_keeps_the_family_wise_error_rate():
    """20 true nulls of 8 paired seeds each: at most about 5 % of 4,000 families show any direction word."""
    rng = np.random.default_rng(3)
    differences = rng.normal(size=(4000, 20, 8))
    p = scipy_stats.ttest_1samp(differences, 0.0, axis=2).pvalue
    any_rejected = np.mean([np.any(holm(row) < 0.05) for row in p])
    unadjusted = np.mean(np.any(p < 0.05, axis=1))
    assert any_rejected <= 0.06
    assert unadjusted > 0.5  # without the adjustment most such families would report a "finding"


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


def _small_findings():
    f = Findings()
    f.metric("ece", digits=3)
    f.add("ece", "baseline", [0.05, 0.06, 0.055, 0.07])
    f.add("ece", "smoothed", [0.03, 0.04, 0.032, 0.05])
    f.add("ece", "noise", [0.051, 0.062, 0.054, 0.071])
    f.metric("accuracy", digits=4, count_of=719, items="test images")
    f.add("accuracy", "baseline", [700 / 719, 701 / 719, 699 / 719, 702 / 719])
    f.add("accuracy", "smoothed", [703 / 719, 702 / 719, 703 / 719, 705 / 719])
    return f


def test_findings_record_arms_and_comparisons_for_the_pages():
    f = _small_findings()
    unadjusted = f.compare("ece", "smoothed", "baseline")
    f.compare("ece", "noise", "baseline")
    f.compare("accuracy", "smoothed", "baseline")
    assert (unadjusted.adjusted_p_value, unadjusted.family_size) == (unadjusted.p_value, 1)
    assert f.estimate("ece", "baseline") == "0.059 ± 0.009"
    assert f.interval("accuracy", "smoothed", "baseline").endswith("n = 4; +2.8 of the 719 test images")
    with pytest.raises(ValueError, match="call adjust"):
        f.describe("ece", "smoothed", "baseline")
    with pytest.raises(ValueError, match="call adjust"):
        f.to_dict()
    f.adjust()
    assert f.family_size == 3
    keys = (("ece", "smoothed", "baseline"), ("ece", "noise", "baseline"), ("accuracy", "smoothed", "baseline"))
    p = [f.comparison(*key).p_value for key in keys]
    assert [f.comparison(*key).adjusted_p_value for key in keys] == holm(p).tolist()
    assert {f.comparison(*key).family_size for key in keys} == {3}
    assert f.describe("ece", "smoothed", "baseline") == describe(f.comparison("ece", "smoothed", "baseline"), 3)
    assert "3 comparisons" in f.rule()
    saved = f.to_dict()
    assert saved["metrics"]["ece"] == {"digits": 3, "unit": "", "count_of": None, "items": ""}
    assert saved["family"] == {"size": 3, "adjustment": "holm"}
    assert saved["arms"]["ece"]["baseline"]["values"] == [0.05, 0.06, 0.055, 0.07]
    assert PairedComparison.from_dict(saved["comparisons"]["ece"]["smoothed"]["baseline"]) == f.comparison(
        "ece", "smoothed", "baseline")
    with pytest.raises(ValueError, match="the family is closed"):
        f.compare("ece", "noise", "smoothed")


def test_saved_findings_read_back_with_the_same_words():
    f = _small_findings()
    f.compare("ece", "smoothed", "baseline")
    f.compare("ece", "noise", "baseline")
    f.compare("accuracy", "smoothed", "baseline")
    f.adjust()
    back = Findings.from_dict(json.loads(json.dumps(f.to_dict())))
    for metric, a, b in (("ece", "smoothed", "baseline"), ("ece", "noise", "baseline"), ("accuracy", "smoothed", "baseline")):
        assert back.describe(metric, a, b, higher="up") == f.describe(metric, a, b, higher="up")
        assert back.verdict(metric, a, b) == f.verdict(metric, a, b)
        assert back.interval(metric, a, b) == f.interval(metric, a, b)
    assert back.estimate("accuracy", "smoothed") == f.estimate("accuracy", "smoothed")
    assert back.to_dict() == f.to_dict()
    saved = f.to_dict()
    saved["family"] = {"size": 2, "adjustment": "holm"}
    with pytest.raises(ValueError, match="not one holm-adjusted family"):
        Findings.from_dict(saved)
    with pytest.raises(ValueError, match=r"need the keys \['family'\]"):
        Findings.from_dict({k: v for k, v in f.to_dict().items() if k != "family"})


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
    with pytest.raises(ValueError, match="needs at least one"):
        f.adjust()
    with pytest.raises(ValueError, match="count_of needs a positive count and the items' name"):
        f.metric("accuracy", count_of=719)
    with pytest.raises(ValueError, match="needs the keys"):
        PairedComparison.from_dict({"a": "x"})


def test_docstring_examples():
    assert doctest.testmod(stats).failed == 0
