// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Take keyboard and screen-reader users straight to a form's errors.
  function focusErrors(root) {
    var summary = root.querySelector && root.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.detail.target.parentNode || document); });
})();
