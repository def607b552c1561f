"""The label-smoothing widget, driven through its controls in Chromium and checked against the
Python reference in snippets/label_smoothing.py."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from snippets import label_smoothing as ls
from tests.browser.conftest import CONCEPT, ROOT

pytestmark = pytest.mark.browser

WIDGET_JS = ROOT / "docs/assets/javascripts/label-smoothing-widget.js"
ALPHAS = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9, 1.0]
KS = [2, 3, 10, 12, 100, 1000, 10000]
GAPS = [0.0, 3.0, 16.0]
SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parse_readout(text: str) -> float:
    """'0.9100' -> 0.91, '5.000 × 10⁻⁴' -> 5e-4, '∞ (never reached)' -> inf."""
    text = text.strip()
    if text.startswith("∞"):
        return math.inf
    m = re.fullmatch(r"(-?[\d.]+)(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?", text)
    assert m, f"unexpected readout format {text!r}"
    value = float(m.group(1))
    if m.group(2):
        value *= 10.0 ** int(m.group(2).translate(SUPERSCRIPT))
    return value


def assert_4_significant(shown: str, expected: float, what: str) -> None:
    """The displayed text equals `expected` rounded to 4 significant digits (half a unit in the
    4th digit, plus a hair for ties), and shows at least 4 significant digits."""
    value = parse_readout(shown)
    if math.isinf(expected) or expected == 0:
        assert value == expected, f"{what}: shown {shown!r}, expected {expected}"
        return
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - 3)
    assert abs(value - expected) <= 0.5 * unit * (1 + 1e-9), f"{what}: shown {shown!r}, expected {expected:.8g}"
    digits = re.sub(r"^[0.-]+", "", shown.split(" ")[0].replace(".", ""))
    assert len(digits) >= 4 or value == int(value), f"{what}: {shown!r} shows fewer than 4 significant digits"


def reference(alpha: float, K: int, gap: float) -> dict[str, float]:
    """What the widget must show, from the Python reference implementation."""
    target = ls.smooth_labels([0], K, alpha)[0]
    logits = np.array([[gap] + [0.0] * (K - 1)])
    return {
        "true": float(target[0]),
        "other": float(target[1]),
        "gap": ls.optimal_logit_gap(K, alpha),
        "floor": ls.loss_floor(K, alpha),
        "confidence": float(target[0]),
        "p-now": float(ls.softmax(logits)[0, 0]),
        "loss-hard-now": float(ls.smoothed_cross_entropy(logits, [0], 0.0)),
        "loss-soft-now": float(ls.smoothed_cross_entropy(logits, [0], alpha)),
    }


@pytest.fixture
def widget(open_page):
    page, watch = open_page(CONCEPT)
    page.wait_for_selector("[data-ls-widget][data-ls-ready]")
    yield page
    assert watch.console_errors == [], watch.console_errors


def k_index(page, K: int) -> int:
    values = page.evaluate("window.labelSmoothingWidget.K_VALUES")
    assert K in values, f"K = {K} is not a slider position: {values}"
    return values.index(K)


def readouts(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        "[data-ls-widget] [data-ls-out]")].map(n => [n.dataset.lsOut, n.textContent]))""")


def set_controls(page, alpha: float, K: int, gap: float) -> None:
    """Set the sliders the way a user's browser does: fill() fires input and change events."""
    page.get_by_label("Smoothing α").fill(str(alpha))
    page.get_by_label("Classes K (log scale)").fill(str(k_index(page, K)))
    page.get_by_label("Logit gap g").fill(str(gap))


# ------------------------------------------------------------------ numbers


def test_widget_script_is_small():
    size = WIDGET_JS.stat().st_size
    assert size <= 20 * 1024, f"{WIDGET_JS.name} is {size} bytes, over the 20 KB budget"


def test_initial_readouts_match_reference(widget):
    shown = readouts(widget)
    alpha = float(widget.get_by_label("Smoothing α").input_value())
    K = int(shown["k"])
    gap = float(widget.get_by_label("Logit gap g").input_value())
    for name, expected in reference(alpha, K, gap).items():
        assert_4_significant(shown[name], expected, f"{name} at α={alpha}, K={K}, g={gap}")


def test_readouts_match_python_reference_over_a_grid(widget):
    """Every readout equals the reference to 4 significant digits over (α, K, gap)."""
    checked = 0
    for K in KS:
        for alpha in ALPHAS:
            for gap in GAPS:
                set_controls(widget, alpha, K, gap)
                shown = readouts(widget)
                assert shown["k"] == str(K) and float(shown["alpha"]) == alpha
                where = f"α={alpha}, K={K}, g={gap}"
                for name, expected in reference(alpha, K, gap).items():
                    if name == "confidence" and alpha == 0:
                        assert shown[name].startswith("→ 1"), f"{name} at {where}: {shown[name]!r}"
                        continue
                    assert_4_significant(shown[name], expected, f"{name} at {where}")
                    checked += 1
    assert checked >= len(KS) * len(ALPHAS) * len(GAPS) * 7


