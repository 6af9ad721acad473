// The participation charts: each canvas carries its data in data-chart (the page's CSP forbids
// inline scripts), and each has its numbers as a table beside it.
(function () {
  "use strict";
  var colors = ["#0066cc", "#008055", "#cc7a00", "#5c2d91"];
  function draw(canvas) {
    if (typeof Chart === "undefined") return;
    var spec = JSON.parse(canvas.dataset.chart);
    canvas.chart = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: colors[i % colors.length], borderColor: colors[i % colors.length], tension: 0.2 };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.drawn = "true";
  }
  function drawAll() { document.querySelectorAll("canvas.js-chart").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll); else drawAll();
})();
