/* GOV.UK Frontend's scripts (the service navigation's menu button on small screens, the skip
 * link's focus), for browsers that run ES modules, as GOV.UK Frontend expects. Also writes the
 * page's address into the footer that only print shows.
 */
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

var address = document.querySelector("[data-lscb-address]");
if (address) {
  address.textContent = window.location.href;
}
