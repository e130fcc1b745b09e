// The visit page: every visit goes into a queue on the phone first, then to the server.
// Without signal the queue waits; it is sent when the network returns. Each visit carries
// an id made here, so a retry or a double tap is recorded once by the server.
(function () {
  "use strict";
  var cfg = document.getElementById("visit-page").dataset;  // addresses and messages
  var KEY = "linli-visit-queue";
  var sending = false;

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); show(); }
  function csrf() { var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/); return m ? decodeURIComponent(m[1]) : ""; }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function note(text, cls) {
    var li = document.createElement("li"); li.className = cls || ""; li.textContent = text;
    var list = document.getElementById("recent"); list.insertBefore(li, list.firstChild);
  }
  function show() {
    document.getElementById("queue-count").textContent = load().length;
    document.getElementById("net-state").textContent = navigator.onLine ? cfg.online : cfg.offline;
  }

  function flush() {
    if (sending || !navigator.onLine) { show(); return Promise.resolve(); }
    var queue = load();
    if (!queue.length) { show(); return Promise.resolve(); }
    sending = true;
    var item = queue[0];
    return fetch(cfg.api, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()}, body: JSON.stringify(item)})
      .then(function (response) {
        if (response.status === 200 || response.status === 201) {
          store(load().filter(function (q) { return q.id !== item.id; }));
          note(item.label + " · " + cfg.saved, "text-success");
        } else if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 403) {
          return response.json().then(function (body) {
            store(load().filter(function (q) { return q.id !== item.id; }));
            note(item.label + " · " + cfg.rejected + ":" + ((body.error || {}).message || response.status), "text-danger");
          });
        } else { throw new Error("retry later"); }
      })
      .then(function () { sending = false; return flush(); })
      .catch(function () { sending = false; show(); });
  }

  document.getElementById("visit-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, data = new FormData(form), checklist = {};
    data.forEach(function (value, key) { if (key.indexOf("check-") === 0 && value) checklist[key.slice(6)] = value; });
    var select = document.getElementById("person");
    var item = {id: newId(), person_id: Number(data.get("person_id")),
      visited_at: new Date(data.get("visited_at")).toISOString(), mode: data.get("mode"),
      outcome: data.get("outcome"), met: data.get("met") || "", checklist: checklist,
      notes: data.get("notes") || "", needs: data.get("needs") || "",
      duration_minutes: Number(data.get("duration_minutes") || 30), offline: !navigator.onLine,
      label: select.options[select.selectedIndex].text.split(" · ")[0]};
    var queue = load(); queue.push(item); store(queue);  // on the phone first: nothing is lost
    note(item.label + " · " + cfg.queued, "text-muted");
    form.reset(); setNow();
    flush();
  });

  function setNow() {
    var now = new Date(); now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    document.getElementById("visited_at").value = now.toISOString().slice(0, 16);
  }
  document.getElementById("sync-now").addEventListener("click", flush);
  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  setInterval(flush, 15000);
  setNow(); show(); flush();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(cfg.sw, {scope: "/visits/"});
})();
