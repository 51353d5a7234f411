// The preview's problems, shown at the top of every page, and a reload when the next build is
// done. Served only by the preview server (lscb-kb serve), which answers /_preview/problems.
(function () {
  "use strict";
  var here = document.querySelector('meta[name="lscb:source"]');
  var source = here ? here.getAttribute("content") : "";
  var shownBuild = null;

  function item(problem) {
    var li = document.createElement("li");
    var where = document.createElement("code");
    where.textContent = problem.location;
    li.appendChild(where);
    li.appendChild(document.createTextNode(" " + problem.message));
    return li;
  }

  function show(state) {
    var old = document.getElementById("lscb-preview-problems");
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = "lscb-preview-problems";
    box.className = "lscb-preview-problems";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Problems in this preview");
    var heading = document.createElement("h2");
    var problems = state.problems;
    if (!problems.length) {
      box.classList.add("lscb-preview-clean");
      heading.textContent = "Preview: no problems (built in " + state.seconds + " s)";
      box.appendChild(heading);
    } else {
      var mine = problems.filter(function (p) { return p.file === source; });
      var others = problems.filter(function (p) { return p.file !== source; });
      heading.textContent =
        "Preview: " + problems.length + " problem" + (problems.length === 1 ? "" : "s") +
        " to fix before this can be published";
      box.appendChild(heading);
      [["On this page (" + source + ")", mine], ["Elsewhere", others]].forEach(function (part) {
        if (!part[1].length) return;
        var p = document.createElement("p");
        p.textContent = part[0];
        box.appendChild(p);
        var list = document.createElement("ul");
        part[1].forEach(function (problem) { list.appendChild(item(problem)); });
        box.appendChild(list);
      });
    }
    var main = document.getElementById("main-content") || document.querySelector("main") ||
      document.body;
    main.insertBefore(box, main.firstChild);
  }

  function wait(after) {
    var url = new URL("/_preview/problems", window.location.href);
    if (after !== null) url.searchParams.set("after", String(after));
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (shownBuild !== null && state.build !== shownBuild) {
          window.location.reload();
          return;
        }
        shownBuild = state.build;
        show(state);
        wait(state.build);
      })
      .catch(function () { window.setTimeout(function () { wait(shownBuild); }, 1000); });
  }

  wait(null);
})();
