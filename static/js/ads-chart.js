// The campaign page's daily chart: reads the JSON the page carries (json_script) and draws it with Chart.js.
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("campaign-chart");
  var source = document.getElementById("campaign-daily");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var rows = JSON.parse(source.textContent);
  var currency = canvas.getAttribute("data-currency") || "";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(function (r) { return r.date; }),
      datasets: [
        { label: "Spend (" + currency + ")", data: rows.map(function (r) { return r.spend; }) },
        { label: "Purchase value (" + currency + ")", data: rows.map(function (r) { return r.value; }), type: "line" }
      ]
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } }
  });
});
