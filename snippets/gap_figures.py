"""The math page's figures: where the smoothed loss stops the logit gap, drawn from the library.

Two drawing functions in the site's figure convention (:mod:`snippets.plotting`: ``draw(variant)``
returns a fixed-size figure laid out for a desktop or a phone, coloured for the light or dark
scheme). The site build draws every variant (``hooks/page_figures.py``).

* :func:`draw_optimal_gap`: the optimal gap g* against the number of classes K for a few α.
* :func:`draw_loss_along_gap`: one example's loss as its logit gap grows, with hard and with
  smoothed targets: the hard loss keeps falling, the smoothed loss has its minimum at g*, where
  it equals the floor H(y_s).

Colours follow the chapter's one mapping (:data:`snippets.plotting.RUN_HUES`): hard labels
vermillion, smoothed labels blue, as in the overview's widget and the labs; where smoothing stops
(g* and the floor) is drawn in the reference colour, dotted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import loss_floor, optimal_logit_gap, smoothed_cross_entropy
from snippets.plotting import Variant, run_color

#: The α values the gap-against-K figure draws, and the class counts it spans.
ALPHAS = (0.05, 0.1, 0.2)
CLASS_RANGE = (2, 100_000)
#: The example the loss-along-gap figure follows: K classes, smoothed with α.
EXAMPLE_CLASSES, EXAMPLE_ALPHA = 10, 0.1


def loss_along_gap(gaps: npt.ArrayLike, num_classes: int, alpha: float) -> np.ndarray:
    """The smoothed loss of one example whose true logit sits ``g`` above ``K - 1`` equal wrong logits.

    Computed by the library's :func:`~snippets.label_smoothing.smoothed_cross_entropy` on the
    logits ``[g, 0, ..., 0]`` with label 0, one row per gap.
    """
    gaps = np.asarray(gaps, dtype=np.float64)
    if gaps.ndim != 1 or not np.all(np.isfinite(gaps)):
        raise ValueError(f"gaps must be a 1-D array of finite numbers, got {gaps!r}")
    logits = np.zeros((gaps.size, num_classes))
    logits[:, 0] = gaps
    return smoothed_cross_entropy(logits, np.zeros(gaps.size, dtype=int), alpha, reduction="none")


def _lines(variant: Variant) -> dict[str, Any]:
    return {
        "hard": {"color": run_color("hard", variant.scheme)},
        "smoothed": {"color": run_color("smoothed", variant.scheme)},
        "stop": {"color": variant.colors["reference"], "linestyle": ":", "linewidth": 1.4},
    }


def draw_optimal_gap(variant: Variant) -> Any:
    """g* = log(1 + K(1 − α)/α) against K (log axis), one curve per α in :data:`ALPHAS`."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=variant.figsize(2.9 if variant.phone else 2.6))
    classes = np.unique(np.geomspace(*CLASS_RANGE, 200).round().astype(int))
    widths = {0.05: 1.2, 0.1: 2.2, 0.2: 1.2}
    styles = {0.05: "-.", 0.1: "-", 0.2: (0, (1, 1.5))}
    for alpha in ALPHAS:
        gaps = [optimal_logit_gap(int(k), alpha) for k in classes]
        ax.plot(classes, gaps, color=run_color("smoothed", variant.scheme), linewidth=widths[alpha], linestyle=styles[alpha],
                label=f"α = {alpha:g}")
    marked = optimal_logit_gap(EXAMPLE_CLASSES, EXAMPLE_ALPHA)
    ax.plot([EXAMPLE_CLASSES], [marked], "o", color=variant.colors["reference"], markersize=5)
    ax.annotate(f"K = {EXAMPLE_CLASSES}: g* = {marked:.2f}", (EXAMPLE_CLASSES, marked), xytext=(8, -12),
                textcoords="offset points", color=variant.colors["text"])
    ax.set_xscale("log")
    ax.set_xlim(*CLASS_RANGE)
    ax.set_ylim(0, None)
    ax.set_xlabel("number of classes K (log scale)")
    ax.set_ylabel("optimal logit gap g*")
    ax.legend(loc="upper left")
    return fig


def draw_loss_along_gap(variant: Variant) -> Any:
    """One example's loss against its gap g, hard and smoothed, with g* and the floor marked."""
    import matplotlib.pyplot as plt

    lines = _lines(variant)
    num_classes, alpha = EXAMPLE_CLASSES, EXAMPLE_ALPHA
    best, floor = optimal_logit_gap(num_classes, alpha), loss_floor(num_classes, alpha)
    gaps = np.linspace(0.0, 12.0, 241)
    fig, ax = plt.subplots(figsize=variant.figsize(3.4 if variant.phone else 2.6))
    ax.plot(gaps, loss_along_gap(gaps, num_classes, 0.0), label="loss on hard labels", **lines["hard"])
    ax.plot(gaps, loss_along_gap(gaps, num_classes, alpha), label=f"loss on smoothed labels (α = {alpha:g})",
            **lines["smoothed"])
    ax.axhline(floor, **lines["stop"])
    ax.axvline(best, **lines["stop"])
    ax.plot([best], [floor], "o", color=variant.colors["reference"], markersize=5)
    ax.annotate(f"minimum: g* = {best:.2f},\nloss = H(yₛ) = {floor:.2f}", (best, floor), xytext=(best + 1.0, 1.3),
                textcoords="data", color=variant.colors["text"],
                arrowprops={"arrowstyle": "-", "color": variant.colors["text"], "linewidth": 0.8})  # clear of the curves and ticks
    ax.set_xlim(gaps[0], gaps[-1])
    ax.set_ylim(0, 2.8)  # room above the curves for the legend (desktop) and the note
    ax.set_xlabel(f"logit gap g (K = {num_classes})")
    ax.set_ylabel("loss of one example (nats)")
    if variant.phone:  # a phone-width panel has no room beside the curves' start for the legend
        fig.legend(loc="outside lower center")
    else:
        ax.legend(loc="upper right")
    return fig


#: The figures pages include, by name: ``{{ page_figure("gap_figures", "optimal-gap", alt=...) }}``.
FIGURES = {"optimal-gap": draw_optimal_gap, "loss-along-gap": draw_loss_along_gap}