def test_optimal_gap_at_alpha_zero_is_shown_as_infinite(widget):
    set_controls(widget, 0.0, 10, 3.0)
    shown = readouts(widget)
    assert shown["gap"].startswith("∞") and "never" in shown["gap"]
    assert parse_readout(shown["floor"]) == 0.0
    assert "never reaches" in shown["summary"]
    # the loss chart says so too, and has no optimum marker
    assert widget.locator("svg[data-ls-view=loss] text", has_text="∞").count() == 1
    assert widget.locator("svg[data-ls-view=loss] .ls-opt").count() == 0


def test_curves_hard_never_reaches_its_minimum_smoothed_does(widget):
    """Checked on the script's own functions: the hard loss falls strictly and stays above 0;
    the smoothed loss is minimal at g* where it equals the floor H(y_s)."""
    for K in KS:
        for alpha in [a for a in ALPHAS if a > 0]:
            result = widget.evaluate("""([K, alpha]) => {
              const w = window.labelSmoothingWidget, s = w.stats(alpha, K);
              const hard = [], soft = [];
              for (let g = 0; g <= 40; g += 0.05) { hard.push(w.lossAt(g, K, 0)); soft.push(w.lossAt(g, K, s.rest)); }
              return {hard, soft, gap: s.gap, floor: s.floor, atGap: w.lossAt(s.gap, K, s.rest),
                      near: [w.lossAt(s.gap - 1e-3, K, s.rest), w.lossAt(s.gap + 1e-3, K, s.rest)]};
            }""", [K, alpha])
            hard = np.array(result["hard"])
            assert (np.diff(hard) <= 0).all() and (hard > 0).all(), f"hard curve K={K}"
            assert min(result["soft"]) >= result["floor"] - 1e-12
            assert result["atGap"] == pytest.approx(ls.loss_floor(K, alpha), rel=1e-9, abs=1e-12)
            assert all(v >= result["atGap"] for v in result["near"])
            assert result["gap"] == pytest.approx(ls.optimal_logit_gap(K, alpha), rel=1e-12)


# ------------------------------------------------------------------ views


def test_distribution_view_bars_for_small_k_summary_for_large_k(widget):
    set_controls(widget, 0.1, 10, 3.0)
    view = widget.locator("svg[data-ls-view=dist]")
    assert view.locator("rect.ls-soft-fill").count() == 10 + 1  # one bar per class + legend swatch
    set_controls(widget, 0.1, 1000, 3.0)
    assert view.locator("rect.ls-soft-fill").count() == 1
    assert view.locator("text", has_text="999 other classes").count() >= 1
    assert "999 other classes" in view.locator("desc").text_content()


def test_loss_view_marks_optimum_and_floor(widget):
    set_controls(widget, 0.1, 10, 3.0)
    view = widget.locator("svg[data-ls-view=loss]")
    assert view.locator("path.ls-hard-line").count() == 1
    assert view.locator("path.ls-soft-line").count() == 1
    assert view.locator("circle.ls-opt").count() == 1
    gap = f"{ls.optimal_logit_gap(10, 0.1):.4g}"
    floor = f"{ls.loss_floor(10, 0.1):#.4g}"
    assert view.locator("text", has_text=f"g* = {gap}").count() == 1
    assert view.locator("text", has_text=floor).count() == 1


def test_keyboard_operation(widget):
    alpha = widget.get_by_label("Smoothing α")
    alpha.focus()
    widget.keyboard.press("Home")
    assert readouts(widget)["alpha"] == "0.00"
    widget.keyboard.press("ArrowRight")
    assert readouts(widget)["alpha"] == "0.01"
    widget.keyboard.press("End")
    assert readouts(widget)["alpha"] == "1.00"
    assert alpha.get_attribute("aria-valuetext") == "α = 1.00"
    k = widget.get_by_label("Classes K (log scale)")
    k.focus()
    widget.keyboard.press("Home")
    assert readouts(widget)["k"] == "2"
    widget.keyboard.press("ArrowRight")
    assert readouts(widget)["k"] == "3"
    assert k.get_attribute("aria-valuetext") == "3 classes"
    widget.keyboard.press("End")
    assert int(readouts(widget)["k"]) >= 1000
    # Tab reaches all three sliders in order
    alpha.focus()
    widget.keyboard.press("Tab")
    assert widget.evaluate("document.activeElement.id") == "ls-k"
    widget.keyboard.press("Tab")
    assert widget.evaluate("document.activeElement.id") == "ls-gap"


