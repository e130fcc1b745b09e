// The measures page: each measure's trend charts arrive by HTMX when it scrolls into view
// (hx-trigger="revealed"); draw the ECharts option of every [data-chart] box, once, on load
// and after each swap. The option is the box's data-option attribute (htmx drops the
// <script> elements of swapped content, and the CSP allows no inline script).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-chart]:not([data-drawn])").forEach(function (el) {
      if (!el.dataset.option || typeof echarts === "undefined") return;
      el.setAttribute("data-drawn", "");
      var chart = echarts.init(el);
      var option = JSON.parse(el.dataset.option);
      // Tooltips drawn on the canvas: the HTML ones carry style="…" markup, which the CSP refuses.
      if (option.tooltip) option.tooltip.renderMode = "richText";
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
