"""Lab figures in the browser: legible text at phone and desktop widths, dark variants, the lightbox.

A published SVG states its size (``width``/``height`` in pt and a ``viewBox``) and, drawn with
``svg.fonttype = none``, the ``font-size`` of every text in viewBox units. Shown at a width of w
CSS px, one unit is ``w / viewBox width`` px, so the rendered size of each text is known exactly.
Rule (issue 13): at least 11 px, superscripts (a smaller size inside the same ``<text>``, as
matplotlib writes the exponents of log ticks) at least 8 px.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.browser.conftest import CONCEPT, SITE, discover_pages, lab_pages
from tests.browser.page_visits import DESK, PHONE, settle_animations

MIN_TEXT_PX = 11.0
MIN_SUPERSCRIPT_PX = 8.0
SVG_NS = "{http://www.w3.org/2000/svg}"
FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px|font:\s*(?:[a-z]+\s+)*([\d.]+)px")


@lru_cache(maxsize=None)
def svg_texts(path: Path) -> tuple[float, list[tuple[str, float, bool]]]:
    """(viewBox width, [(text, font size in viewBox units, is a superscript)]) of a published SVG."""
    root = ET.parse(path).getroot()
    view_width = float(root.attrib["viewBox"].split()[2])
    texts = []
    for text in root.iter(f"{SVG_NS}text"):
        parts = [text, *text.iter(f"{SVG_NS}tspan")]
        sized = [(p, _font_size(p)) for p in parts if _font_size(p) is not None]
        if not sized:
            continue
        base = max(size for _, size in sized)
        for part, size in sized:
            label = "".join(part.itertext()).strip() if part is text else (part.text or "").strip()
            texts.append((label, size, size < base))
    return view_width, texts


def _font_size(element) -> float | None:
    match = FONT_SIZE.search(element.attrib.get("style", ""))
    return float(match[1] or match[2]) if match else None


def site_file(src: str) -> Path:
    return SITE / unquote(urlsplit(src).path).lstrip("/")


@pytest.mark.parametrize("width", [PHONE, DESK])
def test_figure_text_is_legible_at_its_displayed_size(page_visit, page_path, width):
    problems = []
    for image in page_visit(page_path, width).palettes["light"].images:
        path = site_file(image["src"])
        if path.suffix != ".svg":
            continue
        if "/figures/" in image["src"] and not image["unclipped"]:
            problems.append(f"{path.name} at {width} px: part of the figure is hidden (clipped or covered)")
        view_width, texts = svg_texts(path)
        scale = image["width"] / view_width
        for label, size, superscript in texts:
            minimum = MIN_SUPERSCRIPT_PX if superscript else MIN_TEXT_PX
            if size * scale < minimum - 1e-6:
                problems.append(f"{path.name} at {image['width']:.0f} px: {label!r} is {size * scale:.1f} px < {minimum}")
    assert not problems, "\n".join(problems[:20])


def figures(visit, scheme: str) -> list[dict]:
    """The lab figures the page showed in ``scheme``, each with its file's name (stem)."""
    return [{**image, "name": Path(urlsplit(image["src"]).path).stem}
            for image in visit.palettes[scheme].images if "/figures/" in image["src"]]


@pytest.mark.parametrize("width", [PHONE, DESK])
def test_each_palette_shows_its_own_figure_variants(page_visit, page_path, width):
    # The visit shows the page light, then dark (the header's toggle): every lab figure follows.
    visit = page_visit(page_path, width)
    phone = width < 720
    light, dark = figures(visit, "light"), figures(visit, "dark")
    assert len(light) == len(dark), f"{len(light)} figures in the light palette, {len(dark)} in the dark"
    for figure in light:
        assert not figure["name"].endswith("-dark"), f"a dark figure shows in the light palette: {figure['name']}"
        assert figure["name"].endswith("-phone") == phone, f"{figure['name']} shows at {width} px"
    for figure in dark:
        assert figure["name"].endswith("-dark"), f"a light figure shows in the dark palette: {figure['name']}"
        assert figure["name"].endswith("-phone-dark") == phone, f"{figure['name']} shows at {width} px"
        svg = site_file(figure["src"]).read_text(encoding="utf-8")
        assert "fill: #ffffff" not in svg.lower(), f"{figure['name']} paints white"


def test_the_lab_pages_show_figures(page_visit, site_dir):
    shown = {path: len(figures(page_visit(path, DESK), "dark")) for path in lab_pages(discover_pages(site_dir))}
    assert sum(shown.values()) >= 4, f"too few lab figures found on the lab pages: {shown}"


@pytest.mark.parametrize(("width", "variant"), [(1280, "-dark.svg"), (375, "-phone-dark.svg")])
def test_a_figure_opens_full_size_and_closes_with_escape(open_page, width, variant):
    page, watch = open_page(CONCEPT + "labs/calibration/", width=width, height=800, scheme="dark")
    link = page.locator(".lab-figure a.glightbox:visible").first
    link.evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
    link.click()
    slide = page.locator(".glightbox-container .gslide-image img").first
    slide.wait_for(state="visible", timeout=10_000)
    page.wait_for_function("img => img.complete && img.currentSrc", arg=slide.element_handle(), timeout=10_000)
    assert urlsplit(slide.evaluate("img => img.currentSrc")).path.endswith(variant)  # the reader's scheme and screen
    settle_animations(page)  # GLightbox's zoom-in
    shown = slide.bounding_box()
    assert shown["width"] >= min(width, 653) * 0.95, shown  # at least as large as on the page
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached", timeout=10_000)
    assert not watch.console_errors, watch.console_errors
