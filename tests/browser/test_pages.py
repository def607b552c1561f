"""Every page of the built site in headless Chromium: the concept page, its labs, its neighbour
concept pages, the domain index and the landing page (found in site/, not listed by hand)."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import (
    CONCEPT,
    SITE,
    concept_neighbours,
    discover_pages,
    lab_pages,
    new_page,
    require_site,
)

pytestmark = pytest.mark.browser

# One visit per page records everything the load-time checks below need.
SCRAPE = """async () => {
  // bring each image into view in turn (loading="lazy" ones only start then) and wait for it;
  // an image the page does not show (a lab figure's variant for the other colour scheme) is
  // never fetched, by design
  const imgs = [...document.images].filter(img => img.getClientRects().length > 0);
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (const img of imgs) {
    img.scrollIntoView({block: "center"});
    await frame();
    if (!img.complete) await new Promise(done => {
      img.addEventListener("load", done); img.addEventListener("error", done); setTimeout(done, 5000); });
  }
  window.scrollTo(0, 0);
  const images = imgs.map(img => ({src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0,
                                   loading: img.loading}));

  // visible text outside code, scripts and KaTeX's own markup (its MathML keeps the TeX source)
  const skip = "pre, code, script, style, noscript, textarea, .katex, .arithmatex > .katex";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const chunks = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.getClientRects().length) continue;   // not rendered (display: none, hidden)
    chunks.push(n.nodeValue);
  }
  return {
    images,
    katexErrors: [...document.querySelectorAll(".katex-error")].map(e => e.outerHTML.slice(0, 200)),
    text: chunks.join(" "),
  };
}"""

SCROLL_THROUGH = """async () => {
  for (const block of document.querySelectorAll("[data-lazy-render]")) {
    block.scrollIntoView();
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  window.scrollTo(0, 0);
}"""

RAW_TEX = [r"\(", r"\)", r"\[", r"\]", "$$"]
TEX_COMMAND = __import__("re").compile(r"\\(frac|alpha|beta|sum|log|exp|mathbf|mathrm|text|left|right|"
                                       r"begin|end|varepsilon|epsilon|cdot|hat|operatorname)\b")


@pytest.fixture(scope="session")
def visits(browser, server):
    """page path -> what loading it did (memoised: each page is loaded once for these checks)."""
    cache: dict[str, dict] = {}

    def visit(path: str) -> dict:
        if path not in cache:
            context, page, watch = new_page(browser, server)
            try:
                page.goto(server.url(path), wait_until="load")
                page.wait_for_load_state("networkidle")
                data = page.evaluate(SCRAPE)
                page.wait_for_load_state("networkidle")
            finally:
                context.close()
            data.update(console=watch.console_errors, failed=watch.failed_requests,
                        foreign=watch.foreign_requests)
            cache[path] = data
        return cache[path]

    return visit


# ------------------------------------------------------------------ the pages are there


def test_expected_pages_are_discovered():
    require_site()
    pages = discover_pages(SITE)
    assert "" in pages, "landing page missing"
    assert "domains/" in pages, "domain index missing"
    assert CONCEPT in pages, "concept page missing"
    for neighbour in concept_neighbours():
        assert neighbour in pages, f"neighbour page {neighbour} (from the concept's front matter) missing"
    assert lab_pages(pages), f"no lab pages under {CONCEPT}labs/"
    assert not any(p.startswith("foundations/") for p in pages), "redirect stubs must not count as pages"


# ------------------------------------------------------------------ load-time checks


def test_no_console_errors(visits, page_path):
    assert visits(page_path)["console"] == []


def test_no_failed_requests(visits, page_path):
    assert visits(page_path)["failed"] == []


def test_no_request_leaves_the_local_server(visits, page_path):
    assert visits(page_path)["foreign"] == []


def test_math_is_rendered(visits, page_path):
    data = visits(page_path)
    assert data["katexErrors"] == [], "KaTeX could not render some formula"
    text = data["text"]
    leftovers = [d for d in RAW_TEX if d in text]
    assert not leftovers, f"raw TeX delimiters {leftovers} in visible text: " + ", ".join(
        repr(text[max(0, text.index(d) - 40): text.index(d) + 40]) for d in leftovers)
    command = TEX_COMMAND.search(text)
    assert command is None, f"raw TeX command in visible text: {text[max(0, command.start() - 40):command.end() + 40]!r}"


def test_every_image_loads(visits, page_path):
    broken = [img["src"][:120] for img in visits(page_path)["images"] if not img["ok"]]
    assert broken == []


# ------------------------------------------------------------------ layout and palettes


def test_no_horizontal_scroll_at_375px(open_page, page_path):
    page, _ = open_page(page_path, width=375, height=812)
    overflow = page.evaluate("""() => {
      const doc = document.documentElement;
      const wide = [...document.querySelectorAll("body *")].filter(el => {
        const r = el.getBoundingClientRect();
        if (!r.width || el.closest("pre, .md-typeset__scrollwrap, .highlight, .ls-table-wrap")) return false;
        return r.right > doc.clientWidth + 1 && getComputedStyle(el).position !== "fixed";
      }).slice(0, 5).map(el => el.tagName.toLowerCase() + "." + [...el.classList].join("."));
      return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
    }""")
    assert overflow["scroll"] <= overflow["client"], f"page scrolls sideways at 375 px: {overflow}"


def test_dark_palette_toggle(open_page, page_path):
    page, watch = open_page(page_path, scheme="light")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("label[title='Switch to dark mode']").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background
    # By its target, not its title: the pointer rests on it after the first click, and Material's
    # content.tooltips moves a hovered element's title into a tooltip.
    page.locator("label[for='__palette_0']").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert watch.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations(open_page, page_path, scheme):
    page, _ = open_page(page_path, scheme=scheme)
    expected = "slate" if scheme == "dark" else "default"
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{expected}'")
    # Read the page as a reader would: every block deferred by hooks/lazy_rendering.py laid out,
    # and no colour transition of the theme still running when axe samples colours.
    page.evaluate(SCROLL_THROUGH)
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    # a11y.js makes sideways-scrolling regions focusable one per idle moment; axe checks the result
    page.wait_for_selector("html[data-a11y-scrollers=checked]", state="attached")
    results = Axe().run(page)
    report = [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [[n["target"], (n["any"] or [{}])[0].get("data")] for n in v["nodes"][:5]]}
        for v in results.response["violations"]
    ]
    assert results.violations_count == 0, json.dumps(report, indent=1)
