// The visit pages kept for use without signal (the work list and the record page, see
// sw.js): registers the service worker, asks it to refresh its copies while online, and
// forgets them when the user signs out here — the next person to sign in on this phone
// must not find them. (The worker forgets them too when a page of another account, or
// the login page, comes back from the server.) The queue of visits is not touched.
(function () {
  "use strict";
  var cfg = document.currentScript.dataset, PAGES_CACHE = "linli-visits-pages";
  if (!("serviceWorker" in navigator)) return;

  function tell(message) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }
  navigator.serviceWorker.register(cfg.sw, {scope: "/visits/"}).then(function () {
    if (navigator.onLine) tell({type: "refresh"});
  }).catch(function () {});
  window.addEventListener("online", function () { tell({type: "refresh"}); });

  document.querySelectorAll("form[action='" + cfg.logout + "']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.forgotten) return;
      event.preventDefault();
      var submit = function () { form.dataset.forgotten = "1"; form.submit(); };
      caches.delete(PAGES_CACHE).then(submit, submit);
    });
  });

  function showState() {
    document.querySelectorAll("[data-offline-note]").forEach(function (el) {
      el.classList.toggle("d-none", navigator.onLine);
    });
  }
  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);
  showState();
})();
