"""The hero widget's build-time markup and geometry (the label-smoothing kit's widget.py)."""

from __future__ import annotations

import math
import re
from pathlib import Path
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from hooks.concept_kits import load_kit
from snippets.gap_dynamics import gap_loss, gap_trajectory
from snippets.label_smoothing import loss_floor, optimal_logit_gap, smooth_labels, softmax
from snippets.plotting import SCHEMES

GRID = [(K, a) for K in (2, 10, 1000, 256_000) for a in (0.0, 0.001, 0.1, 0.3, 1.0)]
SVG = "{http://www.w3.org/2000/svg}"
KIT = Path(__file__).resolve().parents[2] / "docs/domains/optimization/label-smoothing/kit"
ge = load_kit(KIT).widget


def path_points(d: str) -> np.ndarray:
    assert d.startswith("M")
    return np.array([[float(v) for v in p.split()] for p in d[1:].split("L")])


def layer(descent: ge.Descent, chart: str) -> ET.Element:
    return ET.fromstring(f'<g xmlns="http://www.w3.org/2000/svg">{ge.chart_layer(descent, chart)}</g>')


def bars(descent: ge.Descent, run: str, step: int) -> ET.Element:
    return ET.fromstring(f'<g xmlns="http://www.w3.org/2000/svg">{ge.bars_layer(descent, run, step)}</g>')


def predicted(K: int, alpha: float, step: int) -> np.ndarray:
    """The reference prediction: softmax of the full logit vector after ``step`` steps, true class 0
    (the mean logit stays 0, so z = (g (K-1)/K, -g/K, ..., -g/K); softmax only sees the gap)."""
    g = gap_trajectory(K, alpha, step)[-1]
    z = np.full(K, -g / K)
    z[0] = g * (K - 1) / K
    return softmax(z)


# ------------------------------------------------------------------ the controls' values


def test_alpha_slider_gives_most_of_its_travel_to_zero_to_point_three():
    values = ge.ALPHA_VALUES
    assert values[0] == 0 and values[-1] == 1 and list(values) == sorted(set(values))
    last_small = values.index(0.3)
    assert last_small / (len(values) - 1) >= 0.75
    # one keyboard step is 0.01 from 0.01 to 0.3, finer below
    assert np.allclose(np.diff(values[values.index(0.01):last_small + 1]), 0.01)
    for a in (0.001, 0.05, 0.1, 0.2):
        assert a in values


def test_k_slider_is_log_scaled_from_2_to_256k_through_real_vocabulary_sizes():
    values = ge.K_VALUES
    assert values[0] == 2 and values[-1] == 256_000 and list(values) == sorted(set(values))
    for K in (10, 100, 1000, 32_000, 64_000, 128_000):
        assert K in values
    ratios = np.array(values[1:]) / np.array(values[:-1])
    assert ratios.max() <= 1.6, "every slider step is at most a factor 1.6"
    assert len(values) >= 45


# ------------------------------------------------------------------ numbers and words


@pytest.mark.parametrize("x, text", [
    (4.5109, "4.51"), (0.5, "0.500"), (11.5, "11.5"), (100.0, "100"), (21.66, "21.7"),
    (0.00123, "0.00123"), (9.0e-5, "9.00×10⁻⁵"), (1.234e-12, "1.23×10⁻¹²"), (0.0, "0"), (math.inf, "∞"),
])
def test_fmt(x, text):
    assert ge.fmt(x) == text


@pytest.mark.parametrize("p, text", [
    (0.91, "0.9100"), (0.1, "0.1000"), (0.99991, "0.9999"), (1 - 5e-5, "1 − 5.00×10⁻⁵"), (1.0, "1"),
    (0.001, "0.0010"), (0.001 - 1e-18, "0.0010"), (1 / 32, "0.0313"), (0.5, "0.5000"), (0.00094, "9.40×10⁻⁴"), (3.9e-6, "3.90×10⁻⁶"), (0.0, "0"),
])
def test_fmt_probability_never_rounds_a_probability_to_one(p, text):
    assert ge.fmt_probability(p) == text


