/* Companion of hooks/lazy_rendering.py. Blocks below the first screen are laid out only when they
 * near the viewport, starting from estimated heights. After a jump to a heading (a table-of-contents
 * link, a link from another page), the blocks just above the heading get laid out and can push it
 * away from where the jump put it. Once they have, put the heading back.
 */
(function () {
  "use strict";

  function frames(count, then) {
    requestAnimationFrame(function () { if (count > 1) frames(count - 1, then); else then(); });
  }

  function settle(target) {
    /* the blocks next to the target are laid out in the frame after the jump: scroll again after
       it, and once more in case that laid out further blocks */
    frames(2, function () {
      target.scrollIntoView();
      frames(2, function () { target.scrollIntoView(); });
    });
  }

  function targetOfAddress() {
    var id = decodeURIComponent(location.hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  /* Material's target$ emits the element a jump goes to, also for the jumps its instant navigation
     makes without a hashchange event */
  if (typeof window.target$ !== "undefined" && window.target$.subscribe) {
    window.target$.subscribe(function (target) { if (target) settle(target); });
  } else {
    var settleOnAddress = function () { var target = targetOfAddress(); if (target) settle(target); };
    window.addEventListener("hashchange", settleOnAddress);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settleOnAddress);
    else settleOnAddress();
  }
})();
