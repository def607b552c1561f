"""The logit-gap explorer, the overview page's hero figure, rendered at build time.

``{{ kit.logit_gap_explorer() }}`` on a page returns the whole widget as HTML, drawn from
:mod:`snippets.gap_dynamics` for the default K and alpha at step 0, ready for a first experiment:
the controls; two bar panels, one per run (trained on hard labels, trained on smoothed labels),
with the target and the predicted probabilities over the classes; two charts of the logit gap
and each run's training loss against the gradient-descent step on a log axis; a legend and a
short readout. ``widget.js`` beside this file draws the same layers with
the same geometry as the controls move, and plays the descent; the browser tests compare the two.
Without JavaScript the charts show the whole descent and a table gives the true-class probability
at a few steps.

Colours are the labs' (:data:`snippets.plotting.SCHEMES`): hard labels vermillion, smoothed
labels blue, targets in the reference colour, dashed.

Plain Python, no MkDocs import: part of the concept's kit (``macros.py`` here, ``hooks/concept_kits.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from html import escape

import numpy as np

from snippets.gap_dynamics import gap_loss, gap_probabilities, gap_trajectory
from snippets.label_smoothing import loss_floor, optimal_logit_gap, smooth_labels
from snippets.plotting import RUN_HUES, SCHEMES, run_label

STEPS = 10_000        # four decades: enough for the smallest alpha on the slider to settle
LEARNING_RATE = 1.0   # <= 2, so the smoothed gap never overshoots g*

# Slider positions. Alpha: 0-0.3 in steps of 0.01 (and 0.001-0.005 near 0) takes most of the
# travel, 0.4-1 the rest. K: ten steps a decade, on values that include real vocabulary sizes.
ALPHA_VALUES = (0.0, 0.001, 0.002, 0.005) + tuple(i / 100 for i in range(1, 31)) + tuple(
    i / 10 for i in range(4, 11))
K_MANTISSAS = (1, 1.28, 1.6, 2, 2.56, 3.2, 4, 5.12, 6.4, 8)
K_VALUES = tuple(sorted({k for d in range(6) for m in K_MANTISSAS
                         if 2 <= (k := round(m * 10**d)) <= 256_000}))

# Chart geometry in SVG user units (both charts share it).
WIDTH, HEIGHT = 340, 224
LEFT, RIGHT, TOP, BOTTOM = 34, 40, 26, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
X_TICKS = (0, 1, 10, 100, 1_000, 10_000)
CHARTS = {"gap": "logit gap g", "loss": "each run's training loss (nats)"}
# Bar panels: as wide as a chart, with their own height; at most MAX_BARS classes drawn (the
# wrong classes are all alike, so more bars would add width and nothing else).
BAR_HEIGHT, BAR_TOP, BAR_BOTTOM, BAR_RIGHT = 142, 26, 38, 8
BAR_PLOT_W, BAR_PLOT_H = WIDTH - LEFT - BAR_RIGHT, BAR_HEIGHT - BAR_TOP - BAR_BOTTOM
MAX_BARS = 10
RUNS = {"hard": run_label("hard"), "soft": run_label("smoothed")}
TABLE_STEPS = (0, 1, 10, 100, 1_000, 10_000)   # the no-JavaScript table's rows
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# The labs' colours (snippets/plotting.py), so a run has one colour on every page of the chapter.
COLOURS = {"hard": RUN_HUES["hard"], "soft": RUN_HUES["smoothed"], "reference": "reference"}


# ------------------------------------------------------------------ numbers and words


def fmt(x: float) -> str:
    """Three significant digits; ``5.00×10⁻⁵`` below 0.001; ``∞`` for infinity."""
    if math.isinf(x):
        return "∞"
    if x == 0:
        return "0"
    if abs(x) < 1e-3:
        mantissa, exponent = f"{x:.2e}".split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
    return f"{x:#.3g}".rstrip(".")


def fmt_probability(p: float) -> str:
    """Four decimals (``0.9100``), except where they would hide the number: as :func:`fmt` below
    0.0010 (the rounded value decides, so 1/K and its neighbour one ulp away read alike) and as
    ``1 − 5.00×10⁻⁵`` where they would round to 1, so a probability below 1 never reads as 1."""
    if p == 1:
        return "1"
    # Halves round up, as JavaScript's toFixed does (1/32 = 0.03125 reads 0.0313 in both)
    text = str(Decimal(p).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    if text == "1.0000":
        return f"1 − {fmt(1 - p)}"
    return fmt(p) if float(text) < 1e-3 else text


def format_alpha(alpha: float) -> str:
    return f"{alpha:.3f}" if 0 < alpha < 0.01 else f"{alpha:.2f}"


def tick_label(value: float) -> str:
    return f"{round(value, 6):g}"


def nice_step(span: float, count: int) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` ticks."""
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    f = raw / power
    return (1 if f <= 1 else 2 if f <= 2 else 2.5 if f <= 2.5 else 5 if f <= 5 else 10) * power


