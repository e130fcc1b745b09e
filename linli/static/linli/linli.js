// Behaviour every page shares. The Content-Security-Policy allows no inline script, so
// templates mark elements with data-… attributes and this file gives them their behaviour.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the language switch).
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // <a data-history-back href="…">: back to the previous page; the href without history.
  document.querySelectorAll("[data-history-back]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });
  // <button data-print>: prints the page (a village's QR poster).
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
})();
