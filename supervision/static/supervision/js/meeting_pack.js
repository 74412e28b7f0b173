/* The monthly meeting's pack (R-MTG-2): its charts, drawn by ECharts from the JSON the page carries in
   <script type="application/json" id="pack-data"> (no inline script: the Content-Security-Policy forbids it).
   Each chart is a <div data-pack-chart="NAME">; the labels of the series come from its data attributes. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("pack-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = document.querySelectorAll("[data-pack-chart]");
    Array.prototype.forEach.call(charts, function (element) {
      var keys = element.getAttribute("data-series").split(",");
      var names = element.getAttribute("data-names").split(",");
      var max = element.getAttribute("data-max");
      element.style.height = "280px";
      var chart = window.echarts.init(element);
      chart.setOption({
        title: { text: element.getAttribute("data-title"), textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 40, right: 16, top: 40, bottom: 56 },
        xAxis: { type: "category", data: data.labels },
        yAxis: { type: "value", max: max ? Number(max) : null },
        series: keys.map(function (key, index) {
          return { name: names[index], type: "bar", data: data[key], label: { show: true, position: "top" } };
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
