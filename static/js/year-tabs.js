/* The year chooser of the entry page on a phone: eight year links stack into a column above the form, so on a
   narrow screen (styles: entry.css) they become one select with a 表示 button that opens the chosen year. The links
   stay for wider screens and for browsers without JavaScript. */
(function () {
  "use strict";

  function enhance(nav, index) {
    var links = nav.querySelectorAll("a[href]");
    if (links.length < 2) return;
    var form = document.createElement("form");
    form.className = "year-select";
    var id = "year-select-" + index;
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = "年度";
    var select = document.createElement("select");
    select.id = id;
    for (var i = 0; i < links.length; i++) {
      var option = new Option(links[i].textContent.trim(), links[i].href);
      option.selected = links[i].getAttribute("aria-current") === "page";
      select.appendChild(option);
    }
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "button button--small";
    button.textContent = "表示";
    form.appendChild(label);
    form.appendChild(select);
    form.appendChild(button);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.location.href = select.value;
    });
    nav.appendChild(form);
    nav.classList.add("has-select");
  }

  function start() {
    var navs = document.querySelectorAll("nav.year-tabs");
    for (var i = 0; i < navs.length; i++) enhance(navs[i], i + 1);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
