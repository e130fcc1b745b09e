// Opening a round: a box before each measure's indicators (and one before them all)
// checks or clears its group at once; it shows checked, cleared or mixed as its group is.
// Without JavaScript the boxes stay hidden and each indicator is ticked on its own.
(function () {
  "use strict";
  var masters = document.querySelectorAll("input[data-check-group]");

  function members(master) {
    var group = master.dataset.checkGroup;
    var selector = group === "all" ? "input[name=indicators]"
      : "input[name=indicators][data-group='" + group + "']";
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  function show(master) {
    var boxes = members(master);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    master.checked = ticked > 0 && ticked === boxes.length;
    master.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  masters.forEach(function (master) {
    master.closest("[data-master]").hidden = false;
    master.addEventListener("change", function () {
      members(master).forEach(function (box) { box.checked = master.checked; });
      masters.forEach(show);
    });
    show(master);
  });
  document.querySelectorAll("input[name=indicators]").forEach(function (box) {
    box.addEventListener("change", function () { masters.forEach(show); });
  });
})();
