"""Fixtures for the real-browser suite: the built site/ served on 127.0.0.1, and headless Chromium.

Run after a strict build:

    SITE_URL=https://concept-lab.test/ .venv/bin/properdocs build --strict
    .venv/bin/python -m pytest tests/browser -p no:markdown-docs -o addopts="" -q

Any SITE_URL will do (``make test`` uses that stand-in): the server maps the sitemap to itself, so
instant navigation works as it does for readers of a deployment.

Chromium is the system one (Debian's ``chromium``); set ``CHROMIUM_PATH`` to use another binary.
Nothing here skips: a missing site/ or a missing browser is a failure with a message saying why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tools.local_site import CHROMIUM_ARGS, ServedSite, chromium_path, is_redirect_page, serve_site, sitemap_paths

ROOT = Path(__file__).resolve().parents[2]
# The built site; SITE_DIR points elsewhere (e.g. a private `properdocs build -d` while others rebuild site/).
SITE = Path(os.environ.get("SITE_DIR", ROOT / "site")).resolve()
CONCEPT = "domains/optimization/label-smoothing/"
LEGACY = "foundations/label-smoothing/"


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ carries the `browser` marker (`-m "not browser"` skips it)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def require_site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"{SITE} has no index.html: run `.venv/bin/properdocs build --strict` before the browser tests "
            "(`make test` does both), or point SITE_DIR at a built site.",
            pytrace=False,
        )
    if not sitemap_paths(SITE):
        pytest.fail(
            f"{SITE}/sitemap.xml lists no pages: the site was built without SITE_URL, so Material's "
            "instant navigation is off and the tests would not see it as readers of a deployment do. "
            "Build with any SITE_URL (`make test` uses a stand-in); the test server maps it to itself.",
            pytrace=False,
        )
    return SITE


# ------------------------------------------------------------------ page discovery


def discover_pages(site: Path) -> list[str]:
    """Every content page of the built site: the sitemap's entries plus every index.html under
    domains/ (so a page missing from the nav is still tested), without redirect stubs."""
    paths = set(sitemap_paths(site))
    for html in (site / "domains").rglob("index.html"):
        paths.add(html.parent.relative_to(site).as_posix() + "/")
    paths.add("")
    pages = []
    for path in paths:
        html = site / path / "index.html"
        if html.is_file() and not is_redirect_page(html):
            pages.append(path)
    return sorted(pages, key=lambda p: (p.count("/"), p))


def concept_neighbours(site_root: Path = ROOT) -> list[str]:
    """The concept page's prerequisites and next pages, from its front matter, as site paths."""
    from hooks.concepts import read_concepts

    concepts = read_concepts(site_root / "docs")
    concept = concepts[CONCEPT + "index.md"]
    return [concepts[uri].url for uri in concept.prerequisites + concept.next]


def lab_pages(pages: list[str]) -> list[str]:
    return [p for p in pages if p.startswith(CONCEPT + "labs/")]


def page_kind(path: str) -> str:
    """What template and layout a page has, from where it sits: the landing page, a plain page
    (/authors/), a domain index, a concept (an overview or a single-page concept), a part of a
    chapter (labs/ included), or a lab notebook."""
    parts = path.strip("/").split("/") if path else []
    if not parts:
        return "landing"
    if parts[0] != "domains":
        return "page"
    if len(parts) <= 2:
        return "domain"
    if len(parts) == 3:
        return "concept"
    return "lab" if len(parts) == 5 and parts[3] == "labs" else "part"


def one_page_of_each_kind(site: Path) -> list[str]:
    """For behaviour that is the same on every page of a kind: of each kind, the page with the
    most links (the most to click, so the most ways to go wrong)."""
    chosen: dict[str, tuple[int, str]] = {}
    for path in discover_pages(site):
        links = (site / path / "index.html").read_text(encoding="utf-8").count("<a ")
        kind = page_kind(path)
        if kind not in chosen or links > chosen[kind][0]:
            chosen[kind] = (links, path)
    return sorted(path for _, path in chosen.values())


def pytest_generate_tests(metafunc):
    """Parametrize `page_path` over the pages found in site/, and `kind_page` over one page of
    each kind (one id per page)."""
    built = (SITE / "index.html").is_file()
    for name, pages_of in (("page_path", discover_pages), ("kind_page", one_page_of_each_kind)):
        if name in metafunc.fixturenames:
            pages = pages_of(SITE) if built else ["<site not built>"]
            metafunc.parametrize(name, pages, ids=[p.rstrip("/") or "landing" for p in pages])


# ------------------------------------------------------------------ server


@pytest.fixture(scope="session")
def site_dir() -> Path:
    return require_site()


@pytest.fixture(scope="session")
def server(site_dir: Path):
    """site/ over http on 127.0.0.1 at a free port (search and instant navigation need http)."""
    with serve_site(site_dir) as served:
        yield served


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="session")
def browser(site_dir):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not Path(executable).exists():
        pytest.fail(
            f"Chromium not found at {executable}: install Debian's `chromium` (.ci/run does) "
            "or set CHROMIUM_PATH.",
            pytrace=False,
        )
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        except PlaywrightError as error:
            pytest.fail(f"Chromium at {executable} did not start: {error}", pytrace=False)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page did while it loaded: console errors, failed and foreign requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


def new_page(browser, server: ServedSite, *, width: int = 1280, height: int = 900, scheme: str = "light",
             javascript: bool = True):
    """A page in a fresh context that records problems and blocks every request that leaves
    the local server (recorded as foreign, so the test fails instead of waiting on a network)."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        java_script_enabled=javascript,
        service_workers="block",
    )
    watch = Watch(origin=server.origin)

    def route(r):
        url = r.request.url
        if url.startswith(server.origin + "/") or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            watch.foreign_requests.append(url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: watch.console_errors.append(f"{m.text} ({m.location.get('url')})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.console_errors.append(f"uncaught: {e}"))

    def on_failed(request):
        if request.url not in watch.foreign_requests:
            watch.failed_requests.append(f"{request.url}: {request.failure}")

    page.on("requestfailed", on_failed)
    page.on("response", lambda r: watch.failed_requests.append(f"{r.url}: HTTP {r.status}")
            if r.status >= 400 else None)
    return context, page, watch


@pytest.fixture(scope="session")
def page_visit(browser, server):
    """page_visit(path, width) -> PageVisit: the page opened once at that width, every cheap
    per-page check recorded (tests/browser/page_visits.py). Memoised for the session, so the
    checks of several modules share one load; a visit that failed fails each test that reads it."""
    from tests.browser.page_visits import visit_page

    visits: dict[tuple[str, int], object] = {}

    def _visit(path: str, width: int):
        if (path, width) not in visits:
            try:
                visits[path, width] = visit_page(browser, server, path, width)
            except Exception as error:  # noqa: BLE001 - kept, and raised again for every reader
                visits[path, width] = error
        found = visits[path, width]
        if isinstance(found, Exception):
            raise RuntimeError(f"visiting /{path} at {width} px failed: {found}") from found
        return found

    return _visit


@pytest.fixture
def open_page(browser, server):
    """open_page(path, **options) -> (page, watch); contexts are closed after the test."""
    contexts = []

    def _open(path: str, *, wait: bool = True, **options):
        context, page, watch = new_page(browser, server, **options)
        contexts.append(context)
        if wait:
            page.goto(server.url(path), wait_until="load")
            page.wait_for_load_state("networkidle")
        return page, watch

    yield _open
    for context in contexts:
        context.close()
