"""A part printed to PDF: no navigation chrome, light figures, formulas, tables and code inside the
page, external links with their address (docs/assets/stylesheets/print.css), and every fold open
(Material's own beforeprint handling)."""

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
    # Only a link that leaves the site and does not show its address prints it (hooks/print_links.py);
    # links within the site, made absolute on screen by instant navigation, print as their text.
    printed = page.evaluate("""[...document.querySelectorAll('.md-content a[href]')].map(a => [
      a.hasAttribute('data-print-href'), getComputedStyle(a, '::after').content])""")
    assert len(printed) > 20
    assert all(content.startswith('" <http') if marked else content in ("none", "normal")
               for marked, content in printed), [p for p in printed if p[1] not in ("none", "normal")][:5]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 2
    assert watch.console_errors == []


PRINTED = """() => ({
  closed: [...document.querySelectorAll('details:not([open])')].map(d => d.className),
  formulas: [...document.querySelectorAll('details.optional .katex-display')].filter(e => e.checkVisibility()).length,
  answers: [...document.querySelectorAll('details.quiz-answer')].filter(e => e.innerText.length > 200).length,
  clipped: %s })""" % CLIPPED


def test_folds_print_open_and_close_again(open_page):
    """A closed <details> prints its summary line only, which would leave the optional derivations
    and the quiz's answers off paper. Material opens every fold of the content on beforeprint and
    closes it again on afterprint (its details component); Chromium also opens folds itself when
    it prints, so page.pdf() alone would pass without Material's part. The events are therefore
    dispatched here as the browser dispatches them around printing (a dispatched event makes
    Chromium open nothing), under print media; page.pdf() then checks a real print."""
    page, watch = open_page(CONCEPT + "math/", width=A4_WIDTH, height=1123)
    page.emulate_media(media="print")
    folded = page.evaluate("document.querySelectorAll('details.optional .katex-display').length")
    answers = page.evaluate("document.querySelectorAll('details.quiz-answer').length")
    assert folded >= 3 and answers >= 3, "the math part folds derivations and quiz answers"
    # a closed fold hides its content (checkVisibility), laid out or not
    before = page.evaluate(PRINTED)
    assert before["formulas"] == 0 and before["answers"] == 0

    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    printed = page.evaluate(PRINTED)
    assert printed["closed"] == [], "folds print closed"
    assert printed["formulas"] == folded  # every folded formula is on paper ...
    assert printed["clipped"] == []  # ... inside the page
    assert printed["answers"] == answers  # each quiz answer prints its explanation, not just its summary
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(PRINTED)["closed"] == before["closed"]  # the reader's page as it was

    page.evaluate("""() => addEventListener('beforeprint', () => { window.printed = (%s)(); })""" % PRINTED)
    assert page.pdf(format="A4").startswith(b"%PDF")
    assert page.evaluate("window.printed.closed") == []
    page.wait_for_function("!document.querySelector('details[open]')")
    assert watch.console_errors == []