def test_accessible_structure(widget):
    for label in ["Smoothing α", "Classes K (log scale)", "Logit gap g"]:
        control = widget.get_by_label(label)
        assert control.get_attribute("type") == "range"
    live = widget.locator("[data-ls-widget] [aria-live]")
    assert live.count() >= 1 and live.first.get_attribute("aria-live") == "polite"
    assert live.first.locator("[data-ls-out=true]").count() == 1
    summary = widget.locator("[data-ls-out=summary]").text_content()
    assert "α = 0.10" in summary and "K = 10" in summary
    for view in ("dist", "loss"):
        svg = widget.locator(f"svg[data-ls-view={view}]")
        assert svg.get_attribute("role") == "img"
        assert svg.locator("title").text_content() and svg.locator("desc").text_content()


def test_follows_the_dark_palette(widget):
    def colours():
        return widget.evaluate("""() => {
          const q = s => getComputedStyle(document.querySelector(s));
          return {soft: q("svg[data-ls-view=loss] .ls-soft-line").stroke,
                  text: q("svg[data-ls-view=loss] text").fill, body: getComputedStyle(document.body).color};
        }""")
    light = colours()
    widget.locator("label[title='Switch to dark mode']").click()
    widget.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = colours()
    assert light["text"] == light["body"] and dark["text"] == dark["body"]
    assert light["text"] != dark["text"] and light["soft"] != dark["soft"]


def test_reflows_at_phone_width(open_page):
    page, _ = open_page(CONCEPT, width=375, height=812)
    page.wait_for_selector("[data-ls-widget][data-ls-ready]")
    boxes = page.evaluate("""() => {
      const b = s => document.querySelector(s).getBoundingClientRect();
      const w = document.querySelector("[data-ls-widget]");
      return {widget: b("[data-ls-widget]"), dist: b("svg[data-ls-view=dist]"), loss: b("svg[data-ls-view=loss]"),
              overflow: w.scrollWidth - w.clientWidth, vw: document.documentElement.clientWidth};
    }""")
    assert boxes["widget"]["right"] <= boxes["vw"]
    assert boxes["overflow"] <= 0
    assert boxes["loss"]["top"] >= boxes["dist"]["bottom"], "charts should stack on a phone"
    assert boxes["dist"]["width"] >= 0.8 * boxes["widget"]["width"]


def test_survives_instant_navigation(open_page, server):
    page, watch = open_page(CONCEPT)
    page.wait_for_selector("[data-ls-widget][data-ls-ready]")
    # leave through a nav link (Material swaps the content without a page load) and come back
    page.evaluate("window.__marker = 'same document'")
    page.locator(".md-sidebar--primary a[href*='calibration-temperature-scaling']").first.click()
    page.wait_for_url("**/calibration-temperature-scaling/")
    page.go_back()
    page.wait_for_url(f"**/{CONCEPT}")
    page.wait_for_selector("[data-ls-widget][data-ls-ready]")
    assert page.evaluate("window.__marker") == "same document", "navigation reloaded the page: instant off?"
    # Material parses the fetched page with scripting off, so <noscript> content becomes live
    # markup: the no-JS fallback must stay hidden and the widget visible.
    # one atomic step: Material may still be swapping the content in when the widget is ready
    page.evaluate("document.querySelector('[data-ls-widget]').scrollIntoView()")
    expect(page.locator(".ls-widget__live")).to_be_visible()
    expect(page.locator("figure.ls-fallback")).to_be_hidden()
    page.get_by_label("Smoothing α").fill("0.2")
    assert readouts(page)["true"] == f"{ls.smooth_labels([0], 10, 0.2)[0][0]:#.4g}"
    assert watch.console_errors == []


def test_without_javascript_shows_figure_and_table(open_page):
    page, _ = open_page(CONCEPT, javascript=False)
    widget = page.locator("[data-ls-widget]")
    widget.scroll_into_view_if_needed()   # below the first screen the page lays it out only when near
    assert not widget.locator(".ls-widget__live").is_visible()
    figure = widget.locator("figure.ls-fallback svg")
    assert figure.is_visible() and figure.bounding_box()["height"] > 100
    assert figure.locator("path.ls-soft-line").count() == 1
    rows = widget.locator("table tbody tr")
    assert rows.count() >= 12
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("td").all_text_contents()]
        K, alpha = int(cells[0]), float(cells[1])
        target = ls.smooth_labels([0], K, alpha)[0]
        assert_4_significant(cells[2], float(target[0]), f"table true K={K} α={alpha}")
        assert_4_significant(cells[3], float(target[1]), f"table other K={K} α={alpha}")
        assert_4_significant(cells[4], ls.optimal_logit_gap(K, alpha), f"table gap K={K} α={alpha}")
        assert_4_significant(cells[5], ls.loss_floor(K, alpha), f"table floor K={K} α={alpha}")
