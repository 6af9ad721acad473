// The registration desk: filter the list as you type, and tick people without reloading.
// Without JavaScript the same forms post and the page reloads, so nothing depends on this.
(function () {
  "use strict";
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setup() {
    var search = document.querySelector("[data-check-in-search]");
    var rows = Array.prototype.slice.call(document.querySelectorAll(".check-in-row"));
    var empty = document.querySelector("[data-check-in-empty]");
    var counter = document.querySelector("[data-present-count]");
    if (search) {
      search.addEventListener("input", function () {
        var needle = normalise(search.value.trim());
        var shown = 0;
        rows.forEach(function (row) {
          var match = !needle || normalise(row.dataset.search).indexOf(needle) !== -1;
          row.classList.toggle("d-none", !match);
          if (match) shown += 1;
        });
        if (empty) empty.hidden = shown !== 0;
      });
    }

    rows.forEach(function (row) {
      var form = row.querySelector("form");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector("button");
        var state = form.querySelector("input[name=presente]");
        button.disabled = true;
        fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json" },
          credentials: "same-origin"
        })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (data) {
            state.value = data.present ? "0" : "1";
            button.textContent = data.present ? button.dataset.labelPresent : button.dataset.labelAbsent;
            button.classList.toggle("btn-success", data.present);
            button.classList.toggle("btn-outline-primary", !data.present);
            button.setAttribute("aria-pressed", data.present ? "true" : "false");
            if (counter) counter.textContent = String(Number(counter.textContent) + (data.present ? 1 : -1));
          })
          .catch(function () {
            form.submit();
          })
          .finally(function () {
            button.disabled = false;
          });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