def sample_steps(steps: int = STEPS) -> list[int]:
    """Steps at which the curves are drawn: every step up to 20, then 5 % apart, and the last."""
    n, out = 0, [0]
    while n < steps:
        n = min(steps, max(n + 1, math.floor(n * 1.05)))
        out.append(n)
    return out


# ------------------------------------------------------------------ one state of the widget


@dataclass(frozen=True)
class Descent:
    """Gradient descent on one example's logits with hard and with smoothed targets."""

    num_classes: int
    alpha: float

    @cached_property
    def hard(self) -> np.ndarray:
        return gap_trajectory(self.num_classes, 0.0, STEPS, LEARNING_RATE)

    @cached_property
    def smoothed(self) -> np.ndarray:
        return gap_trajectory(self.num_classes, self.alpha, STEPS, LEARNING_RATE)

    @property
    def optimum(self) -> float:
        return optimal_logit_gap(self.num_classes, self.alpha)

    @property
    def floor(self) -> float:
        return loss_floor(self.num_classes, self.alpha)

    def gaps(self, run: str) -> np.ndarray:
        return self.hard if run == "hard" else self.smoothed

    def target(self, run: str) -> tuple[float, float]:
        """(true class, each other class) of the run's target: one-hot, or the smoothed labels."""
        row = smooth_labels(np.array([0]), self.num_classes, 0.0 if run == "hard" else self.alpha)[0]
        return float(row[0]), float(row[1])

    def probabilities(self, run: str, step: int) -> tuple[float, float]:
        """(true class, each other class) of the run's prediction, the softmax of its logits."""
        p_true, p_other = gap_probabilities(self.num_classes, self.gaps(run)[step])
        return float(p_true), float(p_other)

    def values(self, chart: str, step: int) -> tuple[float, float]:
        """(hard, smoothed) value of a chart at a step."""
        hard, smoothed = self.hard[step], self.smoothed[step]
        if chart == "gap":
            return float(hard), float(smoothed)
        return (float(gap_loss(self.num_classes, 0.0, hard)),
                float(gap_loss(self.num_classes, self.alpha, smoothed)))

    def y_max(self, chart: str) -> tuple[float, float]:
        """(top of the y axis, tick spacing): the hard gap ends highest; both losses start at log K."""
        top = 1.04 * (self.hard[-1] if chart == "gap" else math.log(self.num_classes))
        return top, nice_step(top, 4)


def x_of(step: int) -> float:
    return LEFT + PLOT_W * math.log10(1 + step) / math.log10(1 + STEPS)


def y_scale(y_max: float):
    return lambda v: TOP + PLOT_H * (1 - v / y_max)


def readout(d: Descent, step: int) -> str:
    """The live region's content: the step, both runs' true-class probability, gap and loss, each
    with where smoothing takes it."""
    gap_hard, gap_soft = d.values("gap", step)
    loss_hard, loss_soft = d.values("loss", step)
    optimum = f"g* {fmt(d.optimum)}" if d.alpha > 0 else "no g*"   # alpha = 0: g* is infinite
    p_hard, p_soft = d.probabilities("hard", step)[0], d.probabilities("soft", step)[0]
    return (f"<span>Step {step:,}.</span> "
            f"<span>True-class probability: hard {fmt_probability(p_hard)}, smoothed "
            f"{fmt_probability(p_soft)}, target {fmt_probability(d.target('soft')[0])}.</span> "
            f"<span>Gap: hard {fmt(gap_hard)}, smoothed {fmt(gap_soft)}, {optimum}.</span> "
            f"<span>Loss: hard {fmt(loss_hard)}, smoothed {fmt(loss_soft)}, floor {fmt(d.floor)}.</span>")


# ------------------------------------------------------------------ SVG


