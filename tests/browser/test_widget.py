"""The logit-gap explorer (the overview's hero figure) in Chromium: its numbers and drawing against
the Python reference (snippets/gap_dynamics.py, hooks/gap_explorer.py), its controls, playback,
reduced motion, instant navigation, the no-JS figure, and its layout at phone and desk widths."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import expect

from hooks import gap_explorer as ge
from snippets.gap_dynamics import gap_loss, gap_trajectory
from snippets.label_smoothing import loss_floor, optimal_logit_gap
from tests.browser.conftest import CONCEPT, ROOT

pytestmark = pytest.mark.browser

WIDGET_JS = ROOT / "docs/assets/javascripts/label-smoothing-widget.js"
HERO = "[data-ls-hero]"
KS = [2, 10, 1000, 256_000]
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


# ------------------------------------------------------------------ numbers and drawing


def test_widget_script_is_small():
    size = WIDGET_JS.stat().st_size
    assert size <= 10 * 1024, f"{WIDGET_JS.name} is {size} bytes, over the 10 KB budget"


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


def test_drawing_and_readout_match_the_build_time_geometry(hero):
    """Same layers, same marks, same words as hooks/gap_explorer.py, for every state on a grid."""
    for K, alpha in itertools.product(KS, ALPHAS):
        py = ge.Descent(K, alpha)
        js = hero.evaluate("""([K, alpha, steps, at]) => {
          const w = window.logitGapExplorer, d = w.descent(K, alpha, steps, 1);
          return {gap: w.layer(d, "gap"), loss: w.layer(d, "loss"),
                  positions: at.map(n => [w.positions(d, "gap", n), w.positions(d, "loss", n)]),
                  readouts: at.map(n => w.readout(d, n))};
        }""", [K, alpha, ge.STEPS, STEPS_CHECKED])
        where = f"K={K}, α={alpha}"
        assert js["gap"] == ge.chart_layer(py, "gap"), where
        assert js["loss"] == ge.chart_layer(py, "loss"), where
        for n, (gap_at, loss_at), text in zip(STEPS_CHECKED, js["positions"], js["readouts"]):
            assert gap_at == ge.position_attributes(py, "gap", n), f"{where}, step {n}"
            assert loss_at == ge.position_attributes(py, "loss", n), f"{where}, step {n}"
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
    assert readout(hero) == expected_readout(10, 0.1, ge.STEPS)


def test_sliders_drive_the_readout(hero):
    for K, alpha in [(2, 0.0), (10, 0.3), (256_000, 0.001), (256_000, 1.0), (1000, 0.05)]:
        set_state(hero, alpha, K)
        assert readout(hero) == expected_readout(K, alpha, ge.STEPS), f"K={K}, α={alpha}"
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
    assert readout(hero) == expected_readout(256_000, 1.0, ge.STEPS)
    # Tab order: alpha, K, Play, Step, Reset; the buttons work from the keyboard
    alpha.focus()
    order = []
    for _ in range(4):
        hero.keyboard.press("Tab")
        order.append(hero.evaluate("document.activeElement.id || document.activeElement.dataset.lsAction"))
    assert order == ["ls-k", "play", "step", "reset"]
    hero.keyboard.press("Enter")          # Reset
    assert current_step(hero) == 0
    hero.keyboard.press("Shift+Tab")
    hero.keyboard.press("Space")          # Step
    assert current_step(hero) == 1


def test_accessible_structure(hero):
    live = hero.locator("[data-ls-readout]")
    assert live.get_attribute("aria-live") == "polite"
    assert len(readout(hero).split()) <= 30, "the live readout stays short"
    for chart in ("gap", "loss"):
        svg = hero.locator(f"svg[data-ls-chart={chart}]")
        assert svg.get_attribute("role") == "img" and svg.locator("title").text_content()
    assert hero.get_by_role("group", name="Gradient descent").get_by_role("button").count() == 3


# ------------------------------------------------------------------ playback


def test_does_not_play_by_itself(hero):
    hero.wait_for_timeout(800)
    assert current_step(hero) == ge.STEPS
    assert hero.locator("[data-ls-action=play]").text_content() == "Play"


def test_play_pause_resume_and_finish(hero):
    play = hero.locator("[data-ls-action=play]")
    live = hero.locator("[data-ls-readout]")
    lay_out(hero)
    box = hero.locator(HERO).bounding_box()
    play.click()                                   # from the end state: starts again at step 0
    assert play.text_content() == "Pause" and live.get_attribute("aria-live") == "off"
    hero.wait_for_timeout(1500)
    first = current_step(hero)
    hero.wait_for_timeout(600)
    second = current_step(hero)
    assert 0 < first < second < ge.STEPS, (first, second)
    assert hero.locator(HERO).bounding_box()["height"] == box["height"], "playing moved the layout"
    play.click()                                   # pause
    paused = current_step(hero)
    assert play.text_content() == "Play" and live.get_attribute("aria-live") == "polite"
    hero.wait_for_timeout(500)
    assert current_step(hero) == paused
    clip = hero.locator("svg[data-ls-chart=gap] [data-ls-at=clip]").get_attribute("width")
    assert float(clip) < ge.LEFT + ge.PLOT_W, "the curves are drawn only up to the current step"
    play.click()                                   # resume from there, and run to the end
    hero.wait_for_timeout(300)
    assert current_step(hero) >= paused
    expect(play).to_have_text("Play", timeout=10_000)
    assert current_step(hero) == ge.STEPS and live.get_attribute("aria-live") == "polite"
    assert readout(hero) == expected_readout(10, 0.1, ge.STEPS)


def test_step_and_reset_walk_through_the_descent(hero):
    hero.locator("[data-ls-action=reset]").click()
    assert readout(hero) == expected_readout(10, 0.1, 0)
    seen = [0]
    for _ in range(60):
        hero.locator("[data-ls-action=step]").click()
        seen.append(current_step(hero))
        if seen[-1] == ge.STEPS:
            break
    # notches evenly spaced on the log-step axis: single steps at first, then ever longer strides
    assert seen[:3] == [0, 1, 2] and seen[-1] == ge.STEPS, seen
    assert all(b > a for a, b in zip(seen, seen[1:])) and 30 <= len(seen) <= 45, seen
    assert readout(hero) == expected_readout(10, 0.1, ge.STEPS)


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


def test_survives_instant_navigation(open_page):
    page, watch = open_page(CONCEPT)
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    page.evaluate("window.__marker = 'same document'")
    page.locator(".md-sidebar--primary a[href*='calibration-temperature-scaling']").first.click()
    page.wait_for_url("**/calibration-temperature-scaling/")
    page.go_back()
    page.wait_for_url(f"**/{CONCEPT}")
    page.wait_for_selector(f"{HERO}[data-ls-ready]")
    assert page.evaluate("window.__marker") == "same document", "navigation reloaded the page: instant off?"
    # the fetched page's <noscript> is live markup now; its no-JS rules must not apply
    page.evaluate(f"document.querySelector('{HERO}').scrollIntoView()")
    expect(page.locator(".ls-hero__controls")).to_be_visible()
    expect(page.locator(".ls-hero__static")).to_be_hidden()
    set_state(page, 0.2, 1000)
    assert readout(page) == expected_readout(1000, 0.2, ge.STEPS)
    assert watch.console_errors == []


def test_without_javascript_shows_the_build_time_figure(open_page):
    page, _ = open_page(CONCEPT, javascript=False)
    hero = page.locator(HERO)
    hero.scroll_into_view_if_needed()
    expect(hero.locator(".ls-hero__controls")).to_be_hidden()
    expect(hero.locator(".ls-hero__static")).to_be_visible()
    assert "α = 0.10 and K = 10" in hero.locator(".ls-hero__static").text_content()
    for chart in ("gap", "loss"):
        svg = hero.locator(f"svg[data-ls-chart={chart}]")
        assert svg.is_visible() and svg.bounding_box()["height"] > 150
        assert svg.locator("path.ls-hard").count() == 1 and svg.locator("path.ls-soft").count() == 1
    assert hero.locator("[data-ls-readout]").text_content() == expected_readout(10, 0.1, ge.STEPS)


def test_follows_the_dark_palette(hero):
    def colours():
        return hero.evaluate("""() => {
          const q = s => getComputedStyle(document.querySelector(s));
          return {soft: q("svg[data-ls-chart=gap] .ls-soft").stroke,
                  text: q("svg[data-ls-chart=gap] .ls-tick").fill, body: getComputedStyle(document.body).color};
        }""")
    light = colours()
    hero.locator("label[title='Switch to dark mode']").click()
    hero.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = colours()
    assert light["text"] == light["body"] and dark["text"] == dark["body"]
    assert light["text"] != dark["text"] and light["soft"] != dark["soft"]


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
        if when == "start":
            page.locator("[data-ls-action=reset]").click()
        layout = page.evaluate(OVERLAPS)
        where = f"{width} px, K={K}, α={alpha}, {when}"
        assert layout["found"] == [], f"{where}: {layout['found']}"
        assert layout["overflow"] <= 0 and layout["pageOverflow"] <= 0 and layout["right"] <= layout["vw"], where
        # one screen on a desk, a screen and a half on a phone
        assert layout["height"] <= (height if width > 500 else 1.5 * height), f"{where}: {layout['height']:.0f} px"
        page.locator("[data-ls-action=step]").click()   # leave the start state for the next round


def test_charts_sit_side_by_side_on_a_desk_and_stack_on_a_phone(open_page):
    for width, side_by_side in [(1280, True), (375, False)]:
        page, _ = open_page(CONCEPT, width=width, height=900)
        page.wait_for_selector(f"{HERO}[data-ls-ready]")
        gap, loss = (page.locator(f"svg[data-ls-chart={c}]").bounding_box() for c in ("gap", "loss"))
        assert (abs(gap["y"] - loss["y"]) < 1) == side_by_side, width
        assert gap["width"] >= (300 if side_by_side else 320), "charts are drawn near their natural size"


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
