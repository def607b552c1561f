/* A chapter overview lists where its former sections now live (hooks/concepts.py writes the map into
 * #moved-anchors[data-targets]). A link to overview#old-section, from an old bookmark or another site, goes on to
 * the section on its new page instead of stopping at the top of the overview.
 */
(function () {
  "use strict";

  function follow() {
    var map = document.getElementById("moved-anchors");
    var id = decodeURIComponent(location.hash.slice(1));
    if (!map || !id || document.getElementById(id)) return;
    var target = JSON.parse(map.dataset.targets)[id];
    if (!target) return;
    location.replace(new URL(target, location.href.split("#")[0]).href);
  }

  document$.subscribe(follow);
  window.addEventListener("hashchange", follow);
})();
