// The complaint report's weekly trends, drawn with Apache ECharts (vendored, echarts.LICENSE).
"use strict";

for (const element of document.querySelectorAll(".trend")) {
  const chart = echarts.init(element);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: JSON.parse(element.dataset.weeks) },
    yAxis: { type: "value", minInterval: 1, name: "投诉" },
    series: [{ type: "bar", data: JSON.parse(element.dataset.counts) }],
  });
  window.addEventListener("resize", () => chart.resize());
}
document.body.dataset.rendered = "yes";
