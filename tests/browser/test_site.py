"""Site-wide behaviour that needs a browser: the legacy URL and the search."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import CONCEPT, LEGACY

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("suffix", ["", "#interactive-visualization"])
def test_legacy_url_redirects_to_concept_page(open_page, server, suffix):
    page, watch = open_page("", wait=False)
    page.goto(server.url(LEGACY) + suffix)
    page.wait_for_url(server.url(CONCEPT) + suffix)
    assert page.locator("h1").first.text_content().strip().startswith("Label Smoothing")
    # The redirect page's script moves on while the page may still be arriving; Chromium then
    # reports that one request as aborted. It is the redirect working, not a failure.
    superseded = f"{server.url(LEGACY)}: net::ERR_ABORTED"
    assert watch.foreign_requests == [] and [f for f in watch.failed_requests if f != superseded] == []


def test_search_finds_the_concept_page(open_page, server):
    page, watch = open_page("")
    query = page.locator("input[data-md-component='search-query']")
    query.click()  # at 1280 px the search field sits in the header
    query.press_sequentially("label smoothing", delay=20)  # Material searches on key events
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=10_000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("els => els.map(a => a.href)")
    pages = list(dict.fromkeys(urlsplit(h).path for h in hrefs))  # distinct pages, in rank order
    assert "/" + CONCEPT in pages, f"concept page not found: {pages}"
    # A learner typing the concept's name must land on the concept, not on one of its labs.
    assert pages[0] == "/" + CONCEPT, f"concept page ranks below {pages[:pages.index('/' + CONCEPT)]}"
    page.locator(f".md-search-result__item a[href*='{CONCEPT}?']").first.click()
    page.wait_for_url(f"**/{CONCEPT}**")
    assert page.locator("h1").first.text_content().strip().startswith("Label Smoothing")
    assert watch.console_errors == [] and watch.failed_requests == []


def test_first_visit_in_dark_mode_is_dark_before_materials_script_runs(open_page, server):
    # overrides/main.html picks the palette at once; Material's own (deferred) script would only
    # switch after the first paint, flashing the light palette at dark-mode readers
    page, _ = open_page(CONCEPT, scheme="dark", wait=False)
    page.route("**/bundle.*.min.js", lambda route: route.abort())
    page.goto(server.url(CONCEPT), wait_until="load")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


def test_a_palette_the_reader_chose_outlives_the_preference(open_page):
    page, watch = open_page(CONCEPT, scheme="dark")
    page.locator("label[title='Switch to light mode']").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    page.reload(wait_until="load")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    assert watch.console_errors == []
