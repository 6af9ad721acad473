// The ente fields, progressively: the comune picker shows only for a comune, the country only
// for a body abroad (and is then required, with the "*" the server's required fields have), and
// the comune's suggestions come from the server, which ignores accents ("mondovi" finds
// "Mondovì (CN)") and knows every Italian comune. Without JavaScript every field shows and the
// datalist holds Piedmont's comuni.
(function () {
  "use strict";
  function setUp(box) {
    var kind = box.querySelector("select[name=ente_tipo]");
    var comune = box.querySelector("input[name=comune]");
    var comuneBox = box.querySelector(".js-ente-comune");
    var countryBox = box.querySelector(".js-ente-paese");
    if (!kind || !comune) return;
    var country = countryBox && countryBox.querySelector("input");
    var countryLabel = country && box.querySelector("label[for='" + country.id + "']");
    // the mark of a required field, copied from one the server marked (the role), in the page's language
    var roleLabel = box.querySelector("label[for=role]");
    var marks = roleLabel ? roleLabel.querySelectorAll("span") : [];
    function markRequired(required) {
      if (!country || !countryLabel) return;
      country.required = required;
      countryLabel.querySelectorAll("span").forEach(function (span) { span.remove(); });
      if (required) {
        marks.forEach(function (span) {
          countryLabel.appendChild(document.createTextNode(" "));
          countryLabel.appendChild(span.cloneNode(true));
        });
      }
    }
    function toggle() {
      comuneBox.hidden = kind.value !== "comune";
      countryBox.hidden = kind.value !== "estero";
      markRequired(kind.value === "estero");
    }
    kind.addEventListener("change", toggle);
    toggle();
    var list = document.getElementById(comune.getAttribute("list"));
    var pending = null;
    comune.addEventListener("input", function () {
      var typed = comune.value.trim();
      if (typed.length < 2 || !list) return;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(box.dataset.suggest + "?q=" + encodeURIComponent(typed), { signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          list.replaceChildren.apply(list, items.map(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            return option;
          }));
        })
        .catch(function () { /* a newer request replaced this one */ });
    });
  }
  document.querySelectorAll(".js-ente").forEach(setUp);
})();