def test_readout_states_the_python_reference_at_the_step():
    d = ge.Descent(10, 0.1)
    text = re.sub("<[^>]+>", "", ge.readout(d, 100))
    gaps = (gap_trajectory(10, 0.0, 100)[-1], gap_trajectory(10, 0.1, 100)[-1])
    p_hard, p_soft = predicted(10, 0.0, 100)[0], predicted(10, 0.1, 100)[0]
    assert text == (f"Step 100. True-class probability: hard {ge.fmt_probability(p_hard)}, smoothed "
                    f"{ge.fmt_probability(p_soft)}, target 0.9100. Gap: hard {ge.fmt(gaps[0])}, smoothed {ge.fmt(gaps[1])}, "
                    f"g* {ge.fmt(optimal_logit_gap(10, 0.1))}. Loss: hard {ge.fmt(gap_loss(10, 0, gaps[0]))}, "
                    f"smoothed {ge.fmt(gap_loss(10, 0.1, gaps[1]))}, floor {ge.fmt(loss_floor(10, 0.1))}.")
    assert "no g*." in ge.readout(ge.Descent(10, 0.0), 100)
    assert "target 1." in ge.readout(ge.Descent(10, 0.0), 100)


def test_readout_at_the_defaults_is_confident_against_certain():
    """The hero's point in two numbers: about 0.9999 with hard labels, 0.91 with smoothing."""
    text = re.sub("<[^>]+>", "", ge.readout(ge.Descent(10, 0.1), ge.STEPS))
    assert "True-class probability: hard 0.9999, smoothed 0.9100, target 0.9100." in text


def test_the_first_try_prompt_has_an_answer_to_find_at_the_defaults():
    """The overview's first "Try:" asks whether each run's true-class probability passes the smoothed
    target and whether the hard one stops rising: the smoothed run never passes it, the hard run does
    and is still rising at the last step."""
    d = ge.Descent(10, 0.1)
    target = d.target("soft")[0]
    soft = np.array([d.probabilities("soft", n)[0] for n in range(ge.STEPS + 1)])
    hard = np.array([d.probabilities("hard", n)[0] for n in range(ge.STEPS + 1)])
    assert soft.max() <= target + 1e-12
    passes = int(np.argmax(hard > target))
    assert 0 < passes < ge.STEPS and np.all(np.diff(hard) > 0)


def test_sample_steps_cover_every_early_step_then_grow_by_five_percent():
    steps = ge.sample_steps()
    assert steps[0] == 0 and steps[-1] == ge.STEPS and steps[:21] == list(range(21))
    assert all(b > a for a, b in zip(steps, steps[1:]))
    assert max(b / a for a, b in zip(steps[21:], steps[22:])) <= 1.06


# ------------------------------------------------------------------ geometry


@pytest.mark.parametrize("K, alpha", GRID)
def test_both_curves_stay_inside_the_plot_and_end_where_the_numerics_say(K, alpha):
    d = ge.Descent(K, alpha)
    for chart in ("gap", "loss"):
        g = layer(d, chart)
        paths = {p.get("class"): path_points(p.get("d")) for p in g.iter(SVG + "path")}
        y_max, _ = d.y_max(chart)
        sy = ge.y_scale(y_max)
        for name, points in paths.items():
            x, y = points.T
            assert (np.diff(x) > 0).all(), f"{chart}/{name}: x must increase"
            assert x[0] == ge.LEFT and x[-1] == ge.LEFT + ge.PLOT_W
            assert (y >= ge.TOP - 0.05).all() and (y <= ge.TOP + ge.PLOT_H + 0.05).all(), \
                f"{chart}/{name} leaves the plot at K={K}, α={alpha}"
        end_hard, end_soft = d.values(chart, ge.STEPS)
        assert paths["ls-hard"][-1, 1] == pytest.approx(sy(end_hard), abs=0.051)
        assert paths["ls-soft"][-1, 1] == pytest.approx(sy(end_soft), abs=0.051)
        if alpha > 0:   # the smoothed curve ends on its target line
            target = optimal_logit_gap(K, alpha) if chart == "gap" else loss_floor(K, alpha)
            line = g.find(f"{SVG}line[@class='ls-target']")
            assert float(line.get("y1")) == pytest.approx(paths["ls-soft"][-1, 1], abs=0.2)
            assert float(line.get("y1")) == pytest.approx(sy(target), abs=0.051)


@pytest.mark.parametrize("K, alpha", GRID)
def test_target_label_and_ticks_stay_clear_of_the_edges(K, alpha):
    d = ge.Descent(K, alpha)
    for chart in ("gap", "loss"):
        g = layer(d, chart)
        label = g.find(f"{SVG}text[@class='ls-target-label']")
        if chart == "gap" and alpha == 0:
            assert label is None and g.find(f"{SVG}line[@class='ls-target']") is None   # no optimum
            continue
        y = float(label.get("y"))
        # below the chart title and above the x tick labels (which start 7 units under the axis)
        assert ge.TOP + 8 <= y <= ge.TOP + ge.PLOT_H - 4
        ticks = [float(t.get("y")) for t in g.iter(SVG + "text") if t.get("class") == "ls-tick"]
        assert len(ticks) >= 3 and min(ticks) >= ge.TOP + 4 - 0.05 and max(ticks) <= ge.TOP + ge.PLOT_H + 4.05


