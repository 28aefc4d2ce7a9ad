// The region rollup's charts (issue 11): each <canvas class="rollup-chart"> names the
// json_script holding its data; the same numbers are in the table under it.
(() => {
  const COLOURS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997"];

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const datasets = spec.datasets.map((set, index) => ({
      label: set.label,
      data: set.data.map((value) => (value === null ? null : Number(value))),
      type: set.kind,
      backgroundColor: COLOURS[index % COLOURS.length],
      borderColor: COLOURS[index % COLOURS.length],
      stack: set.kind === "line" ? undefined : "figures",
      order: set.kind === "line" ? 0 : 1,
    }));
    if (!spec.stacked) {
      datasets.forEach((set) => delete set.stack);
    }
    canvas.chart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        animation: false,
        responsive: true,
        scales: { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas.rollup-chart").forEach((canvas) => {
      if (!canvas.chart) {
        draw(canvas);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", drawAll);
})();
