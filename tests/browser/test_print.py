"""A part printed to PDF: no navigation chrome, light figures, formulas, tables and code inside the
page, external links with their address (docs/assets/stylesheets/print.css)."""

import pytest

from tests.browser.conftest import CONCEPT

pytestmark = pytest.mark.browser

A4_WIDTH = 794  # CSS pixels at 96 dpi; Chromium lays the printed page out at the paper's width
CLIPPED = """[...document.querySelectorAll('.katex-display, .md-typeset table, .md-typeset pre, .lab-figure img')]
  .filter(e => e.getClientRects().length)
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > document.querySelector('.md-content').getBoundingClientRect().right + 1)
  .map(e => e.className || e.tagName)"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("part", ["math/", ""])
def test_a_part_prints_cleanly(open_page, part, scheme):
    page, watch = open_page(CONCEPT + part, width=A4_WIDTH, height=1123, scheme=scheme)
    page.emulate_media(media="print", color_scheme=scheme)
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{chrome}')).display") == "none", chrome
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate("document.body.style.backgroundColor || getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "")
    # the canvas follows the root's color-scheme: a dark one fills the paper's margins
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "light"
    shown = page.evaluate("[...document.querySelectorAll('.lab-figure img')].filter(i => i.getClientRects().length).map(i => i.currentSrc || i.src)")
    assert all("-dark" not in src for src in shown), shown
    if part == "":
        assert shown, "the overview has lab figures"
    link = page.locator(".md-content a[href^='http']:not(.headerlink):not(.glightbox)").first
    assert link.evaluate("a => getComputedStyle(a, '::after').content").startswith('" <http')
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 2
    assert watch.console_errors == []
