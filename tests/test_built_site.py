"""Checks on the built site/ (run `make build` first; `make test` does): what a page loads and shows."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[1] / "site"
CONCEPT = SITE / "domains/optimization/label-smoothing/index.html"


class ResourceCollector(HTMLParser):
    """URLs a browser would fetch while loading the page (not plain links it may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attributes.get("src"):
            self.resources.append(attributes["src"])
        if tag == "link" and attributes.get("rel") not in ("canonical", "alternate", "next", "prev"):
            self.resources.append(attributes.get("href") or "")
        if attributes.get("srcset"):
            self.resources.append(attributes["srcset"])


@pytest.fixture(scope="module")
def pages() -> list[Path]:
    if not CONCEPT.exists():
        pytest.fail(f"{CONCEPT} is missing: build the site first (`make build`)")
    return sorted(SITE.rglob("*.html"))


def test_pages_load_nothing_from_other_origins(pages):
    offenders = []
    for page in pages:
        collector = ResourceCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(SITE)}: {url}" for url in collector.resources if re.match(r"^(https?:)?//", url)]
    assert not offenders


def test_stylesheets_load_nothing_from_other_origins():
    urls = [
        f"{css.relative_to(SITE)}: {url}"
        for css in SITE.rglob("*.css")
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8"))
    ]
    assert not urls


def test_math_is_prerendered_katex_html(pages):
    html = CONCEPT.read_text(encoding="utf-8")
    assert html.count('class="katex"') >= 5
    assert 'class="katex-error"' not in html
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="arithmatex">\\[(\[]', text), f"{page}: unrendered formula"
    assert not any("katex.min.js" in p.read_text(encoding="utf-8") for p in pages), "math needs no client JS"
    labs = [p for p in pages if "/labs/" in p.as_posix()]
    assert labs, "no lab pages were built"
    for page in labs:
        prose = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        leftover = re.findall(r"\$\$|\$\\[A-Za-z]+", prose)
        assert not leftover, f"{page}: notebook math left unrendered: {leftover[:3]}"


def test_concept_template_renders_badge_equation_and_connections():
    html = CONCEPT.read_text(encoding="utf-8")
    badge = re.search(r'<p class="concept-badge">(.*?)</p>', html, re.S)[1]
    assert re.sub(r"<[^>]+>|\s+", " ", badge).split() == "Concept 60 of 100 · Optimization · Phase 3".split()
    assert 'class="concept-card concept-key-equation"' in html
    assert 'id="connections"' in html and html.count('class="concept-card concept-link"') >= 4
    assert "/foundations/label-smoothing/" in html, "the page says which legacy page it replaces"


def test_legacy_url_redirects_to_the_concept_page():
    legacy = (SITE / "foundations/label-smoothing/index.html").read_text(encoding="utf-8")
    target = "../../domains/optimization/label-smoothing/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in legacy
    assert f'<link rel="canonical" href="{target}">' in legacy
