"""The logit-gap explorer (the overview's hero figure) in Chromium: its numbers and drawing against
the Python reference (snippets/, the label-smoothing kit's widget.py), its probability bars, its controls from
the first step, playback, reduced motion, instant navigation, the no-JS figure, its colours, and its
layout at phone and desk widths."""

from __future__ import annotations

import itertools
import random
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from hooks.concept_kits import load_kit
from snippets.gap_dynamics import gap_loss, gap_trajectory
from snippets.label_smoothing import loss_floor, optimal_logit_gap, smooth_labels, softmax
from snippets.plotting import SCHEMES
from tests.browser.conftest import CONCEPT, ROOT, discover_pages

pytestmark = pytest.mark.browser

KIT = ROOT / "docs/domains/optimization/label-smoothing/kit"
ge = load_kit(KIT).widget
WIDGET_JS = KIT / "widget.js"
HERO = "[data-ls-hero]"
KS = [2, 10, 11, 32, 1000, 256_000]
ALPHAS = [0.0, 0.001, 0.01, 0.1, 0.3, 1.0]
STEPS_CHECKED = [0, 1, 2, 5, 10, 100, 1000, ge.STEPS]


@pytest.fixture
def hero(open_page):
    page, watch = open_page(CONCEPT)
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    yield page
    assert watch.console_errors == [], watch.console_errors


def readout(page) -> str:
    return page.locator("[data-ls-readout]").text_content()


def expected_readout(K: int, alpha: float, step: int) -> str:
    return re.sub("<[^>]+>", "", ge.readout(ge.Descent(K, alpha), step))


def set_state(page, alpha: float, K: int) -> None:
    """Move both sliders the way a browser does (fill() fires input events)."""
    page.get_by_label("Smoothing α").fill(str(ge.ALPHA_VALUES.index(alpha)))
    page.get_by_label("Classes K").fill(str(ge.K_VALUES.index(K)))


def lay_out(page) -> None:
    """Scroll the widget into view and let two frames pass: the page may defer laying out
    blocks below its first screen (content-visibility), and sizes read before are estimates."""
    page.evaluate(f"""() => new Promise(done => {{
      document.querySelector("{HERO}").scrollIntoView();
      requestAnimationFrame(() => requestAnimationFrame(done));
    }})""")


def current_step(page) -> int:
    return int(re.match(r"Step ([\d,]+)\.", readout(page)).group(1).replace(",", ""))


def bar_heights(page, run: str) -> list[float]:
    return [float(h) for h in page.locator(f"svg[data-ls-bars={run}] rect.ls-bar-{run}").evaluate_all(
        "rects => rects.map(r => r.getAttribute('height'))")]


def generated_states(count: int, seed: int = 18) -> list[tuple[int, float, float]]:
    """(K, alpha, gap) triples: slider values and arbitrary ones, with the awkward edges
    (K = 2 and 256,000, alpha = 0 and 1, gaps at 0, tiny, negative, and far past any descent)."""
    rng = random.Random(seed)
    states = [(2, 0.0, 0.0), (2, 1.0, 0.0), (256_000, 0.0, 40.0), (10, 0.1, optimal_logit_gap(10, 0.1)),
              (1000, 0.001, 1e-12), (3, 0.5, -5.0), (7, 1e-9, 700.0)]
    while len(states) < count:
        K = rng.choice([rng.choice(ge.K_VALUES), rng.randint(2, 300_000)])
        alpha = rng.choice([rng.choice(ge.ALPHA_VALUES), rng.random(), 10 ** rng.uniform(-8, 0)])
        states.append((K, alpha, rng.choice([rng.uniform(0, 15), rng.expovariate(0.2), rng.uniform(-10, 0)])))
    return states


# ------------------------------------------------------------------ numbers and drawing


def test_widget_files_load_only_on_pages_that_show_it(site_dir):
    """The kit's script and styles (hooks/concept_kits.py) are linked where the widget is, and nowhere else."""
    shown = []
    for path in discover_pages(site_dir):
        page = (site_dir / path / "index.html").read_text(encoding="utf-8")
        has_widget = "data-ls-hero" in page
        shown += [path] if has_widget else []
        for asset in ("kit/widget.css", "kit/widget.js"):
            assert (asset in page) == has_widget, f"{path or 'landing'}: {asset} {'missing' if has_widget else 'loaded without the widget'}"
    assert shown == [CONCEPT]


