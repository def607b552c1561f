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

from tests.browser.conftest import CONCEPT, SITE

MIN_TEXT_PX = 11.0
MIN_SUPERSCRIPT_PX = 8.0
SVG_NS = "{http://www.w3.org/2000/svg}"
FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px|font:\s*(?:[a-z]+\s+)*([\d.]+)px")

# Every image the page shows (after loading lazy ones): its source, displayed size and whether it is clipped.
SHOWN_IMAGES = """async () => {
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(img => img.complete ? null : new Promise(r => { img.onload = img.onerror = r; })));
  const unclipped = img => {  // nothing hides the image's corners (an ancestor's overflow, another element)
    img.scrollIntoView({block: 'center', behavior: 'instant'});
    const r = img.getBoundingClientRect();
    return [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2]].every(([x, y]) => {
      const hit = document.elementFromPoint(x, y);
      return hit === img;
    });
  };
  return [...document.images].filter(img => img.offsetParent !== null && img.getBoundingClientRect().width > 0)
    .map(img => ({src: img.currentSrc || img.src, width: img.getBoundingClientRect().width,
                  height: img.getBoundingClientRect().height, unclipped: unclipped(img)}));
}"""


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


@pytest.mark.parametrize("width", [375, 1280])
def test_figure_text_is_legible_at_its_displayed_size(open_page, page_path, width):
    page, _ = open_page(page_path, width=width, height=900)
    problems = []
    for image in page.evaluate(SHOWN_IMAGES):
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


def _lab_figure_pages(pages: list[str]) -> list[str]:
    return [p for p in pages if p.startswith(CONCEPT + "labs/")]


@pytest.mark.parametrize("width", [375, 1280])
def test_dark_scheme_shows_dark_variants_and_no_white_slabs(open_page, site_dir, width):
    from tests.browser.conftest import discover_pages

    checked = 0
    for path in _lab_figure_pages(discover_pages(site_dir)):
        page, _ = open_page(path, width=width, height=900, scheme="dark")
        for image in page.evaluate(SHOWN_IMAGES):
            if "/figures/" not in image["src"]:
                continue
            checked += 1
            name = Path(urlsplit(image["src"]).path).stem
            assert name.endswith("-dark"), f"{path}: a light figure shows in dark mode: {name}"
            assert name.endswith("-phone-dark") == (width < 720), f"{path} at {width} px shows {name}"
            svg = site_file(image["src"]).read_text(encoding="utf-8")
            assert "fill: #ffffff" not in svg.lower(), f"{name} paints white"
    assert checked >= 4, "no lab figures found on the lab pages"


def test_light_scheme_shows_light_variants(open_page):
    page, _ = open_page(CONCEPT + "labs/calibration/", width=375, height=900, scheme="light")
    names = [Path(urlsplit(i["src"]).path).stem for i in page.evaluate(SHOWN_IMAGES) if "/figures/" in i["src"]]
    assert names and all(n.endswith("-phone") for n in names), names


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
    page.wait_for_timeout(1000)  # GLightbox's zoom-in animation
    shown = slide.bounding_box()
    assert shown["width"] >= min(width, 653) * 0.95, shown  # at least as large as on the page
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached", timeout=10_000)
    assert not watch.console_errors, watch.console_errors
