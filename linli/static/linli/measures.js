// The measures page: each measure's trend charts arrive by HTMX when it scrolls into view
// (hx-trigger="revealed"); draw every ECharts option embedded as <script type="application/json">
// beside a [data-chart] box, once, on load and after each swap (no inline script under the CSP).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-chart]:not([data-drawn])").forEach(function (el) {
      var source = el.nextElementSibling;
      if (!source || source.type !== "application/json" || typeof echarts === "undefined") return;
      el.setAttribute("data-drawn", "");
      var chart = echarts.init(el);
      var option = JSON.parse(source.textContent);
      // Tooltips drawn on the canvas: the HTML ones carry style="…" markup, which the CSP refuses.
      if (option.tooltip) option.tooltip.renderMode = "richText";
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