def test_widget_script_is_small():
    size = WIDGET_JS.stat().st_size
    assert size <= 13 * 1024, f"{WIDGET_JS.name} is {size} bytes, over the 13 KB budget"


def test_numerics_match_the_python_reference_on_a_grid(hero):
    checked = 0
    for K, alpha in itertools.product(KS, ALPHAS):
        js = hero.evaluate("""([K, alpha, steps, at]) => {
          const w = window.logitGapExplorer, d = w.descent(K, alpha, steps, 1);
          return {hard: at.map(n => d.hard[n]), soft: at.map(n => d.soft[n]),
                  lossHard: at.map(n => w.gapLoss(K, 0, d.hard[n])), lossSoft: at.map(n => w.gapLoss(K, alpha, d.soft[n])),
                  optimum: d.optimum === Infinity ? "inf" : d.optimum, floor: d.floor};
        }""", [K, alpha, ge.STEPS, STEPS_CHECKED])
        hard, soft = gap_trajectory(K, 0.0, ge.STEPS)[STEPS_CHECKED], gap_trajectory(K, alpha, ge.STEPS)[STEPS_CHECKED]
        where = f"K={K}, α={alpha}"
        assert js["hard"] == pytest.approx(list(hard), rel=1e-9, abs=1e-12), where
        assert js["soft"] == pytest.approx(list(soft), rel=1e-9, abs=1e-12), where
        assert js["lossHard"] == pytest.approx(list(gap_loss(K, 0.0, hard)), rel=1e-9, abs=1e-15), where
        assert js["lossSoft"] == pytest.approx(list(gap_loss(K, alpha, soft)), rel=1e-9, abs=1e-15), where
        assert js["floor"] == pytest.approx(loss_floor(K, alpha), rel=1e-12, abs=1e-15), where
        if alpha == 0:
            assert js["optimum"] == "inf", "α = 0 has no optimum"
        else:
            assert js["optimum"] == pytest.approx(optimal_logit_gap(K, alpha), rel=1e-12), where
            assert js["soft"][-1] == pytest.approx(js["optimum"], rel=1e-4), f"settled on g* at {where}"
        checked += 1
    assert checked == len(KS) * len(ALPHAS)


def test_probabilities_and_targets_match_the_python_reference_on_generated_inputs(hero):
    """The bars' numbers: the JS closed forms against the softmax of the full logit vector and
    against smooth_labels, on 300 generated states."""
    states = generated_states(300)
    js = hero.evaluate("""states => states.map(([K, alpha, g]) => {
      const w = window.logitGapExplorer, d = {K: K, alpha: alpha};
      return [w.gapProbabilities(K, g), w.target(d, "hard"), w.target(d, "soft")];
    })""", [list(s) for s in states])
    for (K, alpha, g), (probabilities, hard, soft) in zip(states, js):
        where = f"K={K}, α={alpha}, g={g}"
        z = np.zeros(K)
        z[0] = g
        p = softmax(z)
        assert probabilities == pytest.approx([p[0], p[1]], rel=1e-12, abs=0), where
        assert hard == [1, 0], where
        assert soft == pytest.approx(list(smooth_labels(np.array([0]), K, alpha)[0, :2]), rel=1e-15, abs=1e-300), where


def test_drawing_and_readout_match_the_build_time_geometry(hero):
    """Same layers, same marks, same words as hooks/gap_explorer.py, for every state on a grid."""
    for K, alpha in itertools.product(KS, ALPHAS):
        py = ge.Descent(K, alpha)
        js = hero.evaluate("""([K, alpha, steps, at]) => {
          const w = window.logitGapExplorer, d = w.descent(K, alpha, steps, 1);
          return {gap: w.layer(d, "gap"), loss: w.layer(d, "loss"),
                  positions: at.map(n => [w.positions(d, "gap", n), w.positions(d, "loss", n)]),
                  bars: at.map(n => [w.bars(d, "hard", n), w.bars(d, "soft", n)]),
                  readouts: at.map(n => w.readout(d, n))};
        }""", [K, alpha, ge.STEPS, STEPS_CHECKED])
        where = f"K={K}, α={alpha}"
        assert js["gap"] == ge.chart_layer(py, "gap"), where
        assert js["loss"] == ge.chart_layer(py, "loss"), where
        for n, (gap_at, loss_at), (hard, soft), text in zip(STEPS_CHECKED, js["positions"], js["bars"], js["readouts"]):
            assert gap_at == ge.position_attributes(py, "gap", n), f"{where}, step {n}"
            assert loss_at == ge.position_attributes(py, "loss", n), f"{where}, step {n}"
            assert hard == ge.bars_layer(py, "hard", n), f"{where}, step {n}"
            assert soft == ge.bars_layer(py, "soft", n), f"{where}, step {n}"
            assert text == ge.readout(py, n), f"{where}, step {n}"


