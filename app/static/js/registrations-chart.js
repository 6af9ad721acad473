// Registrations over time for the organizer: drawn from the canvas's data-series attribute,
// so the page needs no inline script (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("registrations-chart");
    if (!canvas || typeof Chart === "undefined") return;
    var series = JSON.parse(canvas.dataset.series || "[]");
    var labels = series.map(function (d) {
      var parts = d.day.split("-");
      return parts[2] + "/" + parts[1];
    });
    canvas.chart = new Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          {
            type: "line",
            label: canvas.dataset.labelActive,
            data: series.map(function (d) { return d.active; }),
            borderColor: "#0066cc",
            backgroundColor: "rgba(0, 102, 204, 0.15)",
            fill: true,
            tension: 0.2,
            yAxisID: "y"
          },
          {
            type: "bar",
            label: canvas.dataset.labelNew,
            data: series.map(function (d) { return d.new; }),
            backgroundColor: "#008055",
            yAxisID: "y"
          },
          {
            type: "bar",
            label: canvas.dataset.labelLeft,
            data: series.map(function (d) { return -d.left; }),
            backgroundColor: "#cc334d",
            yAxisID: "y"
          }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.drawn = "true";
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
