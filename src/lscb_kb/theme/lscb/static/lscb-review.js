/* Show the "overdue for review" banner once a page's review date has passed.
 *
 * The date is read from the page (data-review-due on the banner, written by the build) and
 * compared with today's date in the reader's browser, so a page becomes overdue without a
 * rebuild. A page is overdue from the day after its review-due date.
 */
(function () {
  "use strict";
  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }
  function check() {
    var banners = document.querySelectorAll(".lscb-review-banner[data-review-due]");
    var now = today();
    for (var i = 0; i < banners.length; i++) {
      var due = banners[i].getAttribute("data-review-due");
      if (/^\d{4}-\d{2}-\d{2}$/.test(due) && now > due) {
        banners[i].hidden = false;
        document.documentElement.classList.add("lscb-overdue");
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
