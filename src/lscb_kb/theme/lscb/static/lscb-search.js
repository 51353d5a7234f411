/* The search page: Pagefind's own UI, with results for each section of a page, and the
 * words from the header's search box (?q=...) searched once every filter has loaded.
 * Everything it loads comes from this site: Pagefind's UI and index from pagefind/, and the
 * search it runs from _static/lscb-search/pagefind.js, Pagefind's API made to answer questions
 * (common words left out, glossary terms in all their forms, pages with some of the words when
 * none has them all).
 */
(function () {
  "use strict";
  // Where this script was loaded from: the search module is beside it.
  var here = document.currentScript && document.currentScript.src;

  var PARTIAL = "No page has every word; showing pages with some of them.";

  // A result as Pagefind gives it, made ready to show.
  function tidy(data) {
    var url = data.url;
    var title = (data.meta && data.meta.title) || "";
    if (data.meta) {
      // The forms of the page's glossary terms: for finding the page, not for reading.
      delete data.meta.lscb_terms;
    }
    var subs = Array.isArray(data.sub_results) ? data.sub_results : [];
    // The page's own heading is a section of its own (its id is on the <h1>): show it as the
    // page's excerpt, not as a section with the page's title under the page's title.
    subs = subs.map(function (sub, index) {
      if (index === 0 && sub.anchor && sub.anchor.element === "h1") {
        return Object.assign({}, sub, { url: url });
      }
      return sub;
    });
    var rest = subs.filter(function (sub) {
      return sub.url !== url && sub.title !== title;
    });
    var root = subs.filter(function (sub) {
      return sub.url === url;
    })[0];
    if (!root && rest.length === 1) {
      // Found in one section (a finding, an action, a recommendation) only: the result goes
      // straight to it, under the page's title, with its excerpt.
      var only = rest[0];
      data.url = only.url;
      data.excerpt = only.excerpt;
      if (data.meta) {
        data.meta.url = only.url;
        data.meta.title = title + " \u2013 " + only.title;
      }
      data.sub_results = [Object.assign({}, only, { url: only.url })];
      return data;
    }
    data.sub_results = root ? [root].concat(rest) : rest;
    if (root) {
      data.excerpt = root.excerpt;
    }
    return data;
  }

  // A line under the count of results when the search could not find every word on one page.
  function note(box) {
    var state = { partial: false };
    var line = document.createElement("p");
    line.className = "lscb-search-note";
    line.textContent = PARTIAL;
    function place() {
      var message = box.querySelector(".pagefind-ui__message");
      var showing = message && !/^Searching/.test(message.textContent.trim());
      if (state.partial && showing) {
        if (message.nextElementSibling !== line) {
          message.insertAdjacentElement("afterend", line);
        }
      } else if (line.parentNode) {
        line.parentNode.removeChild(line);
      }
    }
    document.addEventListener("lscb-search", function (event) {
      state.partial = Boolean(event.detail && event.detail.partial);
      place();
    });
    new MutationObserver(place).observe(box, { childList: true, subtree: true });
  }

  function start() {
    var box = document.getElementById("lscb-search");
    if (!box || typeof PagefindUI === "undefined" || !here) {
      return;
    }
    box.textContent = "";
    var bundle = here.replace(/lscb-search\.js(\?.*)?$/, "lscb-search/");
    var ui = new PagefindUI({
      element: "#lscb-search",
      bundlePath: bundle,
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      autofocus: false,
      processResult: tidy,
      translations: {
        placeholder: "Search the knowledge base",
        zero_results: "Nothing found for [SEARCH_TERM]. Try other words, or another form of the term."
      }
    });
    note(box);
    var words = new URLSearchParams(window.location.search).get("q");
    // The UI lists the filters that its first search returns, and a search returns only the
    // filters whose files have arrived: on a slow network the Agency filter could be missing
    // until the next search. So load Pagefind and every filter now, and search after that.
    import(bundle + "pagefind.js").then(function (pagefind) {
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
