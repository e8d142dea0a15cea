// The owner's dashboard: /api/metrics drawn with Apache ECharts (vendored, echarts.LICENSE).
"use strict";

const pct = (rate) => (rate === null || rate === undefined ? "暂无" : `${(rate * 100).toFixed(1)}%`);
const hourLabel = (iso) => `${iso.slice(5, 10)} ${iso.slice(11, 13)}时`;

function list(id, rows, unit) {
  const ol = document.getElementById(id);
  ol.replaceChildren(...rows.map(([name, n]) => {
    const li = document.createElement("li");
    li.textContent = `${name}（${n}${unit}）`;
    return li;
  }));
  if (!rows.length) ol.replaceChildren(Object.assign(document.createElement("li"), { textContent: "暂无" }));
}

function volumeChart(id, periods, label) {
  const chart = echarts.init(document.getElementById(id));
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["会话", "买家消息", "转人工", "机器人独立接待率"] },
    xAxis: { type: "category", data: periods.map((p) => label(p.start)) },
    yAxis: [{ type: "value", name: "数量" }, { type: "value", name: "接待率", min: 0, max: 1 }],
    series: [
      { name: "会话", type: "bar", data: periods.map((p) => p.conversations) },
      { name: "买家消息", type: "line", data: periods.map((p) => p.buyer_messages) },
      { name: "转人工", type: "bar", data: periods.map((p) => p.handed_off) },
      { name: "机器人独立接待率", type: "line", yAxisIndex: 1, data: periods.map((p) => p.auto_reply_rate) },
    ],
  });
  return chart;
}

function pie(id, rows) {
  // SVG, not canvas: the slices' names are text in the page (screen readers, the browser test).
  const chart = echarts.init(document.getElementById(id), null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: "65%", data: rows.map(([name, value]) => ({ name, value })) }],
  });
  return chart;
}

function answersTable(rows) {
  const body = document.querySelector("#answers tbody");
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    const csat = r.csat_responses ? `${pct(r.csat)}（${r.csat_responses}条评价）` : "暂无评价";
    for (const text of [r.kind, r.name, r.answered, pct(r.precise_rate), pct(r.unsure_after_rate), csat]) {
      tr.appendChild(Object.assign(document.createElement("td"), { textContent: String(text) }));
    }
    return tr;
  }));
  if (!rows.length) {
    const td = Object.assign(document.createElement("td"), { textContent: "暂无", colSpan: 6 });
    body.replaceChildren(Object.assign(document.createElement("tr")));
    body.firstChild.appendChild(td);
  }
}

async function load() {
  const response = await fetch("/api/metrics", { credentials: "same-origin" });
  if (!response.ok) throw new Error(`metrics: ${response.status}`);
  const m = await response.json();
  document.getElementById("kpi-conversations").textContent = m.conversations;
  document.getElementById("kpi-auto").textContent = pct(m.auto_reply_rate);
  document.getElementById("kpi-handoff").textContent = pct(m.handoff_rate);
  document.getElementById("kpi-first-reply").textContent =
    m.first_reply_ms_p50 === null ? "暂无" : `${(m.first_reply_ms_p50 / 1000).toFixed(1)} 秒`;
  document.getElementById("kpi-unclear").textContent = pct(m.not_understood_rate);
  document.getElementById("kpi-csat").textContent = m.csat_responses ? pct(m.csat) : "暂无评价";
  document.getElementById("kpi-conversion").textContent = pct(m.conversion_rate);
  // 催付: reminders sent, orders paid within 24 h of one, the share
  document.getElementById("kpi-unpaid").textContent = m.unpaid_reminded ? pct(m.unpaid_reminder_conversion) : "暂无催付";
  document.getElementById("kpi-unpaid-detail").textContent =
    `已催付 ${m.unpaid_reminded} 单，24小时内付款 ${m.unpaid_paid_within_24h} 单`;
  document.getElementById("kpi-peak").textContent = m.peak_hour ? hourLabel(m.peak_hour) : "暂无";
  const charts = [
    volumeChart("chart-hours", m.hours.slice(-48), hourLabel),
    volumeChart("chart-days", m.days, (iso) => iso.slice(5, 10)),
    // Rows are {key, label, count}: the owner reads the Chinese label (bot/labels.py).
    pie("chart-reasons", m.handoff_reasons.map((r) => [r.label, r.count])),
    pie("chart-intents", m.top_intents.map((i) => [i.label, i.count])),
  ];
  list("top-items", m.top_items.map((i) => [i.label, i.count]), "次");
  list("top-unclear", m.top_not_understood, "次");
  answersTable(m.answers);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  document.body.dataset.rendered = "yes"; // for the browser test: the charts are drawn
}

load().catch((error) => {
  document.getElementById("kpis").insertAdjacentHTML("beforebegin", '<p class="error">数据加载失败，请刷新重试</p>');
  console.error(error);
});