def chart_layer(d: Descent, chart: str) -> str:
    """The part of a chart that depends on K and alpha: y grid, target line, both curves."""
    y_max, y_step = d.y_max(chart)
    sy = y_scale(y_max)
    parts = []
    for i in range(math.floor(y_max / y_step + 1e-9) + 1):
        y = sy(i * y_step)
        parts.append(f'<line class="ls-grid" x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="ls-tick" x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{tick_label(i * y_step)}</text>')
    target = d.optimum if chart == "gap" else d.floor
    if math.isfinite(target):
        y = sy(target)
        label_y = min(max(y + 4, TOP + 8), TOP + PLOT_H - 4)   # clear of the top and the x ticks
        name = "g*" if chart == "gap" else "H(yₛ)"
        parts.append(f'<line class="ls-target" x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="ls-target-label" x="{LEFT + PLOT_W + 7}" y="{label_y:.1f}">{name}</text>')
    samples = sample_steps()
    for index, name in ((1, "soft"), (0, "hard")):   # hard drawn last: on top where the two coincide
        points = "L".join(f"{x_of(n):.1f} {sy(d.values(chart, n)[index]):.1f}" for n in samples)
        parts.append(f'<path class="ls-{name}" clip-path="url(#ls-clip-{chart})" d="M{points}"/>')
    return "".join(parts)


def position_attributes(d: Descent, chart: str, step: int) -> dict[str, dict[str, str]]:
    """Attributes of what marks the current step: the clip's right edge, the cursor, two dots."""
    sy = y_scale(d.y_max(chart)[0])
    x = x_of(step)
    hard, soft = d.values(chart, step)
    return {"clip": {"width": f"{x + 0.5:.1f}"},
            "cursor": {"x1": f"{x:.1f}", "x2": f"{x:.1f}"},
            "hard": {"cx": f"{x:.1f}", "cy": f"{sy(hard):.1f}"},
            "soft": {"cx": f"{x:.1f}", "cy": f"{sy(soft):.1f}"}}


def _attrs(values: dict[str, str]) -> str:
    return " ".join(f'{k}="{v}"' for k, v in values.items())


def chart_svg(d: Descent, chart: str, step: int) -> str:
    at = position_attributes(d, chart, step)
    bottom = TOP + PLOT_H
    ticks = "".join(f'<text class="ls-tick" x="{x_of(n):.1f}" y="{bottom + 16}" text-anchor="middle">{n:,}</text>'
                    for n in X_TICKS)
    title = {"gap": "Logit gap against gradient-descent steps (log scale), for the runs trained on hard and "
                    "on smoothed labels",
             "loss": "Each run's training loss against gradient-descent steps (log scale): cross-entropy against "
                     "the one-hot label for the hard run, against the smoothed labels for the other"}[chart]
    return (f'<svg class="ls-hero__chart" data-ls-chart="{chart}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="ls-title-{chart}"><title id="ls-title-{chart}">{title}</title>'
            f'<clipPath id="ls-clip-{chart}"><rect data-ls-at="clip" x="0" y="0" height="{HEIGHT}" '
            f'{_attrs(at["clip"])}/></clipPath>'
            f'<g data-ls-layer="">{chart_layer(d, chart)}</g>'
            f'<line class="ls-axis" x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{bottom}" y2="{bottom}"/>'
            f'<line class="ls-axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}"/>'
            f'{ticks}<text class="ls-label" x="2" y="14">{CHARTS[chart]}</text>'
            f'<text class="ls-label" x="{LEFT + PLOT_W / 2:.0f}" y="{HEIGHT - 4}" text-anchor="middle">'
            f'gradient-descent steps (log scale)</text>'
            f'<line class="ls-cursor" data-ls-at="cursor" y1="{TOP}" y2="{bottom}" {_attrs(at["cursor"])}/>'
            f'<circle class="ls-dot-soft" data-ls-at="soft" r="4" {_attrs(at["soft"])}/>'
            f'<circle class="ls-dot-hard" data-ls-at="hard" r="4" {_attrs(at["hard"])}/></svg>')


