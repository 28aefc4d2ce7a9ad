// The scorecard's chart: attainment by month, the quota with the carried-over part stacked on
// it and the sales beside them. The numbers come from the page (json_script), the same rows the
// table below the chart shows; no inline script (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("attainment-chart");
  const source = document.getElementById("attainment-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.labelQuota, data: data.quota, stack: "target", backgroundColor: "#9ec5fe" },
        { label: canvas.dataset.labelCarried, data: data.carried_over, stack: "target", backgroundColor: "#fecba1" },
        { label: canvas.dataset.labelSales, data: data.sales, stack: "sales", backgroundColor: "#198754" },
      ],
    },
    options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
});
