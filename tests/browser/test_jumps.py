"""Every link into a heading lands with that heading at the top of the viewport, on the first click.

Checked at desktop and phone widths on one page of each kind (conftest.one_page_of_each_kind: the
landing page, a plain page, a domain index, a concept, a chapter's part, a lab; of each the one
with the most links), clicking as a quick reader does (right after the page scrolled, Back right
after arriving): the table of contents (the right sidebar on a desk; on a phone the menu, then the
page's entry, which shows its table of contents), every in-page link in the content that is on
screen without opening a tab or fold first, and every link to another page of the site (to a
heading, or to the top), followed by Back. Landing is the theme's and instant-navigation.js's
work, the same on every page of a kind; that each link's target exists on every page is the
build's check (`validation: anchors` under --strict). Every old link into the concept page, from
before it became a chapter, must reach its section.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import CONCEPT

WIDTHS = {"desktop": (1280, 900), "phone": (375, 800)}
LEGACY_ANCHORS = (Path(__file__).parent / "legacy-concept-anchors.txt").read_text().split()

# Where the heading may sit: its top between the header's bottom and a little below it (the
# heading's own scroll margin), or anywhere below the header when the page cannot scroll further.
LANDING_SLACK_PX = 40
# A landing counts once the scroll position and the target's place have held this long.
STILL_MS = 150

# Counts Material's content swaps (document$) and whether a page fetch is in flight (progress$
# emits when one starts). The window, and so this record, survives instant navigation.
TRACK = """() => {
  if (window.__jumps) return;
  const record = window.__jumps = {fetching: false, swaps: 0};
  progress$.subscribe(() => { record.fetching = true; });
  document$.subscribe(() => { record.fetching = false; record.swaps += 1; });
}"""

SETTLE = """([id, stillMs, timeoutMs]) => new Promise((done, fail) => {
  const record = window.__jumps;
  const timer = setTimeout(() => fail(new Error(
    `not settled after ${timeoutMs} ms: fetching ${record.fetching}, target ${!!document.getElementById(id)}`)), timeoutMs);
  let state = null, since = performance.now();
  const tick = () => {
    const target = id ? document.getElementById(id) : null;
    const now = [record.fetching, scrollY, target ? target.getBoundingClientRect().top : null].join();
    if (now !== state) { state = now; since = performance.now(); }
    else if (!record.fetching && (!id || target) && performance.now() - since >= stillMs) {
      clearTimeout(timer);
      return done();
    }
    requestAnimationFrame(tick);
  };
  tick();
})"""

# From the first script on: every scroll and address change with the time, the page's height and
# where the hash's element sits, so a landing that fails says what moved the page and when.
SCROLL_TIMELINE = """(() => {
  const timeline = window.__scrollTimeline = [];
  const note = kind => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (timeline.length < 60) timeline.push([Math.round(performance.now()), kind, Math.round(scrollY),
      document.documentElement.scrollHeight, location.hash, target ? Math.round(target.getBoundingClientRect().top) : null]);
  };
  addEventListener('scroll', () => note('scroll'), {passive: true});
  addEventListener('hashchange', () => note('hashchange'));
  addEventListener('DOMContentLoaded', () => note('ready'));
  addEventListener('load', () => note('load'));
})()"""

NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# Where the target sits, and which section the table of contents marks as the one in view (its
# active entry, whose hash navigation.tracking writes to the address bar as soon as the page scrolls).
LANDING = """id => {
  const target = document.getElementById(id);
  if (!target) return {missing: true};
  const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
  const top = target.getBoundingClientRect().top;
  const atBottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
  const toc = document.querySelector('.md-sidebar--secondary');
  const entries = toc ? [...toc.querySelectorAll('a.md-nav__link')].map(a => decodeURIComponent(a.hash.slice(1))) : [];
  const active = toc && toc.querySelector('a.md-nav__link--active');
  return {top, header, atBottom, height: window.innerHeight, listed: entries.includes(id),
          current: active ? decodeURIComponent(active.hash.slice(1)) : null};
}"""

# Links under a selector, in document order, kept in window.__jumpLinks so that a test clicks
# exactly the one it listed. Instant navigation rewrites every href to an absolute URL, so links
# are told apart by pathname and hash. Content tabs' own anchors (#__tabbed_…) are not targets; footnote
# references and their back links are. Downloads and files (a lab's .ipynb) are not pages.
MARK_LINKS = """([selector, otherPages]) => {
  // a footnote's tooltip repeats the footnote's links: the footnote's own copy is tested
  const anchors = window.__jumpLinks =
    [...document.querySelectorAll(selector)].filter(a => !a.closest('.md-tooltip2'));
  return anchors.map((a, index) => {
    const url = new URL(a.href, location.href);
    return {index, href: url.href, path: url.pathname, id: decodeURIComponent(url.hash.slice(1)),
            here: url.pathname === location.pathname, local: url.origin === location.origin,
            // checkVisibility: a closed <details> hides its content with content-visibility, which
            // leaves client rects
            visible: a.getClientRects().length > 0 && a.checkVisibility(),
            page: !a.hasAttribute('download') && /\\/$|\\.html$/.test(url.pathname)};
  }).filter(l => l.local && l.page && !l.id.startsWith('__') && (otherPages ? !l.here : l.here && l.id));
}"""


def track(page) -> None:
    page.evaluate(TRACK)


def swaps(page) -> int:
    return page.evaluate("window.__jumps.swaps")


def wait_for_swap(page, swapped: int, where: str) -> None:
    """Wait until Material has swapped in the next page (swap count past ``swapped``). A full
    page load instead (a redirect on the way, such as a moved anchor) fails: it loses Back's place."""
    try:
        page.wait_for_function("n => !window.__jumps || window.__jumps.swaps > n", arg=swapped)
        instant = page.evaluate("!!window.__jumps")
    except PlaywrightError:  # the document was replaced while we asked
        instant = False
    assert instant, f"{where}: a full page load instead of instant navigation (now at {page.url})"


