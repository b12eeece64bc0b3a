/* The item page's reading tools: print (window.print, the print stylesheet in portal.css decides what is
   printed) and the text size (大/中/小, remembered in this browser). Without script the toolbar stays hidden and
   the browser's own print and zoom do the same. */
(function () {
  var bar = document.querySelector("[data-item-tools]");
  var article = document.querySelector("article.item");
  if (!bar || !article) { return; }
  var SIZES = ["small", "medium", "large"];
  var KEY = "gongkai.item-text-size";

  function choose(size) {
    if (SIZES.indexOf(size) < 0) { size = "medium"; }
    SIZES.forEach(function (name) { article.classList.toggle("text-" + name, name === size); });
    bar.querySelectorAll("[data-text-size]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-text-size") === size ? "true" : "false");
    });
    try { window.localStorage.setItem(KEY, size); } catch (e) { /* private browsing: not remembered */ }
  }

  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-print")) { window.print(); return; }
    if (button.hasAttribute("data-text-size")) { choose(button.getAttribute("data-text-size")); }
  });
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  choose(saved || "medium");
  bar.hidden = false;
})();
