// A box that scrolls sideways (a wide table in .table-responsive, such as the import job's
// preview) can be reached with the keyboard and scrolled with the arrow keys (WCAG 2.1.1;
// axe's scrollable-region-focusable): while its content is wider than the box it takes the
// focus, as a region named by its table's caption or the heading before it.
(function () {
  "use strict";

  function label(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    return "";
  }

  function mark(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollBox = "";
        var name = label(box);
        if (name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      } else if (!scrolls && "scrollBox" in box.dataset) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollBox;
      }
    });
  }

  var pending = null;
  mark(document);
  document.addEventListener("htmx:afterSwap", function () { mark(document); });
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { mark(document); }, 200);
  });
})();