def settle(page, anchor: str | None = None, timeout_ms: int = 20_000) -> None:
    """Wait until no page fetch is in flight, the target (if any) exists, and neither the scroll
    position nor the target's place has changed for STILL_MS."""
    track(page)
    page.wait_for_function(SETTLE, arg=[anchor, STILL_MS, timeout_ms], timeout=timeout_ms + 5_000)


def assert_lands(page, anchor: str, where: str) -> None:
    state = page.evaluate(LANDING, anchor)
    assert not state.get("missing"), f"{where}: no element with id {anchor!r}"
    top, header = state["top"], state["header"]
    if state["atBottom"] and header - 1 <= top <= state["height"]:
        return  # the page cannot scroll further: the heading is on screen, below the header
    assert header - 1 <= top <= header + LANDING_SLACK_PX, (
        f"{where}: #{anchor} is at {top:.0f} px; the header ends at {header:.0f} px"
    )
    if state["listed"]:  # the reader sees the section they asked for named as the one in view
        assert state["current"] == anchor, (
            f"{where}: the table of contents marks {'#' + state['current'] if state['current'] else 'no section'} "
            f"as the one in view, not #{anchor}"
        )


def links(page, selector: str, *, other_pages: bool = False, expected: list[dict] | None = None) -> list[dict]:
    """The links under ``selector`` to this page's headings (or, with ``other_pages``, to other
    pages of the site). Instant navigation swaps in new elements, so they are listed again before
    each click; ``expected`` checks it is the same list."""
    found = page.evaluate(MARK_LINKS, [selector, other_pages])
    if expected is not None:
        assert [link["href"] for link in found] == [link["href"] for link in expected], (
            f"{page.url}: the links under {selector} changed between clicks"
        )
    return found


def element(page, link: dict):
    return page.evaluate_handle("index => window.__jumpLinks[index]", link["index"]).as_element()


def viewport_top(page, link: dict) -> float:
    """Where the link sits in the viewport. Back must show it there again; the scroll offset
    itself may differ, as the browser's scroll anchoring keeps the view steady when something
    above grows late (Material wraps tables, for one)."""
    return element(page, link).evaluate("a => a.getBoundingClientRect().top")


def click(page, link: dict) -> None:
    """Click as a quick reader does: Playwright scrolls the link into view and clicks at once."""
    element(page, link).click()


def open_drawer_table_of_contents(page) -> None:
    """On a phone: the header's menu button, then the page's own entry in the menu (the one that
    toggles __toc) slides in its table of contents, unless it is still showing from before."""
    page.locator("label.md-header__button[for='__drawer']").click()
    if not page.locator("#__toc").is_checked():
        page.locator(".md-nav--primary label.md-nav__link[for='__toc']").click()


