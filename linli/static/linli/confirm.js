// A destructive button asks once, in a native <dialog>, before its form is sent.
//
// The Content-Security-Policy allows no inline script, so the button carries its words in
// data-… attributes (core/_confirm_button.html): data-confirm (the question, naming the
// record), data-confirm-detail (what will happen), data-confirm-ok and
// data-confirm-cancel (the words of the two buttons). Without JavaScript the same button
// posts confirm=ask and the server answers a confirmation page (linli/core/confirm.py);
// confirming here sends the form without that ask, so the action is done at once.
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") { return; } // the server asks instead

  var dialog, question, detail, ok, cancel;

  function element(tag, id, className) {
    var el = document.createElement(tag);
    el.id = id;
    el.className = className;
    return el;
  }

  function build() {
    dialog = element("dialog", "confirm-dialog", "border-0 rounded-3 shadow p-4 mw-30rem");
    dialog.setAttribute("aria-labelledby", "confirm-question");
    dialog.setAttribute("aria-describedby", "confirm-detail");
    var form = document.createElement("form");
    form.method = "dialog"; // a button of this form closes the dialog with its value
    question = element("p", "confirm-question", "h6 mb-2");
    detail = element("p", "confirm-detail", "small mb-0");
    var buttons = element("div", "confirm-buttons", "d-flex justify-content-end gap-2 mt-3");
    cancel = element("button", "confirm-cancel", "btn btn-outline-secondary");
    cancel.value = "cancel";
    ok = element("button", "confirm-ok", "btn btn-danger");
    ok.value = "ok";
    buttons.append(cancel, ok);
    form.append(question, detail, buttons);
    dialog.append(form);
    document.body.append(dialog);
  }

  function ask(button, proceed) {
    if (!dialog) { build(); }
    question.textContent = button.dataset.confirm;
    detail.textContent = button.dataset.confirmDetail || "";
    detail.hidden = !detail.textContent;
    ok.textContent = button.dataset.confirmOk || button.textContent.trim();
    cancel.textContent = button.dataset.confirmCancel || "取消";
    dialog.returnValue = "";
    dialog.addEventListener("close", function () {
      if (dialog.returnValue === "ok") { proceed(); } else { button.focus(); }
    }, { once: true });
    dialog.showModal();
    cancel.focus(); // Enter on an unread question cancels rather than acts
  }

  // Delegated, so buttons that htmx swaps in ask too. A click is also what the browser
  // fires on the default button when Enter submits a form from a text box.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button || !button.form || button.disabled) { return; }
    event.preventDefault();
    var form = button.form;
    if (!form.reportValidity()) { return; } // a missing reason is said first, as usual
    ask(button, function () {
      // The form's data is read as requestSubmit runs: without the button's name it
      // carries no confirm=ask, and the button keeps its name for the next time.
      var name = button.getAttribute("name");
      button.removeAttribute("name");
      form.requestSubmit(button);
      if (name !== null) { button.setAttribute("name", name); }
    });
  });
})();
