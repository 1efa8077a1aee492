// Social pages: the composer's per-platform character counter and preview, and the post's metrics chart.
(function () {
  "use strict";
  var URL_RE = /https?:\/\/\S+/g;
  var LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];

  // X counts every link as 23 characters and wide characters (CJK, emoji) as 2 (twitter-text v3).
  function xLength(text) {
    var total = 0;
    var plain = text.normalize("NFC").replace(URL_RE, function () { total += 23; return ""; });
    Array.from(plain).forEach(function (ch) {
      var code = ch.codePointAt(0);
      total += LIGHT.some(function (r) { return code >= r[0] && code <= r[1]; }) ? 1 : 2;
    });
    return total;
  }

  function setupComposer(root) {
    var limits = JSON.parse(root.getAttribute("data-limits"));
    var caption = root.querySelector("textarea[name=caption]");
    var platform = root.querySelector("select[name=platform]");
    var counter = root.querySelector("#caption-counter");
    var preview = root.querySelector("#preview-caption");
    if (!caption || !platform || !counter) { return; }
    function update() {
      var limit = limits[platform.value];
      var text = caption.value;
      var length = limit.weighted ? xLength(text) : Array.from(text).length;
      var tags = (text.match(/(^|[^\w])#\w+/g) || []).length;
      var parts = [limit.name + ": " + length + " / " + limit.caption + " characters"];
      if (limit.hashtags) { parts.push(tags + " / " + limit.hashtags + " hashtags"); }
      counter.textContent = parts.join(" · ");
      counter.classList.toggle("over", length > limit.caption || (limit.hashtags && tags > limit.hashtags));
      if (preview) { preview.textContent = text; }
    }
    caption.addEventListener("input", update);
    platform.addEventListener("change", update);
    update();
  }

  function setupChart(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var series = JSON.parse(canvas.getAttribute("data-series"));
    if (!series.length) { canvas.replaceWith(document.createTextNode("No metrics synced yet.")); return; }
    var labels = series.map(function (row) { return row.at.slice(0, 16).replace("T", " "); });
    var names = ["impressions", "likes", "comments", "shares", "saves", "clicks"];
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: names.map(function (name) {
          return { label: name, data: series.map(function (row) { return row[name]; }), yAxisID: name === "impressions" ? "y" : "y1" };
        })
      },
      options: { animation: false, scales: { y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } } } }
    });
  }

  function init() {
    var composer = document.getElementById("composer");
    if (composer) { setupComposer(composer); }
    var chart = document.getElementById("metrics-chart");
    if (chart) { setupChart(chart); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
