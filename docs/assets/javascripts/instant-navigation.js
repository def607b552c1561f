/* Two gaps in Material's instant navigation, both from the address changing before the content.
 *
 * 1. A link followed right after scrolling lands on its heading, and Back right after arriving
 *    returns to where the reader was. Material records state in the current history entry on
 *    timers: the scroll offset 100 ms after scrolling stops, and (navigation.tracking) the hash of
 *    the heading in view 250 ms after. When the reader follows a link or presses Back within that
 *    time, the entry is already the next page's, so the write lands there: Material then
 *    "restores" the old page's offset (or, from the tracking's {}, the top) instead of jumping to
 *    the heading, and the address gets a hash of the old page. While Material fetches the next
 *    page, such writes come from the page being left and are dropped. Material's own writes for
 *    the navigation happen before the fetch starts.
 *
 * 2. Figures keep their variants after Back. Material resolves a fetched page's relative href and
 *    src against its address, but not srcset (a figure's phone and dark variants): the browser
 *    resolves those when it loads them, and after Back the address is already the previous
 *    page's while this page is still shown. Each srcset is made absolute once its page is in place.
 *
 * 3. A page opened at an address with a heading's hash lands on that heading even when its layout
 *    moves while it loads. The browser scrolls to the heading as soon as it exists and keeps it in
 *    view only roughly until the load event (without the heading's scroll margin, and not after a
 *    block above it grows and shrinks again, as a loaded clean-clone test run recorded), so once
 *    the page has loaded, the heading is scrolled to again, unless the reader has scrolled.
 */
(function () {
  "use strict";

  var fetching = false;
  var replaceState = history.replaceState;

  progress$.subscribe(function () { fetching = true; });   /* emits when a page fetch starts */
  document$.subscribe(function () {                        /* emits once the page is swapped in */
    fetching = false;
    document.querySelectorAll("[srcset]").forEach(function (element) {
      if (!element.getAttribute("srcset").trim()) return;
      element.srcset = element.getAttribute("srcset").split(",").map(function (candidate) {
        var parts = candidate.trim().split(/\s+/);
        parts[0] = new URL(parts[0], location.href).href;
        return parts.join(" ");
      }).join(", ");
    });
  });

  history.replaceState = function () {
    if (!fetching) return replaceState.apply(history, arguments);
  };

  /* The hash the page opened at (after moved-anchors.js has followed an old one), read before
     navigation.tracking can rewrite it to whichever heading a moving layout brought into view. */
  var opened = null;
  document$.subscribe(function () { if (opened === null) opened = location.hash; });
  var readerScrolled = false;
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (type) {
    window.addEventListener(type, function () { readerScrolled = true; }, { capture: true, passive: true, once: true });
  });
  window.addEventListener("load", function () {
    var target = opened && document.getElementById(decodeURIComponent(opened.slice(1)));
    if (target && !readerScrolled) target.scrollIntoView();
  });
})();
