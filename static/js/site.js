// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // After a form comes back with errors, take keyboard and screen-reader users to them;
  // after htmx swaps in a new step, move focus to its heading so it is announced.
  function focusAfterChange(root) {
    if (!root || !root.querySelector) { return; }
    var target = root.querySelector(".error-summary") || root.querySelector("[data-focus-after-swap]");
    if (!target) { return; }
    target.focus();
    // A form that just opened (the ask form on a match card): bring its send button into view too,
    // so a phone shows the whole form, not just the text box.
    var send = target.form && target.form.querySelector("[type=submit]");
    if (send) { send.scrollIntoView({ block: "nearest" }); }
  }

  // The header's menu is a <details>: it works without this. Here it is kept open on a wide screen
  // (where its links sit inline), and Escape closes it on a phone, handing focus back to its button.
  function setUpMenu() {
    var menu = document.querySelector("[data-site-menu]");
    if (!menu || !window.matchMedia) { return; }
    var wide = window.matchMedia("(min-width: 66rem)");
    var fit = function () { menu.open = wide.matches; };
    fit();
    wide.addEventListener("change", fit);
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    // Live search results replace themselves as people type: focus stays in the search box.
    if (event.detail.target && event.detail.target.id === "results") { return; }
    focusAfterChange(event.detail.elt && event.detail.elt.isConnected ? event.detail.elt : document);
  });
})();
