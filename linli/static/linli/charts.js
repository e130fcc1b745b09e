// Renders every ECharts option embedded by the server as <script type="application/json">.
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var source = el.nextElementSibling;
  if (!source || source.type !== "application/json") return;
  var chart = echarts.init(el);
  chart.setOption(JSON.parse(source.textContent));
  window.addEventListener("resize", function () { chart.resize(); });
});
