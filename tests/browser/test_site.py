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
    assert watch.foreign_requests == [] and watch.failed_requests == []


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
