/* GOV.UK Frontend's scripts (the service navigation's menu button on small screens, the skip
 * link's focus), for browsers that run ES modules, as GOV.UK Frontend expects. Also writes the
 * page's address into the footer that only print shows, and each link's full address where
 * print shows it (a relative address such as ../references.html is no use on paper).
 */
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

var address = document.querySelector("[data-lscb-address]");
if (address) {
  address.textContent = window.location.href;
}

document.querySelectorAll(".lscb-page a[href]:not(.headerlink)").forEach(function (link) {
  if (!link.getAttribute("href").startsWith("#") && !link.closest("table")) {
    link.setAttribute("data-lscb-href", link.href);
  }
});
