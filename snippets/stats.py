"""Paired comparisons for the labs: a mean difference, its 95 % interval, n, and the words for it.

Every lab compares *arms* (hard labels against label smoothing, one teacher against another)
run on the same seeds. A seed fixes the data subset, the initial weights and the batch order,
so seed ``i`` of arm ``a`` and seed ``i`` of arm ``b`` differ only in the thing compared: the
comparison is *paired*. The paired t interval (:func:`scipy.stats.ttest_rel`) of the mean
difference ``a - b`` is what a lab reports, and its words follow from the interval alone:

* "higher" (or a word the caller chooses, such as "better" or "looser") when the interval
  lies above 0,
* "lower" (or "worse", "tighter", ...) when it lies below 0,
* "no detectable difference (n = 8)" when it contains 0.

This module is the only place that rule is written; the labs' prose and the site's page
macros (``hooks/macros.py``) both call :func:`direction` through :func:`verdict` and
:func:`describe`. :class:`Findings` collects a lab's per-seed values and the comparisons it
reports, and turns them into the JSON the pages read.

>>> c = paired_comparison([0.030, 0.041, 0.022, 0.035], [0.051, 0.060, 0.049, 0.058])
>>> verdict(c)
'lower'
>>> describe(c, digits=3)
'lower (−0.022 [−0.028, −0.017], n = 4)'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "CONFIDENCE",
    "Findings",
    "PairedComparison",
    "Summary",
    "compare_to_reference",
    "describe",
    "direction",
    "format_difference",
    "format_estimate",
    "format_number",
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
    paired t test of a zero mean difference.
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PairedComparison:
        """Rebuild a comparison saved by :meth:`to_dict` (e.g. read back from a lab's results)."""
        missing = sorted(set(cls.__dataclass_fields__) - {"confidence"} - set(data))
        if missing:
            raise ValueError(f"a saved paired comparison needs the keys {missing}; it has {sorted(data)}")
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


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


def direction(comparison: PairedComparison) -> int:
    """+1 if the interval lies above 0, -1 if below, 0 if it contains 0. The one verdict rule."""
    if comparison.low > 0:
        return 1
    if comparison.high < 0:
        return -1
    return 0


def verdict(comparison: PairedComparison, *, higher: str = "higher", lower: str = "lower",
            null: str = "no detectable difference") -> str:
    """"higher", "lower", or "no detectable difference (n = …)", from the interval alone.

    ``higher`` and ``lower`` name what a positive or negative difference ``a - b`` means for
    the reader ("better"/"worse" for accuracy, "looser"/"tighter" for cluster spread).
    """
    sign = direction(comparison)
    if sign > 0:
        return higher
    if sign < 0:
        return lower
    return f"{null} (n = {comparison.n})"


def format_number(value: float, digits: int, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals and a typographic minus (``+`` too if ``sign``); never "−0.000"."""
    value = round(float(value), digits) + 0.0  # -0.0 + 0.0 is +0.0
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return text.replace("-", MINUS)


def format_estimate(summary: Summary | Mapping[str, Any], digits: int = 3) -> str:
    """``"0.042 ± 0.011"``: an arm's mean ± standard deviation over seeds."""
    mean, sd = (summary.mean, summary.sd) if isinstance(summary, Summary) else (summary["mean"], summary["sd"])
    return f"{format_number(mean, digits)} ± {format_number(sd, digits)}"


def format_difference(comparison: PairedComparison, digits: int = 3) -> str:
    """``"+0.012 [0.004, 0.020], n = 8"``: mean difference, its interval and n."""
    c = comparison
    return (f"{format_number(c.mean_difference, digits, sign=True)} "
            f"[{format_number(c.low, digits)}, {format_number(c.high, digits)}], n = {c.n}")


def describe(comparison: PairedComparison, digits: int = 3, *, higher: str = "higher",
             lower: str = "lower", null: str = "no detectable difference") -> str:
    """Verdict and evidence: ``"lower (−0.031 [−0.040, −0.022], n = 8)"``."""
    sign = direction(comparison)
    word = higher if sign > 0 else lower if sign < 0 else null
    return f"{word} ({format_difference(comparison, digits)})"


# ------------------------------------------------------------------ a lab's findings


class Findings:
    """A lab's per-seed values by metric and arm, and the paired comparisons it reports.

    ``to_dict()`` is what the lab's results cell saves and the pages read::

        {"metrics":     {metric: {"digits": 3, "unit": "nats"}},
         "arms":        {metric: {arm: {"mean", "sd", "n", "values"}}},
         "comparisons": {metric: {a: {b: PairedComparison.to_dict()}}}}

    Values of every arm of a metric are listed in the same seed order, so position i pairs them.
    """

    def __init__(self) -> None:
        self._metrics: dict[str, dict[str, Any]] = {}
        self._arms: dict[str, dict[str, Summary]] = {}
        self._comparisons: dict[str, dict[str, dict[str, PairedComparison]]] = {}

    def metric(self, name: str, *, digits: int = 3, unit: str = "") -> None:
        """Declare a metric and how many decimals its numbers are shown with."""
        if name in self._metrics:
            raise ValueError(f"metric {name!r} is already declared")
        self._metrics[name] = {"digits": int(digits), "unit": unit}
        self._arms[name] = {}
        self._comparisons[name] = {}

    def _metric(self, name: str) -> dict[str, Any]:
        if name not in self._metrics:
            raise KeyError(f"metric {name!r} is not declared; declared: {sorted(self._metrics)}")
        return self._metrics[name]

    def digits(self, metric: str) -> int:
        return self._metric(metric)["digits"]

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

    def compare(self, metric: str, a: str, b: str) -> PairedComparison:
        """Paired comparison of arm ``a`` against arm ``b``; recorded for the pages."""
        comparison = paired_comparison(self.arm(metric, a).values, self.arm(metric, b).values,
                                       a_name=a, b_name=b)
        self._comparisons[metric].setdefault(a, {})[b] = comparison
        return comparison

    def compare_to(self, metric: str, a: str, reference: float, reference_name: str) -> PairedComparison:
        """Arm ``a`` against a fixed value (recorded under ``reference_name`` as the second arm)."""
        comparison = compare_to_reference(self.arm(metric, a).values, reference, name=a,
                                          reference_name=reference_name)
        self._comparisons[metric].setdefault(a, {})[reference_name] = comparison
        return comparison

    def comparison(self, metric: str, a: str, b: str) -> PairedComparison:
        self._metric(metric)
        try:
            return self._comparisons[metric][a][b]
        except KeyError:
            raise KeyError(f"no comparison {metric}: {a} vs {b} was recorded") from None

    def estimate(self, metric: str, arm: str) -> str:
        """``"0.042 ± 0.011"`` at the metric's precision."""
        return format_estimate(self.arm(metric, arm), self.digits(metric))

    def interval(self, metric: str, a: str, b: str) -> str:
        """The recorded comparison as ``"−0.031 [−0.040, −0.022], n = 8"``."""
        return format_difference(self.comparison(metric, a, b), self.digits(metric))

    def describe(self, metric: str, a: str, b: str, **words: str) -> str:
        """The recorded comparison as ``"lower (−0.031 [−0.040, −0.022], n = 8)"``."""
        return describe(self.comparison(metric, a, b), self.digits(metric), **words)

    def verdict(self, metric: str, a: str, b: str, **words: str) -> str:
        return verdict(self.comparison(metric, a, b), **words)

    def direction(self, metric: str, a: str, b: str) -> int:
        return direction(self.comparison(metric, a, b))

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": {m: dict(v) for m, v in self._metrics.items()},
            "arms": {m: {arm: s.to_dict() for arm, s in arms.items()} for m, arms in self._arms.items()},
            "comparisons": {m: {a: {b: c.to_dict() for b, c in bs.items()} for a, bs in cs.items()}
                            for m, cs in self._comparisons.items()},
        }
