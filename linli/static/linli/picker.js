// The shared picker (linli/core/pickers.py): a text box searching over HTMX
// (GET /pick/<kind>/, hx-trigger "input changed delay:300ms"), a hidden value, and for
// several values a row of chips (checkboxes: unticked ones are not sent). Without this
// file the form still works: the server reads the typed text and lists namesakes.
// Every picker widget loads this file; it sets itself up once.
(function () {
  "use strict";
  if (window.linliPicker) { return; }
  window.linliPicker = true;

  function pickerOf(el) { return el && el.closest ? el.closest("[data-picker]") : null; }
  function part(picker, name) { return picker.querySelector("[data-picker-" + name + "]"); }
  function options(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll("[data-picker-option]"));
  }

  function close(picker) {
    var results = part(picker, "results");
    if (results) { results.replaceChildren(); }
    var text = part(picker, "text");
    if (text) { text.setAttribute("aria-expanded", "false"); }
  }

  function keyInput(picker) {
    var key = part(picker, "key");
    if (!key) {  // after a list of candidates: the value goes in a hidden input again
      key = document.createElement("input");
      key.type = "hidden";
      key.name = picker.dataset.pickerName;
      key.setAttribute("data-picker-key", "");
      picker.insertBefore(key, picker.firstChild);
    }
    var candidates = part(picker, "candidates");
    if (candidates) { candidates.remove(); }
    return key;
  }

  function addChip(picker, value, label) {
    var chips = part(picker, "chips");
    var boxes = chips.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value === value) { boxes[i].checked = true; return; }
    }
    var chip = document.createElement("label");
    chip.className = "badge rounded-pill text-bg-light border d-inline-flex align-items-center gap-1 fw-normal text-wrap text-start";
    chip.setAttribute("data-picker-chip", "");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "form-check-input mt-0";
    box.name = picker.dataset.pickerName;
    box.value = value;
    box.checked = true;
    chip.appendChild(box);
    chip.appendChild(document.createTextNode(" " + label));
    chips.appendChild(chip);
  }

  function choose(picker, option) {
    var text = part(picker, "text");
    var value = option.dataset.pickerValue, label = option.dataset.pickerLabel;
    if (picker.hasAttribute("data-picker-multiple")) {
      addChip(picker, value, label);
      text.value = "";
    } else {
      keyInput(picker).value = value;
      text.value = label;
    }
    close(picker);
    text.focus();
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest ? event.target.closest("[data-picker-option]") : null;
    if (option) { choose(pickerOf(option), option); return; }
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (!picker.contains(event.target)) { close(picker); }
    });
  });

  // Typing over a chosen value un-chooses it: what is sent is what the box says.
  document.addEventListener("input", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || !event.target.hasAttribute("data-picker-text")) { return; }
    var key = part(picker, "key");
    if (key && !picker.hasAttribute("data-picker-multiple")) { key.value = ""; }
  });

  // A chip unticked is gone.
  document.addEventListener("change", function (event) {
    var chip = event.target.closest ? event.target.closest("[data-picker-chip]") : null;
    if (chip && !event.target.checked) { chip.remove(); }
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) { return; }
    var list = options(picker), at = list.indexOf(event.target);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!list.length) { return; }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = at < 0 ? (step > 0 ? 0 : list.length - 1) : at + step;
      if (next < 0 || next >= list.length) { part(picker, "text").focus(); return; }
      list[next].focus();
    } else if (event.key === "Escape") {
      close(picker);
      part(picker, "text").focus();
    } else if (event.key === "Enter" && event.target.hasAttribute("data-picker-text")) {
      if (list.length) { event.preventDefault(); choose(picker, list[0]); }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || !event.target.hasAttribute("data-picker-results")) { return; }
    part(picker, "text").setAttribute("aria-expanded", options(picker).length ? "true" : "false");
  });
})();
