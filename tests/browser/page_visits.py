"""One visit per page and width that runs every check cheap enough to run on every page.

A page load costs far more than reading it once it is open, so the per-page checks of
test_pages.py, test_formulas.py and test_figures.py share two visits per page, one at 1280 px
and one at 375 px, instead of opening the page once per check. Each visit records what it saw,
in the light palette and then in the dark one (switched with the header's toggle, as a reader
does); the tests assert on the record. Behaviour that is the same on every page of a kind
(jumps, the lightbox, scroll shadows, the widget) is tested on chosen pages by its own module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

DESK = 1280
PHONE = 375
HEIGHTS = {DESK: 900, PHONE: 812}

# Bring every image the page shows into view in turn: loading="lazy" ones only start then. An
# image the page does not show (a figure's variant for the other palette) is never fetched, by design.
SHOWN = "img => img.getClientRects().length > 0 && img.checkVisibility()"  # a closed <details> leaves rects
BRING_IMAGES_INTO_VIEW = f"""async () => {{
  for (const img of [...document.images].filter({SHOWN})) {{
    img.scrollIntoView({{block: "center", behavior: "instant"}});
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }}
}}"""
IMAGES_SETTLED = f"() => [...document.images].filter({SHOWN}).every(img => img.complete)"
# Each shown image: its source, whether it loaded, its displayed size, and whether anything hides
# its corners (an ancestor's overflow, another element).
SHOWN_IMAGES = f"""() => {{
  const images = [...document.images].filter({SHOWN}).map(img => {{
    img.scrollIntoView({{block: "center", behavior: "instant"}});
    const r = img.getBoundingClientRect();
    const unclipped = [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2]].every(
      ([x, y]) => document.elementFromPoint(x, y) === img);
    return {{src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0,
             width: r.width, height: r.height, unclipped}};
  }});
  window.scrollTo(0, 0);
  return images;
}}"""

# Visible text outside code, scripts and KaTeX's own markup (its MathML keeps the TeX source),
# and KaTeX's error boxes.
MATH = """() => {
  const skip = "pre, code, script, style, noscript, textarea, .katex, .arithmatex > .katex";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const chunks = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !el.getClientRects().length) continue;
    chunks.push(n.nodeValue);
  }
  return {katexErrors: [...document.querySelectorAll(".katex-error")].map(e => e.outerHTML.slice(0, 200)),
          text: chunks.join(" ")};
}"""

# Every display formula, with how far it is wider than the space it has: the box's own
# sideways scroll, that of any scroller inside it, and how far the drawn formula reaches past
# the box's edges. And every code element in a table cell that spans more than one line.
LAYOUT = """() => {
  const formulas = [...document.querySelectorAll("div.arithmatex")].map(box => {
    const scrollers = [box, ...[...box.querySelectorAll("*")].filter(inner =>
      ["auto", "scroll"].includes(getComputedStyle(inner).overflowX))];
    const outer = box.getBoundingClientRect();
    const drawn = [...box.querySelectorAll(".katex-html")].map(html => html.getBoundingClientRect());
    return {
      tex: (box.querySelector("annotation") || box).textContent.trim().slice(0, 120),
      excess: Math.max(
        ...scrollers.map(el => el.scrollWidth - el.clientWidth),
        ...drawn.map(r => Math.max(outer.left - r.left, r.right - outer.right))),
      width: Math.max(box.scrollWidth, ...drawn.map(r => Math.round(r.width))),
      room: box.clientWidth,
    };
  });
  const wrapped = [...document.querySelectorAll("td code, th code")]
    .filter(code => code.getClientRects().length > 1)
    .map(code => code.textContent);
  return {formulas, wrapped};
}"""

# Whether the page scrolls sideways, and the first few elements that reach past its right edge.
OVERFLOW = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll("body *")].filter(el => {
    const r = el.getBoundingClientRect();
    if (!r.width || el.closest("pre, .md-typeset__scrollwrap, .highlight, .ls-table-wrap")) return false;
    return r.right > doc.clientWidth + 1 && getComputedStyle(el).position !== "fixed";
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + "." + [...el.classList].join("."));
  return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
}"""

SCHEMES = {"light": "default", "dark": "slate"}
# The header's toggles, by their targets, not their titles: Material's content.tooltips moves a
# hovered element's title into a tooltip, and the pointer rests there after the first click.
TOGGLE = {"dark": "label[for='__palette_1']", "light": "label[for='__palette_0']"}


@dataclass
class Palette:
    """What the page showed in one palette."""

    images: list[dict]
    axe: list[dict] | None = None  # violations, at the desk width only
    background: str = ""


@dataclass
class PageVisit:
    path: str
    width: int
    katex_errors: list[str] = field(default_factory=list)
    text: str = ""
    formulas: list[dict] = field(default_factory=list)
    wrapped_code: list[str] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    palettes: dict[str, Palette] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


def axe_violations(page) -> list[dict]:
    """axe-core's violations, read as a reader sees the page: every block laid out, no colour
    transition of the theme still running, and a11y.js done making scrolling regions focusable."""
    page.evaluate("""async () => {
      for (const block of document.querySelectorAll("[data-lazy-render]")) {
        block.scrollIntoView();
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
      }
      window.scrollTo(0, 0);
    }""")
    settle_animations(page)
    page.wait_for_selector("html[data-a11y-scrollers=checked]", state="attached")
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [[n["target"], (n["any"] or [{}])[0].get("data")] for n in v["nodes"][:5]]}
        for v in Axe().run(page).response["violations"]
    ]


def settle_animations(page) -> None:
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")


def switch_palette(page, scheme: str) -> None:
    """The header's palette toggle, as a reader clicks it; returns once the page shows ``scheme``."""
    page.locator(TOGGLE[scheme]).click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{SCHEMES[scheme]}'")
    settle_animations(page)


def visit_page(browser, server, path: str, width: int) -> PageVisit:
    """Open ``path`` once at ``width`` in the light palette and record every cheap check."""
    from tests.browser.conftest import new_page

    context, page, watch = new_page(browser, server, width=width, height=HEIGHTS[width], scheme="light")
    visit = PageVisit(path=path, width=width)
    try:
        page.goto(server.url(path), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")  # KaTeX's widths are those of its fonts
        if width == PHONE:
            visit.overflow = page.evaluate(OVERFLOW)  # as the page first shows, before anything scrolls
        math = page.evaluate(MATH)
        visit.katex_errors, visit.text = math["katexErrors"], math["text"]
        layout = page.evaluate(LAYOUT)
        visit.formulas, visit.wrapped_code = layout["formulas"], layout["wrapped"]
        for scheme in ("light", "dark"):
            if scheme == "dark":
                switch_palette(page, "dark")
            page.evaluate(BRING_IMAGES_INTO_VIEW)
            page.wait_for_function(IMAGES_SETTLED)  # loaded or failed, each fires its event
            palette = visit.palettes[scheme] = Palette(images=page.evaluate(SHOWN_IMAGES))
            palette.background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            if width == DESK:
                palette.axe = axe_violations(page)
        switch_palette(page, "light")  # and back: the toggle works both ways
        page.wait_for_load_state("networkidle")  # images requested late have answered
    finally:
        context.close()
    visit.console_errors = watch.console_errors
    visit.failed_requests = watch.failed_requests
    visit.foreign_requests = watch.foreign_requests
    return visit
