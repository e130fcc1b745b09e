// Renders every ECharts option embedded by the server as <script type="application/json">.
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var source = el.nextElementSibling;
  if (!source || source.type !== "application/json") return;
  var chart = echarts.init(el);
  var option = JSON.parse(source.textContent);
  // Tooltips drawn on the canvas: the HTML ones carry style="…" markup, which the CSP refuses.
  if (option.tooltip) option.tooltip.renderMode = "richText";
  chart.setOption(option);
  window.addEventListener("resize", function () { chart.resize(); });
});