def test_loss_axis_holds_the_floor_for_every_alpha_even_one():
    """The old widget's loss axis ended near log K, so large alpha left the chart."""
    for K in (2, 256_000):
        for alpha in ge.ALPHA_VALUES:
            d = ge.Descent(K, alpha)
            assert d.floor <= math.log(K) < d.y_max("loss")[0]


@pytest.mark.parametrize("K, alpha", GRID + [(3, 0.1), (11, 0.05), (32, 0.2)])
@pytest.mark.parametrize("step", [0, 1, 7, 100, ge.STEPS])
def test_bars_draw_the_softmax_and_the_target_of_each_run(K, alpha, step):
    d = ge.Descent(K, alpha)
    bottom = ge.BAR_TOP + ge.BAR_PLOT_H
    for run, run_alpha in (("hard", 0.0), ("soft", alpha)):
        g = bars(d, run, step)
        rects = [r for r in g.iter(SVG + "rect")]
        marks = [m for m in g.iter(SVG + "line")]
        assert len(rects) == len(marks) == min(K, ge.MAX_BARS)
        assert {r.get("class") for r in rects} == {f"ls-bar-{run}"}
        p = predicted(K, run_alpha, step)
        t = smooth_labels(np.array([0]), K, run_alpha)[0]
        for i, (rect, mark) in enumerate(zip(rects, marks)):
            top, height = float(rect.get("y")), float(rect.get("height"))
            assert top + height == pytest.approx(bottom, abs=0.1), "bars stand on the axis"
            assert height == pytest.approx(ge.BAR_PLOT_H * p[i], abs=0.1), f"{run} bar {i}"
            assert float(mark.get("y1")) == pytest.approx(bottom - ge.BAR_PLOT_H * t[i], abs=0.051)
            assert ge.LEFT <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) <= \
                ge.LEFT + ge.BAR_PLOT_W
        texts = [t.text for t in g.iter(SVG + "text")]
        assert texts[0] == ge.fmt_probability(p[0]) and texts[1] == "true class"
        assert texts[2].startswith(ge.fmt_probability(p[1]))
        if K > ge.MAX_BARS:
            assert texts[3] == f"other classes ({ge.MAX_BARS - 1} of {K - 1:,})"


def test_bar_labels_fit_their_panel_and_do_not_meet():
    """Text is about 0.6 em wide a character at 12 px: a generous estimate of its extent."""
    for K in (2, 3, 10, 11, 256_000):
        for alpha in (0.0, 0.001, 0.1):
            d = ge.Descent(K, alpha)
            for step in (0, ge.STEPS):
                g = bars(d, "hard", step)
                spans = [(float(t.get("x")) - 3.6 * len(t.text), float(t.get("x")) + 3.6 * len(t.text),
                          float(t.get("y"))) for t in g.iter(SVG + "text")]
                for left, right, _ in spans:
                    assert 0 <= left and right <= ge.WIDTH, (K, alpha, step, spans)
                for a in spans:
                    for b in spans:
                        if a is not b and a[2] == b[2]:
                            assert a[1] < b[0] or b[1] < a[0], (K, alpha, step, spans)


def test_positions_mark_the_step_on_both_curves():
    d = ge.Descent(1000, 0.1)
    at = ge.position_attributes(d, "gap", 0)
    assert at["clip"]["width"] == f"{ge.LEFT + 0.5:.1f}"   # nothing of the curves shown yet
    assert at["hard"]["cy"] == at["soft"]["cy"] == f"{ge.TOP + ge.PLOT_H:.1f}"   # both start at gap 0
    at = ge.position_attributes(d, "loss", ge.STEPS)
    sy = ge.y_scale(d.y_max("loss")[0])
    assert float(at["soft"]["cy"]) == pytest.approx(sy(loss_floor(1000, 0.1)), abs=0.051)
    assert float(at["cursor"]["x1"]) == ge.LEFT + ge.PLOT_W


# ------------------------------------------------------------------ markup


def test_markup_is_one_html_block_with_well_formed_svg():
    html = ge.logit_gap_explorer()
    assert "\n" not in html, "Markdown must see a single raw-HTML block"
    ET.fromstring(re.search(r"<table\b.*?</table>", html).group(0))
    svgs = re.findall(r"<svg\b.*?</svg>", html)
    assert len(svgs) == 4
    for svg in svgs[:2]:   # the bar panels
        root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        assert root.get("role") == "img" and root.find(SVG + "title").text
    svgs = svgs[2:]
    for svg in svgs:
        root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        assert root.get("role") == "img" and root.find(SVG + "title").text
        assert root.find(f"{SVG}clipPath/{SVG}rect").get("data-ls-at") == "clip"


