/* Site-wide accessibility fixes that need the DOM (found by axe-core in tests/browser).
 * Runs on every page Material emits through document$ (instant navigation included). */
(function () {
  "use strict";

  /* Material's search overlay has role="dialog" but no accessible name. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  /* A region that scrolls sideways must be reachable by keyboard (WCAG 2.1.1,
     axe scrollable-region-focusable): wide tables, code blocks (Material's content.lazy only
     checks those once they are on screen) and notebook code cells. */
  var SCROLLERS = ".md-typeset__scrollwrap, .md-typeset pre > code, .highlight-ipynb, .jp-OutputArea-output pre, .jp-RenderedHTMLCommon > table";

  function makeFocusableIfScrolls(el, number) {
    var scrolls = el.scrollWidth > el.clientWidth + 1;
    var focusable = el.querySelector("a[href], button, input, select, textarea, [tabindex]");
    if (scrolls && !focusable && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("data-a11y-scroll", "");
      if (!el.hasAttribute("role")) el.setAttribute("role", "region");
      /* numbered, so that no two regions share a name (axe landmark-unique) */
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", (el.querySelector("table") ? "Table " : "Code ") + number + ", scrolls sideways");
    } else if (!scrolls && el.hasAttribute("data-a11y-scroll")) {
      ["tabindex", "data-a11y-scroll", "role", "aria-label"].forEach(function (a) { el.removeAttribute(a); });
    }
  }

  /* One candidate per idle moment, so no single task grows long. When all are done,
     <html data-a11y-scrollers="checked"> tells tests that wait for it. */
  var queue = [];
  var idle = window.requestIdleCallback || function (run) { return setTimeout(run, 1); };
  function focusableScrollers() {
    var start = !queue.length;
    queue = Array.prototype.slice.call(document.querySelectorAll(SCROLLERS)).map(function (el, i) { return [el, i + 1]; });
    document.documentElement.removeAttribute("data-a11y-scrollers");
    if (start) idle(step);
  }
  function step() {
    var next = queue.shift();
    if (next) makeFocusableIfScrolls(next[0], next[1]);
    if (queue.length) idle(step);
    else document.documentElement.setAttribute("data-a11y-scrollers", "checked");
  }

  /* navigation.indexes: a section's <nav> can be labelled by a missing or icon-only element, and
     nameless navs are indistinguishable landmarks (axe landmark-unique). Name them by their title;
     the copy-button bar of each code block is a <nav> too: number those. */
  function nameNavs() {
    Array.prototype.forEach.call(document.querySelectorAll("nav.md-nav[aria-labelledby]"), function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if ((!label || !label.textContent.trim()) && title && title.textContent.trim()) {
        nav.removeAttribute("aria-labelledby");
        nav.setAttribute("aria-label", title.textContent.trim());
      }
    });
    nameCodeNavs();
  }

  /* numbered by the code block's place on the page, so that the numbers stay unique however late
     Material adds a block's tools */
  function nameCodeNavs() {
    var blocks = Array.prototype.slice.call(document.querySelectorAll(".md-typeset pre"));
    Array.prototype.forEach.call(document.querySelectorAll("nav.md-code__nav:not([aria-label])"), function (nav) {
      nav.setAttribute("aria-label", "Code block " + (blocks.indexOf(nav.closest("pre")) + 1) + " tools");
    });
  }

  /* content.lazy: Material adds a code block's tools only when the block first comes on screen */
  function addsCodeTools(record) {
    return Array.prototype.some.call(record.addedNodes, function (node) {
      return node.nodeType === 1 && (node.matches("nav.md-code__nav") || !!node.querySelector("nav.md-code__nav"));
    });
  }
  if (typeof MutationObserver === "function") {
    new MutationObserver(function (records) { if (records.some(addsCodeTools)) nameCodeNavs(); })
      .observe(document.body, { childList: true, subtree: true });
  }

  /* re-check when any candidate changes size (fonts, palette, viewport, late styles) */
  var pending = 0;
  function later() { clearTimeout(pending); pending = setTimeout(focusableScrollers, 100); }
  var observer = typeof ResizeObserver === "function" ? new ResizeObserver(later) : null;
  window.addEventListener("resize", later);
  window.addEventListener("load", later);

  function run() {
    nameSearchDialog();
    nameNavs();
    focusableScrollers();
    if (observer) {
      observer.disconnect();
      Array.prototype.forEach.call(document.querySelectorAll(SCROLLERS), function (el) { observer.observe(el); });
    }
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) window.document$.subscribe(run);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