def test_the_page_opens_on_exactly_what_the_build_drew(hero):
    """The script redraws the default state; it must not change a pixel of it (no flash, no shift)."""
    for chart in ("gap", "loss"):
        same = hero.evaluate("""([chart, html]) => {
          const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
          g.innerHTML = html;
          return g.innerHTML === document.querySelector(`svg[data-ls-chart=${chart}] [data-ls-layer]`).innerHTML;
        }""", [chart, ge.chart_layer(ge.Descent(10, 0.1), chart)])
        assert same, f"{chart} chart differs from the build-time drawing"
    for run in ("hard", "soft"):
        same = hero.evaluate("""([run, html]) => {
          const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
          g.innerHTML = html;
          return g.innerHTML === document.querySelector(`svg[data-ls-bars=${run}] [data-ls-layer]`).innerHTML;
        }""", [run, ge.bars_layer(ge.Descent(10, 0.1), run, 0)])
        assert same, f"{run} bars differ from the build-time drawing"
    assert readout(hero) == expected_readout(10, 0.1, 0)


def test_opens_at_step_zero_and_every_button_moves_it_at_once(hero):
    """The first experiment works without Reset: +1 step is one gradient step, ×10 steps one decade."""
    assert current_step(hero) == 0
    plus, times = hero.get_by_role("button", name="+1 step"), hero.get_by_role("button", name="×10 steps")
    plus.click()
    assert current_step(hero) == 1 and readout(hero) == expected_readout(10, 0.1, 1)
    plus.click()
    assert current_step(hero) == 2
    seen = []
    for _ in range(4):
        times.click()
        seen.append(current_step(hero))
    assert seen == [20, 200, 2000, ge.STEPS]
    assert times.get_attribute("aria-disabled") == "true" and plus.get_attribute("aria-disabled") == "true"
    times.click(force=True)   # at the end both say they are disabled, and do nothing
    plus.click(force=True)
    assert current_step(hero) == ge.STEPS
    hero.get_by_role("button", name="Reset").click()
    assert current_step(hero) == 0 and times.get_attribute("aria-disabled") == "false"
    times.click()
    assert current_step(hero) == 1, "×10 from step 0 takes the first step"
    times.click()
    assert current_step(hero) == 10


def test_true_class_probability_ends_confident_not_certain(hero):
    hero.emulate_media(reduced_motion="reduce")   # Play jumps to the end
    hero.locator("[data-ls-action=play]").click()
    p_hard = softmax(np.r_[gap_trajectory(10, 0.0, ge.STEPS)[-1], np.zeros(9)])[0]
    p_soft = softmax(np.r_[gap_trajectory(10, 0.1, ge.STEPS)[-1], np.zeros(9)])[0]
    assert f"True-class probability: hard {ge.fmt_probability(p_hard)}, smoothed {ge.fmt_probability(p_soft)}, " \
           "target 0.9100." in readout(hero)
    assert (ge.fmt_probability(p_hard), ge.fmt_probability(p_soft)) == ("0.9999", "0.9100")


