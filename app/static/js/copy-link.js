// "Copia" buttons next to feed addresses. Without JavaScript the buttons stay hidden and the
// read-only field can still be selected and copied by hand.
(function () {
  "use strict";
  function setup() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copyTarget);
      if (!field || !navigator.clipboard) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = button.dataset.copiedLabel;
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
    document.querySelectorAll("[data-copy-source]").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
