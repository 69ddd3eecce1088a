// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // After a form comes back with errors, take keyboard and screen-reader users to them;
  // after htmx swaps in a new step, move focus to its heading so it is announced.
  function focusAfterChange(root) {
    if (!root || !root.querySelector) { return; }
    var target = root.querySelector(".error-summary") || root.querySelector("[data-focus-after-swap]");
    if (target) { target.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    // Live search results replace themselves as people type: focus stays in the search box.
    if (event.detail.target && event.detail.target.id === "results") { return; }
    focusAfterChange(event.detail.elt && event.detail.elt.isConnected ? event.detail.elt : document);
  });
})();