def test_bars_move_with_alpha_k_and_the_step(hero):
    def expected(K, alpha, run, step):
        g = gap_trajectory(K, 0.0 if run == "hard" else alpha, step)[-1]
        p = softmax(np.r_[g, np.zeros(K - 1)])
        return [ge.BAR_PLOT_H * p[0]] + [ge.BAR_PLOT_H * p[1]] * (min(K, ge.MAX_BARS) - 1)

    def check(K, alpha):
        step = current_step(hero)
        for run in ("hard", "soft"):
            assert bar_heights(hero, run) == pytest.approx(expected(K, alpha, run, step), abs=0.051), \
                f"{run}, K={K}, α={alpha}, step {step}"

    check(10, 0.1)
    start = bar_heights(hero, "soft")
    hero.get_by_role("button", name="×10 steps").click()
    hero.get_by_role("button", name="×10 steps").click()
    check(10, 0.1)
    assert bar_heights(hero, "soft") != start, "the step moves the bars"
    at_point_one = bar_heights(hero, "soft")
    set_state(hero, 0.3, 10)
    check(10, 0.3)
    assert bar_heights(hero, "soft") != at_point_one, "alpha moves the smoothed run's bars"
    set_state(hero, 0.3, 3)
    check(3, 0.3)
    assert len(bar_heights(hero, "soft")) == 3, "K sets the number of bars"
    set_state(hero, 0.3, 1000)
    check(1000, 0.3)
    assert hero.locator("svg[data-ls-bars=soft] .ls-label").last.text_content() == "other classes (9 of 999)"


def test_sliders_drive_the_readout(hero):
    hero.get_by_role("button", name="×10 steps").click()
    hero.get_by_role("button", name="×10 steps").click()
    for K, alpha in [(2, 0.0), (10, 0.3), (256_000, 0.001), (256_000, 1.0), (1000, 0.05)]:
        set_state(hero, alpha, K)
        assert readout(hero) == expected_readout(K, alpha, 10), f"K={K}, α={alpha}"
        assert hero.locator("[data-ls-out=k]").text_content() == f"{K:,}"
        assert hero.locator("[data-ls-out=alpha]").text_content() == ge.format_alpha(alpha)
    set_state(hero, 0.0, 10)
    assert "no g*." in readout(hero)
    assert hero.locator("svg[data-ls-chart=gap] .ls-target").count() == 0   # no optimum line
    assert hero.locator("svg[data-ls-chart=loss] .ls-target").count() == 1


# ------------------------------------------------------------------ keyboard and screen readers


def test_keyboard_operation(hero):
    alpha = hero.get_by_label("Smoothing α")
    alpha.focus()
    hero.keyboard.press("Home")
    assert alpha.get_attribute("aria-valuetext") == "α = 0.00"
    hero.keyboard.press("ArrowRight")
    assert alpha.get_attribute("aria-valuetext") == "α = 0.001"
    alpha.fill(str(ge.ALPHA_VALUES.index(0.1)))
    hero.keyboard.press("ArrowRight")
    assert alpha.get_attribute("aria-valuetext") == "α = 0.11"   # 0.01 a press in 0-0.3
    hero.keyboard.press("End")
    assert alpha.get_attribute("aria-valuetext") == "α = 1.00"
    k = hero.get_by_label("Classes K")
    k.focus()
    hero.keyboard.press("Home")
    assert k.get_attribute("aria-valuetext") == "2 classes"
    hero.keyboard.press("End")
    assert k.get_attribute("aria-valuetext") == "256,000 classes"
    assert readout(hero) == expected_readout(256_000, 1.0, 0)
    # Tab order: alpha, K, Play, +1 step, ×10 steps, Reset; the buttons work from the keyboard
    alpha.focus()
    order = []
    for _ in range(5):
        hero.keyboard.press("Tab")
        order.append(hero.evaluate("document.activeElement.id || document.activeElement.dataset.lsAction"))
    assert order == ["ls-k", "play", "step", "decade", "reset"]
    hero.keyboard.press("Shift+Tab")
    hero.keyboard.press("Space")          # ×10 steps
    assert current_step(hero) == 1
    hero.keyboard.press("Shift+Tab")
    hero.keyboard.press("Enter")          # +1 step
    assert current_step(hero) == 2
    for _ in range(5):                    # ×10 until the end: the button keeps the focus
        hero.keyboard.press("Tab")
        hero.keyboard.press("Space")
        hero.keyboard.press("Shift+Tab")
    assert current_step(hero) == ge.STEPS
    assert hero.evaluate("document.activeElement.dataset.lsAction") == "step"
    hero.keyboard.press("Tab")
    hero.keyboard.press("Tab")
    hero.keyboard.press("Enter")          # Reset
    assert current_step(hero) == 0


