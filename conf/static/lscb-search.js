/* The search page: Pagefind's own UI, with results for each section of a page, and the
 * words from the sidebar's search box (?q=...) searched at once. Everything it loads comes
 * from this site's pagefind/ folder.
 */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("lscb-search");
    if (!box || typeof PagefindUI === "undefined") {
      return;
    }
    box.textContent = "";
    var ui = new PagefindUI({
      element: "#lscb-search",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      autofocus: false,
      // Search in the page, not in a web worker: the worker script is another 40 KB to
      // download before the first result, and this site's index is small enough that
      // searching it does not hold up the page.
      noWorker: true,
      translations: {
        placeholder: "Search the knowledge base",
        zero_results: "Nothing found for [SEARCH_TERM]. Try fewer words, or another form of the term."
      }
    });
    var words = new URLSearchParams(window.location.search).get("q");
    if (words) {
      ui.triggerSearch(words);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