def test_markup_opens_at_step_zero_ready_for_a_first_experiment():
    html = ge.logit_gap_explorer(1000, 0.05)
    d = ge.Descent(1000, 0.05)
    assert f'data-ks="{",".join(map(str, ge.K_VALUES))}"' in html
    assert f'value="{ge.ALPHA_VALUES.index(0.05)}" data-ls-input="alpha" aria-valuetext="α = 0.05"' in html
    assert f'value="{ge.K_VALUES.index(1000)}" data-ls-input="k" aria-valuetext="1,000 classes"' in html
    assert ge.readout(d, 0) in html
    assert ge.bars_layer(d, "hard", 0) in html and ge.bars_layer(d, "soft", 0) in html
    assert ge.chart_svg(d, "gap", 0) in html and ge.chart_svg(d, "loss", 0) in html
    buttons = re.findall(r'data-ls-action="(\w+)"[^>]*>([^<]+)</button>', html)
    assert buttons == [("play", "Play"), ("step", "+1 step"), ("decade", "×10 steps"), ("reset", "Reset")]


PRESSED = re.compile(r"\b[Pp]ress(?:es|ed)?(?:\s+of)?\s+\*\*([^*]+)\*\*(?:\s+and\s+\*\*([^*]+)\*\*)?")


def test_the_questions_name_the_buttons_as_labelled():
    """A question that says "press **X**" names a button the reader can find by that label."""
    labels = set(re.findall(r'data-ls-action="\w+"[^>]*>([^<]+)</button>', ge.logit_gap_explorer()))
    pressed = [name for path in sorted(KIT.parent.rglob("*.questions.yml"))
               for match in PRESSED.finditer(" ".join(path.read_text(encoding="utf-8").split()))
               for name in match.groups() if name]
    assert pressed, "the overview's quiz asks the reader to press the widget's buttons"
    assert set(pressed) <= labels, f"{sorted(set(pressed) - labels)} are not button labels: {sorted(labels)}"


def test_legend_and_loss_chart_say_what_is_drawn():
    html = ge.logit_gap_explorer()
    assert "trained on hard labels" in html and "trained on smoothed labels" in html
    assert "hard target" not in html and "smoothed target<" not in html
    legend = re.search(r'<p class="ls-hero__legend">(.*?)</p>', html).group(1)
    assert "g*, the gap where the smoothed run stops" in legend
    assert "H(y<sub>s</sub>), the floor under its loss" in legend
    assert "each run's training loss (nats)" in html
    assert "gradient-descent steps (log scale)" in html


def test_runs_take_the_labs_colours_in_both_schemes():
    style = re.search(r'<div class="ls-hero"[^>]* style="([^"]+)"', ge.logit_gap_explorer()).group(1)
    properties = dict(p.split(":") for p in style.split(";"))
    for scheme in ("light", "dark"):
        assert properties[f"--ls-hard-{scheme}"] == SCHEMES[scheme]["vermillion"]
        assert properties[f"--ls-soft-{scheme}"] == SCHEMES[scheme]["blue"]
        assert properties[f"--ls-reference-{scheme}"] == SCHEMES[scheme]["reference"]


def test_no_js_table_gives_the_true_class_probability_of_both_runs():
    html = ge.logit_gap_explorer()
    table = ET.fromstring(re.search(r"<table\b.*?</table>", html).group(0))
    rows = {tr.find("th").text: [td.text for td in tr.findall("td")] for tr in table.find("tbody")}
    assert rows["target"] == ["1", "0.9100"]
    for n in ge.TABLE_STEPS:
        assert rows[f"step {n:,}"] == [ge.fmt_probability(predicted(10, a, n)[0]) for a in (0.0, 0.1)]
    assert rows["step 10,000"] == ["0.9999", "0.9100"]


def test_no_js_rules_apply_only_while_html_has_the_no_js_class():
    """After instant navigation the <noscript> is live markup: its rules must then match nothing."""
    style = re.search(r"<noscript><style>(.*?)</style></noscript>", ge.logit_gap_explorer()).group(1)
    selectors = [rule.split("{")[0] for rule in style.split("}") if rule]
    assert selectors and all(s.startswith(".no-js ") for s in selectors)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_classes": 11}, "num_classes must be one of the slider's values"),
    ({"alpha": 0.123}, "alpha must be one of the slider's values"),
])
def test_rejects_a_default_the_sliders_cannot_show(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ge.logit_gap_explorer(**kwargs)