def test_accessible_structure(hero):
    live = hero.locator("[data-ls-readout]")
    assert live.get_attribute("aria-live") == "polite"
    assert len(readout(hero).split()) <= 30, "the live readout stays short"
    svgs = hero.locator(f"{HERO} svg")
    assert svgs.count() == 4
    for svg in svgs.all():
        assert svg.get_attribute("role") == "img" and svg.locator("title").text_content()
    assert hero.get_by_role("group", name="Gradient descent").get_by_role("button").count() == 4


# ------------------------------------------------------------------ playback


def test_does_not_play_by_itself(hero):
    # Longer than a whole run (6 s) on the test's clock, not the machine's: nothing started it.
    hero.clock.install()
    hero.clock.run_for(8000)
    assert current_step(hero) == 0
    assert hero.locator("[data-ls-action=play]").text_content() == "Play"


def test_play_pause_resume_and_finish(hero):
    # The descent's frames run when the test moves the clock, so a loaded machine cannot let the
    # 6-second run end between two of the test's steps.
    hero.clock.install()
    play = hero.locator("[data-ls-action=play]")
    live = hero.locator("[data-ls-readout]")
    lay_out(hero)
    box = hero.locator(HERO).bounding_box()
    play.click()                                   # from step 0, where the page opens
    assert play.text_content() == "Pause" and live.get_attribute("aria-live") == "off"
    hero.clock.run_for(1500)
    first = current_step(hero)
    hero.clock.run_for(600)
    second = current_step(hero)
    assert 0 < first < second < ge.STEPS, (first, second)
    assert hero.locator(HERO).bounding_box()["height"] == box["height"], "playing moved the layout"
    play.click()                                   # pause
    paused = current_step(hero)
    assert play.text_content() == "Play" and live.get_attribute("aria-live") == "polite"
    hero.clock.run_for(500)
    assert current_step(hero) == paused
    clip = hero.locator("svg[data-ls-chart=gap] [data-ls-at=clip]").get_attribute("width")
    assert float(clip) < ge.LEFT + ge.PLOT_W, "the curves are drawn only up to the current step"
    play.click()                                   # resume from there, and run to the end
    hero.clock.run_for(300)
    assert paused < current_step(hero) < ge.STEPS
    hero.clock.run_for(6000)
    expect(play).to_have_text("Play")
    assert current_step(hero) == ge.STEPS and live.get_attribute("aria-live") == "polite"
    assert readout(hero) == expected_readout(10, 0.1, ge.STEPS)


def test_play_from_the_end_starts_again(hero):
    hero.emulate_media(reduced_motion="reduce")
    play = hero.locator("[data-ls-action=play]")
    play.click()
    assert current_step(hero) == ge.STEPS
    hero.emulate_media(reduced_motion="no-preference")
    hero.clock.install()
    play.click()
    assert play.text_content() == "Pause"
    hero.clock.run_for(300)
    assert 0 < current_step(hero) < ge.STEPS
    play.click()


def test_reduced_motion_jumps_instead_of_animating(hero):
    hero.emulate_media(reduced_motion="reduce")
    hero.locator("[data-ls-action=reset]").click()
    assert current_step(hero) == 0
    # one click, read back in the same task: no frame has run, so any motion would show here
    after = hero.evaluate("""() => {
      document.querySelector("[data-ls-action=play]").click();
      return [document.querySelector("[data-ls-readout]").textContent,
              document.querySelector("[data-ls-action=play]").textContent];
    }""")
    assert after == [expected_readout(10, 0.1, ge.STEPS), "Play"]
    hero.locator("[data-ls-action=reset]").click()
    hero.locator("[data-ls-action=step]").click()
    assert current_step(hero) == 1


# ------------------------------------------------------------------ page life


def assert_works_after_instant_navigation(page, watch):
    """The hero, reached by instant navigation, is set up, styled, live and quiet."""
    page.wait_for_url(f"**/{CONCEPT}")
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    assert page.evaluate("window.__marker") == "same document", "navigation reloaded the page: instant off?"
    # the fetched page's <noscript> is live markup now; its no-JS rules must not apply
    page.evaluate(f"document.querySelector('{HERO}').scrollIntoView()")
    expect(page.locator(".ls-hero__controls")).to_be_visible()
    expect(page.locator(".ls-hero__static")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('.ls-hero__charts')).display") == "grid", \
        "the kit's stylesheet is not on the page"
    set_state(page, 0.2, 1000)
    assert readout(page) == expected_readout(1000, 0.2, 0)
    assert watch.console_errors == []


