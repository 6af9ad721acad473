// The attendance page: filter the list as you type, and send taps and minutes without reloading.
// Without JavaScript the same forms post and the page reloads, so nothing depends on this.
(function () {
  "use strict";
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setup() {
    var search = document.querySelector("[data-attendance-search]");
    var rows = Array.prototype.slice.call(document.querySelectorAll(".attendance-row"));
    var empty = document.querySelector("[data-attendance-empty]");
    var counter = document.querySelector("[data-present-count]");
    var error = document.querySelector("[data-attendance-error]");

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

    function show(row, data) {
      var tapForm = row.querySelector("[data-attendance-tap]");
      var button = tapForm.querySelector("button");
      tapForm.querySelector("input[name=presente]").value = data.present ? "0" : "1";
      button.textContent = data.present ? button.dataset.labelPresent : button.dataset.labelAbsent;
      button.setAttribute("aria-label", data.present ? button.dataset.ariaPresent : button.dataset.ariaAbsent);
      button.setAttribute("aria-pressed", data.present ? "true" : "false");
      button.classList.toggle("btn-success", data.present);
      button.classList.toggle("btn-outline-primary", !data.present);
      var minutes = row.querySelector("[data-minutes]");
      if (minutes) {
        minutes.textContent = data.minutes ? minutes.dataset.template.replace("{n}", String(data.minutes)) : "";
      }
      if (counter) counter.textContent = String(data.present_count);
    }

    function send(row, form) {
      var button = form.querySelector("button");
      button.disabled = true;
      if (error) error.hidden = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          return response.json().then(function (data) {
            if (response.status === 409 && data.error) {
              if (error) {
                error.textContent = data.error;
                error.hidden = false;
              }
              return;
            }
            if (!response.ok) throw new Error(String(response.status));
            show(row, data);
            var details = form.closest("details");
            if (details) details.open = false;
          });
        })
        .catch(function () {
          form.submit();
        })
        .finally(function () {
          button.disabled = false;
        });
    }

    rows.forEach(function (row) {
      Array.prototype.forEach.call(row.querySelectorAll("form"), function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          send(row, form);
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
