/* Draws the dashboard charts with the vendored ECharts. An enhancement only:
   every chart's data is in the table under it, and the page works without JS. */
(function () {
  var data = document.getElementById("charts-data");
  if (!data || !window.echarts) { return; }
  JSON.parse(data.textContent).forEach(function (chart) {
    var el = document.getElementById("chart-" + chart.code);
    if (!el || !chart.labels.length) { return; }
    el.hidden = false;
    var instance = echarts.init(el, null, { renderer: "svg" });
    var option;
    if (chart.kind === "pie") {
      option = {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: "65%", data: chart.labels.map(function (l, i) { return { name: l, value: chart.values[i] }; }) }]
      };
    } else {
      option = {
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, bottom: 80, top: 16 },
        xAxis: { type: "category", data: chart.labels, axisLabel: { rotate: chart.labels.length > 6 ? 30 : 0, interval: 0 } },
        yAxis: { type: "value" },
        series: [{ type: chart.kind === "line" ? "line" : "bar", data: chart.values, itemStyle: { color: "#1f4e8c" } }]
      };
    }
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