def test_survives_instant_navigation(open_page):
    page, watch = open_page(CONCEPT)
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    page.evaluate("window.__marker = 'same document'")
    page.locator(".md-sidebar--primary a[href*='calibration-temperature-scaling']").first.click()
    page.wait_for_url("**/calibration-temperature-scaling/")
    page.go_back()
    assert_works_after_instant_navigation(page, watch)


def test_works_after_instant_navigation_from_a_page_without_it(open_page):
    """Arriving from a page that never loaded the kit's files: instant navigation brings them."""
    page, watch = open_page(f"{CONCEPT}math/")
    page.evaluate("window.__marker = 'same document'")
    # a link in the text to the overview, as a part page's prose has: instant navigation follows it
    page.evaluate("""document.querySelector('.md-content article').insertAdjacentHTML('afterbegin',
                     '<a id="to-overview" href="../">overview</a>')""")
    page.locator("#to-overview").click()
    assert_works_after_instant_navigation(page, watch)


def test_without_javascript_shows_the_build_time_figure(open_page):
    page, _ = open_page(CONCEPT, javascript=False)
    hero = page.locator(HERO)
    hero.scroll_into_view_if_needed()
    expect(hero.locator(".ls-hero__controls")).to_be_hidden()
    expect(hero.locator(".ls-hero__readout")).to_be_hidden()
    expect(hero.locator(".ls-hero__probabilities")).to_be_hidden()
    expect(hero.locator(".ls-hero__static")).to_be_visible()
    assert "α = 0.10 and K = 10" in hero.locator(".ls-hero__static").text_content()
    for chart in ("gap", "loss"):
        svg = hero.locator(f"svg[data-ls-chart={chart}]")
        assert svg.is_visible() and svg.bounding_box()["height"] > 150
        for run in ("hard", "soft"):   # the whole descent, not clipped at step 0
            path = svg.locator(f"path.ls-{run}")
            assert path.evaluate("p => getComputedStyle(p).clipPath") == "none"
            assert path.bounding_box()["width"] > 0.9 * ge.PLOT_W * svg.bounding_box()["width"] / ge.WIDTH
        expect(svg.locator("[data-ls-at=cursor]")).to_be_hidden()
    table = hero.locator(".ls-hero__table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.innerText.split('\\t'))")
    assert rows[0] == ["target", "1", "0.9100"] and rows[-1] == ["step 10,000", "0.9999", "0.9100"]


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_runs_keep_the_labs_colours_in_light_and_dark(hero):
    """Hard labels vermillion and smoothed labels blue, as in every lab figure, in both schemes;
    text follows the page."""
    def colours():
        return hero.evaluate("""() => {
          const q = s => getComputedStyle(document.querySelector(s));
          return {hard: [q("svg[data-ls-chart=gap] path.ls-hard").stroke, q("rect.ls-bar-hard").fill,
                         q("circle.ls-dot-hard").fill],
                  soft: [q("svg[data-ls-chart=gap] path.ls-soft").stroke, q("rect.ls-bar-soft").fill,
                         q("circle.ls-dot-soft").fill],
                  target: q("svg[data-ls-chart=gap] .ls-target").stroke,
                  text: q("svg[data-ls-chart=gap] .ls-tick").fill, body: getComputedStyle(document.body).color};
        }""")
    light = colours()
    hero.locator("label[title='Switch to dark mode']").click()
    hero.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = colours()
    for scheme, seen in (("light", light), ("dark", dark)):
        assert seen["hard"] == [rgb(SCHEMES[scheme]["vermillion"])] * 3, scheme
        assert seen["soft"] == [rgb(SCHEMES[scheme]["blue"])] * 3, scheme
        assert seen["target"] == rgb(SCHEMES[scheme]["reference"]), scheme
        assert seen["text"] == seen["body"], scheme
    assert light["text"] != dark["text"]


# ------------------------------------------------------------------ layout