@pytest.mark.parametrize("width", WIDTHS)
def test_table_of_contents_links_land_on_their_headings(open_page, kind_page, width):
    w, h = WIDTHS[width]
    page, watch = open_page(kind_page, width=w, height=h)
    track(page)
    phone = width == "phone"
    toc = ".md-nav--primary .md-nav--secondary" if phone else ".md-sidebar--secondary"
    selector = f"{toc} a.md-nav__link"
    listed = links(page, selector)
    if not listed:
        assert not page.locator("article h2").count(), f"{kind_page}: headings but no table of contents"
        return
    for position, link in enumerate(listed):
        if phone:
            open_drawer_table_of_contents(page)
        click(page, links(page, selector, expected=listed)[position])
        if phone:  # Material closes the menu on navigation, so the heading is not under it
            page.wait_for_function("() => !document.getElementById('__drawer').checked")
        settle(page, link["id"])
        assert_lands(page, link["id"], f"{kind_page} ({width}) table of contents")
    assert watch.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_in_page_links_land_on_their_headings(open_page, kind_page, width):
    w, h = WIDTHS[width]
    page, watch = open_page(kind_page, width=w, height=h)
    track(page)
    selector = "article a:not(.headerlink)"
    listed = links(page, selector)
    for position, link in enumerate(listed):
        if not link["visible"]:
            continue  # inside a closed tab or fold: a reader opens it first
        page.evaluate("window.scrollTo(0, 0)")  # so that every jump moves the page
        click(page, links(page, selector, expected=listed)[position])
        settle(page, link["id"])
        assert_lands(page, link["id"], f"{kind_page} ({width}) in-page link")
    assert watch.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_links_to_other_pages_land_and_back_returns(open_page, kind_page, width):
    """A link to another page lands on its heading (or at the top without one), and Back shows
    the link where it was clicked. Each target is followed once per page."""
    w, h = WIDTHS[width]
    page, watch = open_page(kind_page, width=w, height=h)
    track(page)
    origin_url = page.url
    selector = "article a:not(.headerlink)"
    listed = links(page, selector, other_pages=True)
    followed = set()
    for position, entry in enumerate(listed):
        if not entry["visible"] or entry["href"] in followed:
            continue
        followed.add(entry["href"])
        where = f"{kind_page} ({width}) link to {entry['href']}"
        link = links(page, selector, other_pages=True, expected=listed)[position]
        element(page, link).scroll_into_view_if_needed()
        page.evaluate(NEXT_FRAME)  # the scroll event has fired: the fastest a reader can click
        before, swapped = viewport_top(page, link), swaps(page)
        click(page, link)
        wait_for_swap(page, swapped, where)
        assert page.evaluate("location.pathname") == entry["path"], f"{where}: arrived at {page.url}"
        settle(page, entry["id"] or None)
        if entry["id"]:
            assert_lands(page, entry["id"], where)
        else:
            assert page.evaluate("window.scrollY") == 0, f"{where}: the page opens scrolled, not at its top"
        swapped = swaps(page)
        page.go_back()  # right after arriving
        wait_for_swap(page, swapped, f"{where}, Back")
        assert page.url.split("#")[0] == origin_url.split("#")[0], f"{where}: Back went to {page.url}"
        settle(page)
        after = viewport_top(page, links(page, selector, other_pages=True, expected=listed)[position])
        assert abs(after - before) <= 2, (
            f"{where}: after Back the link is at {after:.0f} px in the viewport; it was clicked at {before:.0f} px"
        )
    assert watch.console_errors == []


def legacy_target(site_dir: Path, anchor: str) -> str:
    """Where an old link overview#anchor must end: the overview itself when the section is still
    there, else the overview's moved-anchors map (hooks/concepts.py). Read from the built page,
    not from the address bar, which navigation.tracking rewrites to the heading in view."""
    overview = (site_dir / CONCEPT / "index.html").read_text(encoding="utf-8")
    if f'id="{anchor}"' in overview:
        return f"{CONCEPT}#{anchor}"
    targets = re.search(r'id="moved-anchors"[^>]*data-targets="([^"]*)"', overview)
    assert targets, f"old link #{anchor}: no such section on the overview and no moved-anchors map"
    moved = json.loads(html.unescape(targets[1]))
    assert anchor in moved, f"old link #{anchor} reaches nothing: not on the overview, not in its moved-anchors map"
    return urljoin("/" + CONCEPT, moved[anchor]).lstrip("/")  # the map's URLs are relative to the overview


@pytest.mark.parametrize("anchor", LEGACY_ANCHORS)
def test_old_links_into_the_concept_page_reach_their_sections(open_page, server, site_dir, anchor):
    target = legacy_target(site_dir, anchor)
    path, _, target_id = target.partition("#")
    page, watch = open_page(CONCEPT, wait=False)
    page.add_init_script(SCROLL_TIMELINE)
    page.goto(server.url(CONCEPT + "#" + anchor), wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("path => location.pathname === path", arg="/" + path)
    settle(page, target_id or None)
    if target_id:
        timeline = "\n".join(map(str, page.evaluate("window.__scrollTimeline")))
        assert_lands(page, target_id, f"old link #{anchor} (to {target}); [ms, event, scrollY, height, hash, "
                                      f"its top] since the first script:\n{timeline}\n")
    else:  # the section became a whole page: its top is the target
        assert page.evaluate("window.scrollY") == 0, f"old link #{anchor} opens {path} scrolled, not at its top"
    assert watch.console_errors == []
