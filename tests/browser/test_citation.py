"""The overview's "Cite this page": a BibTeX entry with the page's public address and a copy button."""

import pytest

from tests.browser.conftest import CONCEPT

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_bibtex_entry_with_address_and_copy_button(open_page, width):
    page, watch = open_page(CONCEPT, width=width)
    block = page.locator("#cite-this-page + .highlight")
    text = block.locator("code").inner_text()
    assert text.startswith("@misc{conceptlab:label-smoothing,")
    assert "title = {{Label Smoothing \\& Soft Targets}}" in text
    assert f"url = {{https://concept-lab.test/{CONCEPT}}}" in text  # from SITE_URL, as built
    assert "year = {" in text
    block.scroll_into_view_if_needed()  # Material adds the copy button to a code block once it is in view
    block.locator("button[title='Copy to clipboard']").wait_for()
    assert page.evaluate("(() => { const c = document.querySelector('#cite-this-page + .highlight pre'); return c.scrollWidth <= c.clientWidth + 1 || getComputedStyle(c).overflowX !== 'visible'; })()")
    assert watch.console_errors == []