OVERLAPS = """() => {
  const hero = document.querySelector("[data-ls-hero]");
  const boxes = sel => [...hero.querySelectorAll(sel)].map(n => [n.textContent, n.getBoundingClientRect()]);
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  const groups = [...hero.querySelectorAll("svg")].map(svg => boxes(`svg[data-ls-chart=${svg.dataset.lsChart}] text`)
      .concat([...svg.querySelectorAll("circle")].map(c => ["dot", c.getBoundingClientRect()])))
    .concat([boxes(".ls-hero__legend span"), boxes(".ls-hero__readout span"), boxes(".ls-control label, .ls-control output, .ls-control input, .ls-hero__buttons button")]);
  for (const group of groups)
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++)
        if (!(group[i][0] === "dot" && group[j][0] === "dot") && hit(group[i][1], group[j][1])) found.push(group[i][0] + " / " + group[j][0]);
  const r = hero.getBoundingClientRect();
  for (const svg of hero.querySelectorAll("svg")) {
    const s = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBoundingClientRect();
      if (b.left < s.left - 0.5 || b.right > s.right + 0.5 || b.top < s.top - 0.5 || b.bottom > s.bottom + 0.5)
        found.push(t.textContent + " leaves its chart");
    }
  }
  return {found, height: r.height, right: r.right, overflow: hero.scrollWidth - hero.clientWidth,
          pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          vw: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("width, height", [(375, 800), (1280, 900)])
def test_no_text_overlaps_and_it_fits_the_screen(open_page, width, height):
    page, _ = open_page(CONCEPT, width=width, height=height)
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    lay_out(page)
    for (K, alpha), when in itertools.product(itertools.product([2, 10, 256_000], [0.0, 0.1, 0.3, 1.0]),
                                              ["end", "start"]):
        set_state(page, alpha, K)
        if when == "end":
            for _ in range(5):
                page.locator("[data-ls-action=decade]").click()
        layout = page.evaluate(OVERLAPS)
        where = f"{width} px, K={K}, α={alpha}, {when}"
        assert layout["found"] == [], f"{where}: {layout['found']}"
        assert layout["overflow"] <= 0 and layout["pageOverflow"] <= 0 and layout["right"] <= layout["vw"], where
        # one screen on a desk; on a phone, where the four panels stack, a screen and six tenths
        assert layout["height"] <= (height if width > 500 else 1.6 * height), f"{where}: {layout['height']:.0f} px"
        page.locator("[data-ls-action=reset]").click()   # back to the start for the next round


def test_panels_sit_side_by_side_on_a_desk_and_stack_on_a_phone(open_page):
    for width, side_by_side in [(1280, True), (375, False)]:
        page, _ = open_page(CONCEPT, width=width, height=900)
        page.wait_for_selector(f"{HERO}[data-ls-ready]")
        for pair in (("svg[data-ls-bars=hard]", "svg[data-ls-bars=soft]"),
                     ("svg[data-ls-chart=gap]", "svg[data-ls-chart=loss]")):
            first, second = (page.locator(s).bounding_box() for s in pair)
            assert (abs(first["y"] - second["y"]) < 1) == side_by_side, (width, pair)
            assert first["width"] >= (300 if side_by_side else 320), "panels are drawn near their natural size"


@pytest.mark.parametrize("width", [375, 1280])
def test_readout_never_outgrows_its_room(open_page, width):
    """The readout keeps the height it reserves whatever it says, so playing shifts nothing below."""
    page, _ = open_page(CONCEPT, width=width, height=900)
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    lay_out(page)
    worst = page.evaluate("""([ks, alphas, steps]) => {
      const w = window.logitGapExplorer, el = document.querySelector("[data-ls-readout]");
      const room = el.getBoundingClientRect().height;
      let worst = [0, ""];
      for (const K of ks) for (const a of alphas) {
        const d = w.descent(K, a, steps, 1);
        for (const n of [0, 1, 2, 3, 5, 8, 13, 20, 50, 100, 200, 500, 1000, 2000, 5000, steps]) {
          el.innerHTML = w.readout(d, n);
          const h = el.getBoundingClientRect().height;
          if (h - room > worst[0]) worst = [h - room, el.textContent];
        }
      }
      return worst;
    }""", [[2, 3, 5, 10, 13, 51, 100, 1000, 5120, 51200, 256_000],
           [0, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.3, 0.5, 1], ge.STEPS])
    assert worst[0] <= 0.5, f"{worst[1]!r} needs {worst[0]:.1f} px more than the readout reserves"
