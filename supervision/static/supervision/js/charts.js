/* The supervision charts (the dashboard's period, the monthly meeting's pack), drawn by ECharts from the JSON
   the page carries in <script type="application/json" id="..."> (no inline script: the Content-Security-Policy
   forbids it). Each chart is a <div data-chart="NAME" data-source="ID-OF-THE-JSON">: its series are the keys in
   data-series, their labels in data-names, the categories under the key "labels"; data-kind is "bar" (the
   default) or "line", data-max caps the value axis. */
(function () {
  "use strict";

  function draw() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var charts = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(charts, function (element) {
      var source = document.getElementById(element.getAttribute("data-source"));
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      var keys = element.getAttribute("data-series").split(",");
      var names = element.getAttribute("data-names").split(",");
      var kind = element.getAttribute("data-kind") || "bar";
      var max = element.getAttribute("data-max");
      element.style.height = "280px";
      var chart = window.echarts.init(element);
      chart.setOption({
        title: { text: element.getAttribute("data-title"), textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 40, right: 16, top: 40, bottom: 56 },
        xAxis: { type: "category", data: data.labels },
        yAxis: { type: "value", max: max ? Number(max) : null, minInterval: 1 },
        series: keys.map(function (key, index) {
          var series = { name: names[index], type: kind, data: data[key] };
          if (kind === "bar") {
            series.label = { show: true, position: "top" };
          }
          return series;
        }),
      });
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
