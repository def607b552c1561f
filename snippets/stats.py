"""Paired comparisons for the labs: a mean difference, its 95 % interval, n, and the words for it.

Every lab compares *arms* (hard labels against label smoothing, one teacher against another)
run on the same seeds. A seed fixes the data subset, the initial weights and the batch order,
so seed ``i`` of arm ``a`` and seed ``i`` of arm ``b`` differ only in the thing compared: the
comparison is *paired*. The paired t interval (:func:`scipy.stats.ttest_rel`) of the mean
difference ``a - b`` is what a lab reports.

A lab reports many comparisons, and at the 5 % level about one in twenty intervals of true
nulls excludes 0 by chance. So the comparisons a lab reports are one *family*: their p-values
are adjusted together by Holm's step-down method (:func:`holm`, which calls statsmodels), and
the words follow the adjusted result:

* "higher" (or a word the caller chooses, such as "better" or "looser") when the interval lies
  above 0 and the adjusted p-value is below 0.05,
* "lower" (or "worse", "tighter", ...) likewise below 0,
* "no detectable difference after adjusting for m comparisons" when the interval excludes 0
  but the adjusted p-value does not stay below 0.05,
* "no detectable difference (n = 8)" when the interval contains 0.

This module is the only place that rule is written; the labs' prose and the site's page
macros (``hooks/macros.py``) both read it through :func:`verdict` and :func:`describe`.
:class:`Findings` collects a lab's per-seed values and the comparisons it reports, adjusts
them as one family, and turns them into the JSON the pages read (and back).

>>> c = paired_comparison([0.030, 0.041, 0.022, 0.035], [0.051, 0.060, 0.049, 0.058])
>>> verdict(c)  # a comparison on its own is a family of one
'lower'
>>> describe(c, digits=3)
'lower (−0.022 [−0.028, −0.017], n = 4)'
>>> describe(adjusted(c, 0.2, 12), digits=3)
'no detectable difference after adjusting for 12 comparisons (−0.022 [−0.028, −0.017], n = 4; adjusted p = 0.20)'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

__all__ = [
    "CONFIDENCE",
    "Findings",
    "PairedComparison",
    "Summary",
    "adjusted",
    "compare_to_reference",
    "describe",
    "direction",
    "format_difference",
    "format_estimate",
    "format_number",
    "holm",
    "interval_direction",
    "paired_comparison",
    "summarize",
    "verdict",
]

#: Confidence level of every interval the site reports.
CONFIDENCE = 0.95
MINUS = "\u2212"  # typographic minus sign, as in print


def _values(values: Iterable[float], name: str) -> np.ndarray:
    """``values`` as a 1-D float array with at least 2 finite entries, or a clear error."""
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of per-seed values, got shape {array.shape}")
    if array.size < 2:
        raise ValueError(f"{name} needs at least 2 values (seeds) for an interval, got {array.size}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{name} has non-finite values at positions {bad.tolist()}: {array[bad].tolist()}")
    return array


def _check_confidence(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    return float(confidence)


@dataclass(frozen=True)
class Summary:
    """One arm across seeds: mean, sample standard deviation (ddof = 1), n, and the values."""

    mean: float
    sd: float
    n: int
    values: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "sd": self.sd, "n": self.n, "values": list(self.values)}


def summarize(values: Iterable[float], *, name: str = "values") -> Summary:
    """Mean, standard deviation and n of per-seed values (at least 2, all finite)."""
    array = _values(values, name)
    return Summary(float(array.mean()), float(array.std(ddof=1)), int(array.size), tuple(map(float, array)))


@dataclass(frozen=True)
class PairedComparison:
    """Arm ``a`` against arm ``b`` (or a fixed reference value) over the same seeds.

    ``mean_difference`` is the mean of ``a - b`` over seeds; ``low`` and ``high`` bound its
    ``confidence`` interval (paired t, n - 1 degrees of freedom); ``p_value`` is the two-sided
    paired t test of a zero mean difference. ``adjusted_p_value`` is that p-value adjusted within
    a family of ``family_size`` comparisons (Holm); a comparison made on its own is a family of
    one, whose adjusted p-value is its p-value.
    """

    a: str
    b: str
    n: int
    mean_a: float
    mean_b: float
    mean_difference: float
    low: float
    high: float
    p_value: float
    confidence: float = CONFIDENCE
    adjusted_p_value: float | None = None
    family_size: int = 1

    def __post_init__(self) -> None:
        if self.adjusted_p_value is None:
            if self.family_size != 1:
                raise ValueError(f"a comparison in a family of {self.family_size} needs its adjusted p-value")
            object.__setattr__(self, "adjusted_p_value", self.p_value)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PairedComparison:
        """Rebuild a comparison saved by :meth:`to_dict` (e.g. read back from a lab's results)."""
        missing = sorted(set(cls.__dataclass_fields__) - {"confidence"} - set(data))
        if missing:
            raise ValueError(f"a saved paired comparison needs the keys {missing}; it has {sorted(data)}")
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm step-down adjusted p-values of one family, in the order given.

    The smallest of m p-values is multiplied by m, the next by m - 1, and so on, each result
    raised to at least the one before it and capped at 1 (Holm 1979). Computed by
    ``statsmodels.stats.multitest.multipletests(method="holm")``.
    """
    array = np.asarray(p_values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"p_values must be a non-empty 1-D sequence, got shape {array.shape}")
    bad = np.flatnonzero(~((array >= 0.0) & (array <= 1.0)))
    if bad.size:
        raise ValueError(f"p_values must lie in [0, 1]; positions {bad.tolist()} hold {array[bad].tolist()}")
    return multipletests(array, alpha=1.0 - CONFIDENCE, method="holm")[1]


def adjusted(comparison: PairedComparison, adjusted_p_value: float, family_size: int) -> PairedComparison:
    """``comparison`` as a member of a family of ``family_size`` with the given adjusted p-value."""
    if not comparison.p_value <= adjusted_p_value <= 1.0:
        raise ValueError(f"an adjusted p-value lies between the p-value {comparison.p_value!r} and 1, "
                         f"got {adjusted_p_value!r}")
    if family_size < 1:
        raise ValueError(f"family_size must be at least 1, got {family_size!r}")
    return replace(comparison, adjusted_p_value=float(adjusted_p_value), family_size=int(family_size))


def _from_differences(differences: np.ndarray, a: str, b: str, mean_a: float, mean_b: float,
                      confidence: float) -> PairedComparison:
    """Interval and p-value of the mean of paired differences (one-sample t on the differences)."""
    confidence = _check_confidence(confidence)
    n = differences.size
    mean = float(differences.mean())
    if np.all(differences == differences[0]):
        # No spread: scipy's t statistic is 0/0 or ±inf. The interval is the point itself;
        # identical arms are no evidence of a difference (p = 1), a constant offset is certain.
        low = high = mean
        p_value = 1.0 if mean == 0.0 else 0.0
    else:
        result = stats.ttest_1samp(differences, 0.0)
        interval = result.confidence_interval(confidence_level=confidence)
        low, high, p_value = float(interval.low), float(interval.high), float(result.pvalue)
    return PairedComparison(a, b, int(n), float(mean_a), float(mean_b), mean, low, high, p_value, confidence)


def paired_comparison(a: Sequence[float], b: Sequence[float], *, a_name: str = "a", b_name: str = "b",
                      confidence: float = CONFIDENCE) -> PairedComparison:
    """Compare per-seed values of two arms; ``a[i]`` and ``b[i]`` must come from the same seed.

    The interval is that of :func:`scipy.stats.ttest_rel` (a one-sample t interval of the
    differences ``a - b``).
    """
    a_values, b_values = _values(a, a_name), _values(b, b_name)
    if a_values.shape != b_values.shape:
        raise ValueError(
            f"paired arms need one value per seed each: {a_name} has {a_values.size}, {b_name} has {b_values.size}"
        )
    return _from_differences(a_values - b_values, a_name, b_name, a_values.mean(), b_values.mean(), confidence)


def compare_to_reference(values: Sequence[float], reference: float, *, name: str = "values",
                         reference_name: str | None = None, confidence: float = CONFIDENCE) -> PairedComparison:
    """Compare per-seed values with a fixed number (a closed form, T = 1): one-sample t interval."""
    array = _values(values, name)
    if not math.isfinite(reference):
        raise ValueError(f"reference must be finite, got {reference!r}")
    label = reference_name if reference_name is not None else f"{reference:g}"
    return _from_differences(array - reference, name, label, array.mean(), reference, confidence)


# ------------------------------------------------------------------ words


def interval_direction(comparison: PairedComparison) -> int:
    """+1 if the interval lies above 0, -1 if below, 0 if it contains 0 (before any adjustment)."""
    if comparison.low > 0:
        return 1
    if comparison.high < 0:
        return -1
    return 0


def direction(comparison: PairedComparison) -> int:
    """The one verdict rule: the interval's side of 0, if the family-adjusted p-value confirms it.

    +1 or -1 when the interval excludes 0 *and* the adjusted p-value is below 1 - confidence
    (0.05); 0 otherwise.
    """
    level = round(1.0 - comparison.confidence, 12)  # 1 - 0.95 is 0.050000000000000044 in floating point
    if comparison.adjusted_p_value < level:
        return interval_direction(comparison)
    return 0


def _word(comparison: PairedComparison, higher: str, lower: str, null: str) -> str:
    sign = direction(comparison)
    if sign:
        return higher if sign > 0 else lower
    if interval_direction(comparison):
        return f"{null} after adjusting for {comparison.family_size} comparisons"
    return null


def verdict(comparison: PairedComparison, *, higher: str = "higher", lower: str = "lower",
            null: str = "no detectable difference") -> str:
    """"higher", "lower", or "no detectable difference …  (n = …)", by :func:`direction`.

    ``higher`` and ``lower`` name what a positive or negative difference ``a - b`` means for
    the reader ("better"/"worse" for accuracy, "looser"/"tighter" for cluster spread).
    """
    word = _word(comparison, higher, lower, null)
    return word if direction(comparison) else f"{word} (n = {comparison.n})"


def format_number(value: float, digits: int, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals and a typographic minus (``+`` too if ``sign``); never "−0.000"."""
    value = round(float(value), digits) + 0.0  # -0.0 + 0.0 is +0.0
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return text.replace("-", MINUS)


def format_estimate(summary: Summary | Mapping[str, Any], digits: int = 3) -> str:
    """``"0.042 ± 0.011"``: an arm's mean ± standard deviation over seeds."""
    mean, sd = (summary.mean, summary.sd) if isinstance(summary, Summary) else (summary["mean"], summary["sd"])
    return f"{format_number(mean, digits)} ± {format_number(sd, digits)}"


def format_difference(comparison: PairedComparison, digits: int = 3, *, count_of: int | None = None,
                      items: str = "") -> str:
    """``"+0.012 [0.004, 0.020], n = 8"``: mean difference, its interval and n.

    For a proportion of ``count_of`` items (accuracy on a fixed test set), the mean difference
    is also given as a count: ``"+0.0042 [0.0011, 0.0072], n = 8; +3.0 of the 719 test images"``.
    """
    c = comparison
    text = (f"{format_number(c.mean_difference, digits, sign=True)} "
            f"[{format_number(c.low, digits)}, {format_number(c.high, digits)}], n = {c.n}")
    if count_of is not None:
        text += f"; {format_number(c.mean_difference * count_of, 1, sign=True)} of the {count_of:,} {items}".rstrip()
    return text


def describe(comparison: PairedComparison, digits: int = 3, *, higher: str = "higher",
             lower: str = "lower", null: str = "no detectable difference", count_of: int | None = None,
             items: str = "") -> str:
    """Verdict and evidence: ``"lower (−0.031 [−0.040, −0.022], n = 8)"``.

    An interval that excludes 0 but does not survive the family's adjustment gives its adjusted
    p-value too, so that the reader sees why it earns no direction word.
    """
    evidence = format_difference(comparison, digits, count_of=count_of, items=items)
    if interval_direction(comparison) and not direction(comparison):
        evidence += f"; adjusted p = {format_number(comparison.adjusted_p_value, 2)}"
    return f"{_word(comparison, higher, lower, null)} ({evidence})"


# ------------------------------------------------------------------ a lab's findings


class Findings:
    """A lab's per-seed values by metric and arm, and the family of paired comparisons it reports.

    A lab records every comparison it reports (:meth:`compare`, :meth:`compare_to`), then
    closes the family with :meth:`adjust`, which Holm-adjusts their p-values together; only
    then does it have words (:meth:`describe`, :meth:`verdict`) or results to save. Numbers
    without words (:meth:`estimate`, :meth:`interval`) are available all along.

    ``to_dict()`` is what the lab's results cell saves and the pages read back with
    :meth:`from_dict`::

        {"metrics":     {metric: {"digits": 3, "unit": "nats", "count_of": None, "items": ""}},
         "arms":        {metric: {arm: {"mean", "sd", "n", "values"}}},
         "comparisons": {metric: {a: {b: PairedComparison.to_dict()}}},
         "family":      {"size": 23, "adjustment": "holm"}}

    Values of every arm of a metric are listed in the same seed order, so position i pairs them.
    """

    ADJUSTMENT = "holm"

    def __init__(self) -> None:
        self._metrics: dict[str, dict[str, Any]] = {}
        self._arms: dict[str, dict[str, Summary]] = {}
        self._comparisons: dict[str, dict[str, dict[str, PairedComparison]]] = {}
        self._adjusted = False

    def metric(self, name: str, *, digits: int = 3, unit: str = "", count_of: int | None = None,
               items: str = "") -> None:
        """Declare a metric and how many decimals its numbers are shown with.

        ``count_of`` marks a proportion of that many ``items`` (accuracy on 719 test images):
        its differences are also shown as a count.
        """
        if name in self._metrics:
            raise ValueError(f"metric {name!r} is already declared")
        if count_of is not None and (count_of < 1 or not items):
            raise ValueError(f"metric {name!r}: count_of needs a positive count and the items' name, "
                             f"got count_of={count_of!r}, items={items!r}")
        self._metrics[name] = {"digits": int(digits), "unit": unit, "count_of": count_of, "items": items}
        self._arms[name] = {}
        self._comparisons[name] = {}

    def _metric(self, name: str) -> dict[str, Any]:
        if name not in self._metrics:
            raise KeyError(f"metric {name!r} is not declared; declared: {sorted(self._metrics)}")
        return self._metrics[name]

    def digits(self, metric: str) -> int:
        return self._metric(metric)["digits"]

    def _count(self, metric: str) -> dict[str, Any]:
        info = self._metric(metric)
        return {"count_of": info["count_of"], "items": info["items"]}

    def add(self, metric: str, arm: str, values: Iterable[float]) -> Summary:
        """Record an arm's per-seed values (same seed order as the metric's other arms)."""
        self._metric(metric)
        if arm in self._arms[metric]:
            raise ValueError(f"arm {arm!r} of metric {metric!r} is already recorded")
        summary = summarize(values, name=f"{metric}/{arm}")
        others = {s.n for s in self._arms[metric].values()}
        if others and others != {summary.n}:
            raise ValueError(f"{metric}/{arm} has {summary.n} seeds; the metric's other arms have {sorted(others)}")
        self._arms[metric][arm] = summary
        return summary

    def arm(self, metric: str, arm: str) -> Summary:
        self._metric(metric)
        if arm not in self._arms[metric]:
            raise KeyError(f"metric {metric!r} has no arm {arm!r}; arms: {sorted(self._arms[metric])}")
        return self._arms[metric][arm]

    def _record(self, metric: str, b: str, comparison: PairedComparison) -> PairedComparison:
        if self._adjusted:
            raise ValueError(f"the family is closed (adjusted for {self.family_size} comparisons); "
                             f"{metric}: {comparison.a} vs {b} would change every adjusted p-value: "
                             "record it before adjust()")
        self._comparisons[metric].setdefault(comparison.a, {})[b] = comparison
        return comparison

    def compare(self, metric: str, a: str, b: str) -> PairedComparison:
        """Paired comparison of arm ``a`` against arm ``b``; recorded in the family."""
        comparison = paired_comparison(self.arm(metric, a).values, self.arm(metric, b).values,
                                       a_name=a, b_name=b)
        return self._record(metric, b, comparison)

    def compare_to(self, metric: str, a: str, reference: float, reference_name: str) -> PairedComparison:
        """Arm ``a`` against a fixed value (recorded under ``reference_name`` as the second arm)."""
        comparison = compare_to_reference(self.arm(metric, a).values, reference, name=a,
                                          reference_name=reference_name)
        return self._record(metric, reference_name, comparison)

    def _all(self) -> list[tuple[str, str, str]]:
        return [(m, a, b) for m, by_a in self._comparisons.items() for a, by_b in by_a.items() for b in by_b]

    @property
    def family_size(self) -> int:
        """How many comparisons the lab reports: the family its p-values are adjusted in."""
        return len(self._all())

    def adjust(self) -> None:
        """Close the family: Holm-adjust the p-values of every recorded comparison together."""
        if self._adjusted:
            raise ValueError("the family is already adjusted")
        keys = self._all()
        if not keys:
            raise ValueError("no comparison is recorded: a family needs at least one")
        raw = [self._comparisons[m][a][b] for m, a, b in keys]
        for (m, a, b), c, p in zip(keys, raw, holm([c.p_value for c in raw])):
            self._comparisons[m][a][b] = adjusted(c, p, len(keys))
        self._adjusted = True

    def comparison(self, metric: str, a: str, b: str) -> PairedComparison:
        self._metric(metric)
        try:
            return self._comparisons[metric][a][b]
        except KeyError:
            raise KeyError(f"no comparison {metric}: {a} vs {b} was recorded") from None

    def _adjusted_comparison(self, metric: str, a: str, b: str) -> PairedComparison:
        comparison = self.comparison(metric, a, b)
        if not self._adjusted:
            raise ValueError(f"{metric}: {a} vs {b} has no words yet: its verdict follows the p-value adjusted "
                             "within the lab's family, so record every comparison first and call adjust()")
        return comparison

    def estimate(self, metric: str, arm: str) -> str:
        """``"0.042 ± 0.011"`` at the metric's precision."""
        return format_estimate(self.arm(metric, arm), self.digits(metric))

    def interval(self, metric: str, a: str, b: str) -> str:
        """The recorded comparison as ``"−0.031 [−0.040, −0.022], n = 8"`` (no verdict, no adjustment)."""
        return format_difference(self.comparison(metric, a, b), self.digits(metric), **self._count(metric))

    def describe(self, metric: str, a: str, b: str, **words: str) -> str:
        """The recorded comparison as ``"lower (−0.031 [−0.040, −0.022], n = 8)"``."""
        return describe(self._adjusted_comparison(metric, a, b), self.digits(metric), **self._count(metric), **words)

    def verdict(self, metric: str, a: str, b: str, **words: str) -> str:
        return verdict(self._adjusted_comparison(metric, a, b), **words)

    def direction(self, metric: str, a: str, b: str) -> int:
        return direction(self._adjusted_comparison(metric, a, b))

    def rule(self) -> str:
        """One sentence for a lab's readers: its family, the adjustment and what the words mean."""
        m = self.family_size
        return (f"This lab reports {m} paired comparisons, and their p-values are adjusted together as one "
                f"family (Holm's step-down method). A verdict names a direction only when the 95 % interval "
                f"excludes 0 and the adjusted p-value is below {1 - CONFIDENCE:.2f}; an interval that excludes 0 "
                f"before the adjustment but not after reads \"no detectable difference after adjusting for {m} "
                "comparisons\", with its adjusted p.")

    def to_dict(self) -> dict[str, Any]:
        if not self._adjusted:
            raise ValueError("findings are saved with their adjusted p-values: call adjust() first")
        return {
            "metrics": {m: dict(v) for m, v in self._metrics.items()},
            "arms": {m: {arm: s.to_dict() for arm, s in arms.items()} for m, arms in self._arms.items()},
            "comparisons": {m: {a: {b: c.to_dict() for b, c in bs.items()} for a, bs in cs.items()}
                            for m, cs in self._comparisons.items()},
            "family": {"size": self.family_size, "adjustment": self.ADJUSTMENT},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Findings:
        """Findings saved by :meth:`to_dict`, read back with their words (as the page macros do)."""
        missing = sorted({"metrics", "arms", "comparisons", "family"} - set(data))
        if missing:
            raise ValueError(f"saved findings need the keys {missing}; they have {sorted(data)}")
        findings = cls()
        for metric, info in data["metrics"].items():
            findings.metric(metric, digits=info["digits"], unit=info["unit"], count_of=info["count_of"],
                            items=info["items"])
        for metric, arms in data["arms"].items():
            findings._metric(metric)
            findings._arms[metric] = {arm: Summary(s["mean"], s["sd"], s["n"], tuple(s["values"]))
                                      for arm, s in arms.items()}
        for metric, by_a in data["comparisons"].items():
            findings._metric(metric)
            findings._comparisons[metric] = {a: {b: PairedComparison.from_dict(c) for b, c in by_b.items()}
                                             for a, by_b in by_a.items()}
        family = data["family"]
        sizes = {c.family_size for by_a in findings._comparisons.values() for by_b in by_a.values()
                 for c in by_b.values()}
        if family["adjustment"] != cls.ADJUSTMENT or sizes != {family["size"]} or findings.family_size != family["size"]:
            raise ValueError(f"saved findings are not one {cls.ADJUSTMENT}-adjusted family: the family says "
                             f"{dict(family)}, there are {findings.family_size} comparisons, adjusted in families "
                             f"of {sorted(sizes)}")
        findings._adjusted = True
        return findings
