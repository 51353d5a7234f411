/* The search page: Pagefind's own UI, with results for each section of a page, and the
 * words from the sidebar's search box (?q=...) searched once every filter has loaded.
 * Everything it loads comes from this site's pagefind/ folder.
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
      processResult: function (data) {
        // The forms of the page's glossary terms: for finding the page, not for reading.
        if (data.meta) {
          delete data.meta.lscb_terms;
        }
        return data;
      },
      translations: {
        placeholder: "Search the knowledge base",
        zero_results: "Nothing found for [SEARCH_TERM]. Try fewer words, or another form of the term."
      }
    });
    var words = new URLSearchParams(window.location.search).get("q");
    // The UI lists the filters that its first search returns, and a search returns only the
    // filters whose files have arrived: on a slow network the Agency filter could be missing
    // until the next search. So load Pagefind and every filter now, and search after that.
    var script = document.querySelector('script[src$="pagefind-ui.js"]');
    import(script.src.replace(/pagefind-ui\.js$/, "pagefind.js")).then(function (pagefind) {
      // Set before anything starts Pagefind (the UI imports the same module later and only
      // adds its excerpt length). Search in the page, not in a web worker: the worker script
      // is another 40 KB to download before the first result, and this site's index is small
      // enough that searching it does not hold up the page.
      pagefind.options({ noWorker: true });
      return pagefind.filters();
    }).catch(function (error) {
      console.error("Search could not load its filters:", error);
    }).then(function () {
      if (words) {
        ui.triggerSearch(words);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
