// Entry screens: keyboard movement in the grid and small aids. Every page works without this script.
(function () {
  "use strict";

  // An error summary takes focus so that screen-reader and keyboard users land on it after a refused save.
  var summary = document.querySelector(".error-summary[data-autofocus]");
  if (summary) summary.focus();

  var grid = document.querySelector("[data-grid]");
  if (grid) {
    var form = grid.closest("form");
    var dirty = false;

    grid.addEventListener("keydown", function (event) {
      var input = event.target;
      // Enter that confirms a Japanese IME conversion must stay with the IME.
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
      if (!input.matches || !input.matches("input[data-col]")) return;
      event.preventDefault();
      var column = Array.prototype.slice.call(grid.querySelectorAll('input[data-col="' + input.dataset.col + '"]'));
      var next = column[column.indexOf(input) + (event.shiftKey ? -1 : 1)];
      if (next) {
        next.focus();
        next.select();
      } else if (!event.shiftKey && form) {
        var save = form.querySelector("[data-grid-save]");
        if (save) save.focus();
      }
    });

    grid.addEventListener("input", function (event) {
      var row = event.target.closest("[data-grid-row]");
      if (!row) return;
      var changed = Array.prototype.some.call(row.querySelectorAll("input[data-col]"), function (input) {
        return input.value !== input.defaultValue;
      });
      row.classList.toggle("is-changed", changed);
      var note = row.querySelector("[data-changed-note]");
      if (note) note.hidden = !changed;
      dirty = dirty || changed;
    });

    if (form) {
      form.addEventListener("submit", function () { dirty = false; });
      window.addEventListener("beforeunload", function (event) {
        if (dirty) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }
  }

  // Bulk assignment: select or clear every visible checkbox.
  document.querySelectorAll("[data-check-all], [data-uncheck-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.dataset.checkAll || button.dataset.uncheckAll;
      var checked = Boolean(button.dataset.checkAll);
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = checked;
      });
    });
  });
})();