def bars_layer(d: Descent, run: str, step: int) -> str:
    """The part of a run's bar panel that moves: the predicted probability of each class drawn as
    a bar, its target as a dashed mark across the bar, and the two probabilities in words below."""
    p_true, p_other = d.probabilities(run, step)
    t_true, t_other = d.target(run)
    slots = min(d.num_classes, MAX_BARS)
    slot_w = BAR_PLOT_W / slots
    bottom = BAR_TOP + BAR_PLOT_H

    def y(p: float) -> float:
        return BAR_TOP + BAR_PLOT_H * (1 - p)

    parts = []
    for i in range(slots):
        p, t = (p_true, t_true) if i == 0 else (p_other, t_other)
        parts.append(f'<rect class="ls-bar-{run}" x="{LEFT + slot_w * (i + 0.2):.1f}" y="{y(p):.1f}" '
                     f'width="{slot_w * 0.6:.1f}" height="{bottom - y(p):.1f}"/>'
                     f'<line class="ls-target" x1="{LEFT + slot_w * (i + 0.05):.1f}" '
                     f'x2="{LEFT + slot_w * (i + 0.95):.1f}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>')
    true_x, other_x = LEFT + slot_w / 2, LEFT + slot_w * (1 + slots) / 2
    others = d.num_classes - 1
    if others == 1:
        other_value, other_name = fmt_probability(p_other), "other class"
    else:
        other_value = f"{fmt_probability(p_other)} each"
        other_name = "other classes" + (f" ({slots - 1} of {others:,})" if slots - 1 < others else "")
    for x, value, name in ((true_x, fmt_probability(p_true), "true class"), (other_x, other_value, other_name)):
        parts.append(f'<text class="ls-value" x="{x:.1f}" y="{bottom + 15}" text-anchor="middle">{value}</text>'
                     f'<text class="ls-label" x="{x:.1f}" y="{bottom + 31}" text-anchor="middle">{name}</text>')
    return "".join(parts)


def bars_svg(d: Descent, run: str, step: int) -> str:
    """A run's bar panel: the fixed frame (title, probability axis) around :func:`bars_layer`."""
    ticks = "".join(
        f'<line class="ls-grid" x1="{LEFT}" x2="{LEFT + BAR_PLOT_W}" y1="{BAR_TOP + BAR_PLOT_H * (1 - p):.1f}" '
        f'y2="{BAR_TOP + BAR_PLOT_H * (1 - p):.1f}"/><text class="ls-tick" x="{LEFT - 5}" '
        f'y="{BAR_TOP + BAR_PLOT_H * (1 - p) + 4:.1f}" text-anchor="end">{tick_label(p)}</text>'
        for p in (0, 0.5, 1))
    title = (f"Probabilities over the classes for the run {RUNS[run]}: the prediction as bars, "
             "the target as dashed marks")
    return (f'<svg class="ls-hero__bars" data-ls-bars="{run}" viewBox="0 0 {WIDTH} {BAR_HEIGHT}" role="img" '
            f'aria-labelledby="ls-title-{run}"><title id="ls-title-{run}">{title}</title>{ticks}'
            f'<line class="ls-axis" x1="{LEFT}" x2="{LEFT + BAR_PLOT_W}" y1="{BAR_TOP + BAR_PLOT_H}" '
            f'y2="{BAR_TOP + BAR_PLOT_H}"/>'
            f'<rect class="ls-swatch-{run}" x="2" y="5" width="14" height="10"/>'
            f'<text class="ls-title" x="22" y="14">{RUNS[run]}</text>'
            f'<g data-ls-layer="">{bars_layer(d, run, step)}</g></svg>')


def static_table(d: Descent) -> str:
    """Without JavaScript: the true-class probability of both runs at a few steps, and the targets."""
    rows = [("target", d.target("hard")[0], d.target("soft")[0])] + [
        (f"step {n:,}", d.probabilities("hard", n)[0], d.probabilities("soft", n)[0]) for n in TABLE_STEPS]
    body = "".join(f'<tr><th scope="row">{name}</th><td>{fmt_probability(hard)}</td>'
                   f'<td>{fmt_probability(soft)}</td></tr>' for name, hard, soft in rows)
    return ('<table class="ls-hero__table"><caption>Probability of the true class</caption><thead><tr>'
            '<th scope="col"></th><th scope="col">trained on hard labels</th>'
            f'<th scope="col">trained on smoothed labels</th></tr></thead><tbody>{body}</tbody></table>')


def colour_properties() -> str:
    """CSS custom properties with the labs' colours in both schemes (widget.css picks one)."""
    return ";".join(f"--ls-{role}-{scheme}:{SCHEMES[scheme][name]}"
                    for role, name in COLOURS.items() for scheme in ("light", "dark"))


