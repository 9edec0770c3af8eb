/* Office pages: small comforts over pages that work without this script.
   - The period form: only the boxes of the chosen kind of period are shown and sent; changing the
     kind shows its boxes at once (without the script the page is sent and comes back with them).
   - On a wide screen the filter box starts open (on a phone it stays one line until tapped). */
(function () {
  "use strict";
  function showPeriodBoxes(select) {
    var boxes = document.querySelectorAll("fieldset.period-box[data-kind]");
    for (var i = 0; i < boxes.length; i++) {
      var on = boxes[i].getAttribute("data-kind") === select.value;
      boxes[i].hidden = !on;
      boxes[i].disabled = !on;
    }
  }
  /* a table wider than a phone scrolls inside its box: the box can take the focus, so the keyboard scrolls it */
  function focusableScrollBoxes() {
    var boxes = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Bảng");
      }
    }
  }
  /* on a phone a table card shows its main figures; the card takes the focus, and then shows the rest */
  function tappableCards() {
    document.documentElement.classList.add("js");
    if (!(window.matchMedia && window.matchMedia("(max-width: 47.99em)").matches)) return;
    var rows = document.querySelectorAll("table.cards.has-more tbody tr");
    for (var i = 0; i < rows.length; i++) {
      rows[i].setAttribute("tabindex", "0");
    }
  }
  function start() {
    tappableCards();
    focusableScrollBoxes();
    var kind = document.querySelector("select[data-period-kind]");
    if (kind) {
      kind.addEventListener("change", function () { showPeriodBoxes(kind); });
      showPeriodBoxes(kind);
    }
    var box = document.querySelector("details.filter-box");
    if (box && window.matchMedia && window.matchMedia("(min-width: 48em)").matches) {
      box.open = true;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
