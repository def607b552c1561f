"""Site-wide behaviour that needs a browser: the legacy URL, the search and what its index holds,
instant navigation and the addresses a build names, and the /authors/ page's own syntax examples."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import CONCEPT, LEGACY, ROOT

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


def test_authors_page_shows_the_snippet_syntax_it_teaches(open_page):
    # pymdownx.snippets takes a `--8<-- [start:name]` line as a section marker and drops it, even
    # in prose; docs/authors.md escapes those with `;` so that readers see the syntax.
    page, _ = open_page("authors/")
    items = page.locator("h2#code-on-pages + ul > li").all_inner_texts()
    source = (ROOT / "docs" / "authors.md").read_text(encoding="utf-8")
    bullets = re.search(r"^## Code on pages\n(.*?)^## ", source, re.S | re.M)[1].count("\n- ")
    assert len(items) == bullets, f"the 'Code on pages' list has {len(items)} of its {bullets} items: {items}"
    for syntax in ("# --8<-- [start:name]", "# --8<-- [end:name]", '--8<-- "snippets/<module>.py:<name>"'):
        assert syntax in items[0], f"{syntax!r} missing from {items[0]!r}"
    assert not any(";--8<--" in item for item in items), "the escape itself shows"


def test_links_between_pages_navigate_instantly(open_page, server):
    # Material's instant navigation swaps the page in only for links its sitemap lists; a
    # sitemap naming another origin (or port) turns every click into a full page load.
    page, watch = open_page("")
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-content a[href$='/domains/']").first.click()
    page.wait_for_url(server.url("domains/"))  # Material changes the URL before it swaps the content
    page.wait_for_function("document.querySelector('.md-content h1')?.textContent.startsWith('Domains')")
    assert page.evaluate("window.__sameDocument === true"), "the click reloaded the page: instant navigation is off"
    assert watch.console_errors == [] and watch.failed_requests == []


def test_no_canonical_link_or_sitemap_entry_names_a_local_address(site_dir):
    # A build names addresses only when it has a SITE_URL, and never a loopback one.
    urls = re.findall(r"<loc>([^<]*)</loc>", (site_dir / "sitemap.xml").read_text(encoding="utf-8"))
    for html in site_dir.rglob("*.html"):
        urls += re.findall(r'<link rel="canonical" href="([^"]+)"', html.read_text(encoding="utf-8"))
    local = [u for u in urls if urlsplit(u).hostname in ("127.0.0.1", "localhost", "0.0.0.0", "::1")]
    assert local == [], f"{len(local)} canonical links or sitemap entries name a local address: {local[:3]}"


TEX_COMMAND = re.compile(r"\\(?:[A-Za-z]+|[()\[\]|,!])")
CODE_MARKERS = ('"""', "def ", "import numpy", ">>> ", "In\xa0[", "Copied!")


def test_search_index_holds_text_not_tex_or_code(site_dir):
    # hooks/search_text.py: formulas become plain text, code blocks and notebook code stay out
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    prose = {d["location"]: re.sub(r"<code>.*?</code>", "", d["title"] + " " + d["text"]) for d in docs}  # code says TeX literally
    tex = [(where, m[0]) for where, text in prose.items() for m in TEX_COMMAND.finditer(text)]
    assert tex == [], f"{len(tex)} TeX commands in the search index, e.g. {tex[:5]}"
    code = [(d["location"], marker) for d in docs for marker in CODE_MARKERS if marker in d["text"]]
    assert code == [], f"code in the search index: {code[:5]}"
    assert not any("<pre>" in d["text"] for d in docs), "a code block is indexed"
    assert any("α" in d["text"] for d in docs), "formulas should be indexed as plain text"


def test_search_results_show_formulas_as_text(open_page):
    page, watch = open_page("")
    query = page.locator("input[data-md-component='search-query']")
    query.click()
    query.press_sequentially("logit gap", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    results = " ".join(page.locator(".md-search-result__item").all_inner_texts())
    assert "α" in results or "K" in results
    assert TEX_COMMAND.search(results) is None, f"TeX in the search results: {results[:300]!r}"
    assert watch.console_errors == []
