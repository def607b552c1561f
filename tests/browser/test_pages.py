"""Every page of the built site in headless Chromium: the concept page, its labs, its neighbour
concept pages, the domain index and the landing page (found in site/, not listed by hand)."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import CONCEPT, SITE, concept_neighbours, discover_pages, lab_pages, require_site
from tests.browser.page_visits import DESK, PHONE

pytestmark = pytest.mark.browser

RAW_TEX = [r"\(", r"\)", r"\[", r"\]", "$$"]
TEX_COMMAND = re.compile(r"\\(frac|alpha|beta|sum|log|exp|mathbf|mathrm|text|left|right|"
                         r"begin|end|varepsilon|epsilon|cdot|hat|operatorname)\b")


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
# Each reads the page's visits (tests/browser/page_visits.py): one load per page and width.


def test_no_console_errors(page_visit, page_path):
    assert {width: page_visit(page_path, width).console_errors for width in (DESK, PHONE)} == {DESK: [], PHONE: []}


def test_no_failed_requests(page_visit, page_path):
    assert {width: page_visit(page_path, width).failed_requests for width in (DESK, PHONE)} == {DESK: [], PHONE: []}


def test_no_request_leaves_the_local_server(page_visit, page_path):
    assert {width: page_visit(page_path, width).foreign_requests for width in (DESK, PHONE)} == {DESK: [], PHONE: []}


def test_math_is_rendered(page_visit, page_path):
    visit = page_visit(page_path, DESK)
    assert visit.katex_errors == [], "KaTeX could not render some formula"
    text = visit.text
    leftovers = [d for d in RAW_TEX if d in text]
    assert not leftovers, f"raw TeX delimiters {leftovers} in visible text: " + ", ".join(
        repr(text[max(0, text.index(d) - 40): text.index(d) + 40]) for d in leftovers)
    command = TEX_COMMAND.search(text)
    assert command is None, f"raw TeX command in visible text: {text[max(0, command.start() - 40):command.end() + 40]!r}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_image_loads(page_visit, page_path, scheme):
    broken = {width: [img["src"][:120] for img in page_visit(page_path, width).palettes[scheme].images if not img["ok"]]
              for width in (DESK, PHONE)}
    assert broken == {DESK: [], PHONE: []}


# ------------------------------------------------------------------ layout and palettes


def test_no_horizontal_scroll_at_375px(page_visit, page_path):
    overflow = page_visit(page_path, PHONE).overflow
    assert overflow["scroll"] <= overflow["client"], f"page scrolls sideways at 375 px: {overflow}"


def test_dark_palette_toggle(page_visit, page_path):
    # The visit starts light, switches to dark with the header's toggle and back to light.
    palettes = page_visit(page_path, DESK).palettes
    assert palettes["dark"].background != palettes["light"].background
    assert palettes["dark"].background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), palettes["dark"].background


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations(page_visit, page_path, scheme):
    violations = page_visit(page_path, DESK).palettes[scheme].axe
    assert violations == [], json.dumps(violations, indent=1)
