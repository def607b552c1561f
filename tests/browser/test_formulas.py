"""Display formulas and tables on a phone and on a desk: nothing wider than its column without a sign.

On every page at 375 and 1280 px: no display formula (key-equation card included) is wider than
the box it sits in, and no code name in a table cell breaks over lines. As a safety net, a box
that does scroll sideways (a formula forced wider than its column, a wide table) shows a shadow
on each edge that has more content beyond it, and none on an edge that has not
(docs/assets/stylesheets/scroll.css).
"""

from __future__ import annotations

import io
import re
from statistics import median

import pytest
from PIL import Image

from tests.browser.conftest import CONCEPT, SITE, discover_pages, lab_pages
from tests.browser.page_visits import DESK, PHONE

pytestmark = pytest.mark.browser

WIDTHS = [PHONE, DESK]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_display_formula_is_wider_than_its_column(page_visit, page_path, width):
    wide = [f for f in page_visit(page_path, width).formulas if f["excess"] > 1]
    assert wide == [], f"{len(wide)} display formula(s) scroll sideways at {width} px: " + "; ".join(
        f"{f['width']} px in {f['room']} px: {f['tex']!r}" for f in wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_code_names_in_tables_stay_on_one_line(page_visit, page_path, width):
    assert page_visit(page_path, width).wrapped_code == []


# ------------------------------------------------------------------ the sign that a box scrolls


def first_lab_with_display_math() -> str:
    for path in lab_pages(discover_pages(SITE)):
        if re.search(r'<div class="arithmatex">', (SITE / path / "index.html").read_text(encoding="utf-8")):
            return path
    pytest.fail("no lab page has a display formula to test the notebook-cell case with")


# Only the box's own background is left to see: its content and every inner background go.
INK_OFF = """box => {
  box.classList.add("edge-probe");
  const style = document.createElement("style");
  style.textContent = `.edge-probe * { color: transparent !important; background-color: transparent !important;
    border-color: transparent !important; fill: transparent !important; stroke: transparent !important; }`;
  document.head.append(style);
}"""


def edge_shading(page, box) -> tuple[float, float]:
    """How far the outermost pixels on the left and right of ``box`` differ in brightness from
    its middle (median over the middle half of its height): a shadow's contrast, 0 without one."""
    box.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(box.screenshot(animations="disabled"))).convert("L")
    width, height = image.size
    rows = range(height // 4, 3 * height // 4)

    def column(x: int) -> float:
        return median(image.getpixel((x, y)) for y in rows)

    middle = column(width // 2)
    return abs(column(1) - middle), abs(column(width - 2) - middle)


SHADOW = 25  # brightness steps (of 255) at the edge: a shadow is plainly visible at 60-100
NO_SHADOW = 3


def assert_shading(page, box, *, left: bool, right: bool, where: str) -> None:
    shading = edge_shading(page, box)
    for side, expected, seen in (("left", left, shading[0]), ("right", right, shading[1])):
        if expected:
            assert seen >= SHADOW, f"{where}: no shadow on the {side} edge, though there is more that way ({seen:.0f})"
        else:
            assert seen <= NO_SHADOW, f"{where}: a shadow on the {side} edge, though nothing is that way ({seen:.0f})"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", ["key-equation card", "formula in the text", "formula in a notebook cell"])
def test_a_formula_too_wide_for_its_column_shows_that_it_scrolls(open_page, case, width, scheme):
    path, selector = {
        "key-equation card": (CONCEPT, ".concept-key-equation div.arithmatex"),
        "formula in the text": (CONCEPT + "math/", ".md-content div.arithmatex"),
        "formula in a notebook cell": (first_lab_with_display_math(), ".jupyter-wrapper div.arithmatex"),
    }[case]
    page, _ = open_page(path, width=width, height=800, scheme=scheme)
    box = page.locator(selector).first
    box.evaluate(INK_OFF)
    where = f"{case} on /{path} at {width} px, {scheme}"
    scrolls = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
    if not scrolls:
        assert_shading(page, box, left=False, right=False, where=where + " (fits)")
    # Make it twice as wide as its column, as a formula too long for a phone would be.
    box.evaluate("b => { b.firstElementChild.style.minWidth = 2 * b.clientWidth + 'px'; b.scrollLeft = 0; }")
    assert_shading(page, box, left=False, right=True, where=where + " (at the start)")
    box.evaluate("b => { b.scrollLeft = (b.scrollWidth - b.clientWidth) / 2; }")
    assert_shading(page, box, left=True, right=True, where=where + " (in the middle)")
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert_shading(page, box, left=True, right=False, where=where + " (at the end)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_table_too_wide_for_a_phone_shows_that_it_scrolls(open_page, scheme):
    page, _ = open_page(CONCEPT + "code/", width=375, height=800, scheme=scheme)
    wide = page.locator(".md-typeset__scrollwrap").filter(
        has=page.locator("td code")).first  # the semantics-across-libraries table
    assert wide.evaluate("w => w.scrollWidth > w.clientWidth + 1"), "the table was expected to scroll at 375 px"
    wide.evaluate(INK_OFF)
    where = f"table on /{CONCEPT}code/ at 375 px, {scheme}"
    wide.evaluate("w => { w.scrollLeft = 0; }")
    assert_shading(page, wide, left=False, right=True, where=where + " (at the start)")
    wide.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    assert_shading(page, wide, left=True, right=False, where=where + " (at the end)")