# ------------------------------------------------------------------ the widget


def _slider(name: str, label: str, values: tuple, index: int, shown: str, spoken: str) -> str:
    return (f'<div class="ls-control"><label for="ls-{name}">{label}</label>'
            f'<output for="ls-{name}" data-ls-out="{name}">{shown}</output>'
            f'<input id="ls-{name}" type="range" min="0" max="{len(values) - 1}" step="1" value="{index}" '
            f'data-ls-input="{name}" aria-valuetext="{escape(spoken)}"></div>')


def logit_gap_explorer(num_classes: int = 10, alpha: float = 0.1) -> str:
    """The hero widget's HTML for ``num_classes`` and ``alpha``, at step 0 of the descent."""
    if num_classes not in K_VALUES:
        raise ValueError(f"num_classes must be one of the slider's values {K_VALUES}, got {num_classes}")
    if alpha not in ALPHA_VALUES:
        raise ValueError(f"alpha must be one of the slider's values {ALPHA_VALUES}, got {alpha}")
    d = Descent(num_classes, alpha)
    alphas = ",".join(f"{a:g}" for a in ALPHA_VALUES)
    ks = ",".join(str(k) for k in K_VALUES)
    return (
        f'<div class="ls-hero" data-ls-hero data-alphas="{alphas}" data-ks="{ks}" data-steps="{STEPS}" '
        f'data-lr="{LEARNING_RATE:g}" style="{colour_properties()}">'
        # Shown only when JavaScript is off on a full page load: html.no-js never loses its class
        # then. After instant navigation this <noscript> is live markup, but .no-js is gone.
        '<noscript><style>.no-js .ls-hero__controls,.no-js .ls-hero__probabilities,.no-js .ls-hero__readout,'
        '.no-js .ls-hero [data-ls-at]{display:none}.no-js .ls-hero__static{display:block}'
        '.no-js .ls-hero__chart path{clip-path:none}</style></noscript>'
        '<div class="ls-hero__controls">'
        + _slider("alpha", "Smoothing α", ALPHA_VALUES, ALPHA_VALUES.index(alpha),
                  format_alpha(alpha), f"α = {format_alpha(alpha)}")
        + _slider("k", "Classes K", K_VALUES, K_VALUES.index(num_classes),
                  f"{num_classes:,}", f"{num_classes:,} classes")
        + '<div class="ls-hero__buttons" role="group" aria-label="Gradient descent">'
        '<button type="button" data-ls-action="play">Play</button>'
        '<button type="button" data-ls-action="step" title="One more gradient-descent step">+1 step</button>'
        '<button type="button" data-ls-action="decade" title="Ten times as many steps: one tick '
        'further on the log-scale axis">×10 steps</button>'
        '<button type="button" data-ls-action="reset">Reset</button></div></div>'
        '<p class="ls-hero__legend"><span class="ls-key-hard">trained on hard labels</span>'
        '<span class="ls-key-soft">trained on smoothed labels</span>'
        '<span class="ls-key-target">dashed: the targets; g*, the gap where the smoothed run stops; '
        'H(y<sub>s</sub>), the floor under its loss</span></p>'
        f'<div class="ls-hero__probabilities">{bars_svg(d, "hard", 0)}{bars_svg(d, "soft", 0)}</div>'
        f'<div class="ls-hero__charts">{chart_svg(d, "gap", 0)}{chart_svg(d, "loss", 0)}</div>'
        f'<p class="ls-hero__readout" data-ls-readout aria-live="polite">{readout(d, 0)}</p>'
        f'<div class="ls-hero__static"><p>Drawn when the site was built, for α = {format_alpha(alpha)} and '
        f'K = {num_classes:,}; with JavaScript on you can change both and play the descent.</p>'
        f'{static_table(d)}</div>'
        f'<p class="ls-hero__caption">Gradient descent (learning rate {LEARNING_RATE:g}) on one example\'s '
        'K logits, from zeros; the bars are their softmax. The wrong logits stay equal, so the gap '
        'g = z<sub>true</sub> − z<sub>other</sub> is the whole state. Each run\'s loss is cross-entropy '
        'against its own labels; against the smoothed labels y<sub>s</sub> it cannot fall below their '
        f'entropy H(y<sub>s</sub>). With hard labels the gap gains about {math.log(10):.1f} (ln 10, the '
        'natural logarithm) for every tenfold more steps.</p></div>'
    )
