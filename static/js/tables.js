/* Wide tables scroll inside their own box, never the page (a 375 px phone must not scroll sideways).
   Every table of the main content sits in a scrolling box: the one the template gave it (.table-scroll, the entry
   grid's form) or a .table-scroll made here. A box that really scrolls becomes a named region that takes the
   keyboard focus, so it can be scrolled without a mouse (WCAG 2.1.1), and when each row starts with one cell of its
   own (no row spans), that first column stays in view while the rest scrolls (position: sticky, styles/app.css).
   Without JavaScript the templates' boxes still scroll; only the focus and the fixed column are missing. */
(function () {
  "use strict";

  function scrollingAncestor(table, main) {
    for (var node = table.parentElement; node && node !== main; node = node.parentElement) {
      var overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") return node;
    }
    return null;
  }

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  // The section's heading, for a caption that repeats on the page (■取組みの行動量■ under each めざす姿).
  function sectionHeading(node) {
    for (; node; node = node.parentElement) {
      var id = node.getAttribute && node.getAttribute("aria-labelledby");
      var heading = id && document.getElementById(id.split(" ")[0]);
      if (heading) return clean(heading.textContent);
    }
    return "";
  }

  var usedLabels = {};

  // Regions are landmarks: each needs a name of its own.
  function labelOf(table) {
    var caption = table.querySelector("caption");
    var text = clean(caption ? caption.textContent : table.getAttribute("aria-label")) || "表";
    if (usedLabels[text]) {
      var heading = sectionHeading(table.parentElement);
      if (heading && !usedLabels[heading + " " + text]) text = heading + " " + text;
    }
    var unique = text;
    for (var n = 2; usedLabels[unique]; n++) unique = text + "（" + n + "）";
    usedLabels[unique] = true;
    return unique + "（横にスクロールできます）";
  }

  function hasRowSpans(table) {
    var cells = table.querySelectorAll("[rowspan]");
    for (var i = 0; i < cells.length; i++) {
      if (parseInt(cells[i].getAttribute("rowspan"), 10) > 1) return true;
    }
    return false;
  }

  function update(box) {
    var table = box.querySelector("table");
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("is-scrollable", scrolls);
    if (table) table.classList.toggle("sticky-first", scrolls && !hasRowSpans(table));
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      // A form (the entry grid) is already a landmark once named; only a plain box needs the region role.
      if (box.tagName === "DIV") box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby") && table) {
        box.setAttribute("aria-label", labelOf(table));
      }
      box.dataset.madeFocusable = "true";
    } else if (!scrolls && box.dataset.madeFocusable) {
      // Not scrolling at this width: no extra stop in the tab order.
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      delete box.dataset.madeFocusable;
    }
  }

  function boxes() {
    var main = document.querySelector("main");
    if (!main) return [];
    var found = [];
    var tables = main.querySelectorAll("table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var box = scrollingAncestor(table, main);
      if (!box) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (found.indexOf(box) < 0) found.push(box);
    }
    return found;
  }

  function start() {
    var all = boxes();
    var refresh = function () { all.forEach(update); };
    refresh();
    window.addEventListener("resize", refresh);
    // <details> opening or a font arriving changes widths without a resize.
    document.addEventListener("toggle", refresh, true);
    window.addEventListener("load", refresh);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
