// Ratings of an event's feedback for the organizer: a bar per rating, drawn from the canvas's
// data-* attributes, so the page needs no inline script (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("feedback-chart");
    if (!canvas || typeof Chart === "undefined") return;
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: JSON.parse(canvas.dataset.labels || "[]"),
        datasets: [
          {
            label: canvas.dataset.labelAnswers,
            data: JSON.parse(canvas.dataset.counts || "[]"),
            backgroundColor: "#0066cc"
          }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } }
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
