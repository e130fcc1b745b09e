// The visit page: every visit goes into a queue on the phone first, then to the server.
// Without signal the queue waits; it is sent when the network returns. Each visit carries
// an id made here, so a retry or a double tap is recorded once by the server.
//
// The queue is small records in localStorage ("linli-visit-queue"); a visit's photo, far
// larger (localStorage holds ~5 MB in all), waits in IndexedDB under the visit's id and is
// put into the visit's body only when it is sent. Each queued visit names the account that
// recorded it: only that account's page sends it. When the session has expired the server
// answers 401/403: the page says so and keeps the queue until the user signs in again.
(function () {
  "use strict";
  var page = document.getElementById("visit-page"), cfg = page.dataset;  // addresses, messages
  var KEY = "linli-visit-queue", PHOTO_SIDE = 1280, PHOTO_QUALITY = 0.7;
  var people = {};
  JSON.parse(document.getElementById("visit-people").textContent).forEach(function (p) { people[p.id] = p; });
  var form = document.getElementById("visit-form"), select = document.getElementById("person");
  var sending = null, photo = null, position = null;
  var outcomes = {};  // visit id → "saved" or "rejected", as the server answered

  function $(id) { return document.getElementById(id); }
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); show(); }
  function mine(item) { return !item.user || String(item.user) === cfg.user; }
  function csrf() { var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/); return m ? decodeURIComponent(m[1]) : ""; }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(date) { return two(date.getHours()) + ":" + two(date.getMinutes()); }
  function when(iso) { var d = new Date(iso); return two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + clock(d); }

  // --- photos in IndexedDB ------------------------------------------------------------
  var photoDb = null;
  function db() {
    if (!photoDb) {
      photoDb = new Promise(function (resolve, reject) {
        var open = indexedDB.open("linli-visits", 1);
        open.onupgradeneeded = function () { open.result.createObjectStore("photos"); };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return photoDb;
  }
  function photos(mode, act) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction("photos", mode), request = act(tx.objectStore("photos"));
        tx.oncomplete = function () { resolve(request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function photoPut(id, url) { return photos("readwrite", function (s) { return s.put(url, id); }); }
  function photoGet(id) { return photos("readonly", function (s) { return s.get(id); }); }
  function photoDrop(id) { return photos("readwrite", function (s) { return s.delete(id); }).catch(function () {}); }

  // The camera's picture, made small on the phone: longest side 1280 px, JPEG at 0.7.
  function decode(file) {
    var viaImage = function () {
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () {
          var image = new Image();
          image.onload = function () { resolve(image); };
          image.onerror = reject;
          image.src = reader.result;  // a data: URL (the CSP allows no blob: images)
        };
        reader.onerror = reject;
        reader.readAsDataURL(file);
      });
    };
    return window.createImageBitmap ? createImageBitmap(file).catch(viaImage) : viaImage();
  }
  function compress(file) {
    return decode(file).then(function (image) {
      var scale = Math.min(1, PHOTO_SIDE / Math.max(image.width, image.height));
      var canvas = document.createElement("canvas"), context = canvas.getContext("2d");
      canvas.width = Math.max(1, Math.round(image.width * scale));
      canvas.height = Math.max(1, Math.round(image.height * scale));
      context.fillStyle = "#fff";  // a transparent PNG becomes white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      var url = canvas.toDataURL("image/jpeg", PHOTO_QUALITY);
      if (url.length * 0.75 > Number(cfg.photoMax)) url = canvas.toDataURL("image/jpeg", 0.5);
      return {url: url, width: canvas.width, height: canvas.height};
    });
  }
  $("photo").addEventListener("change", function (event) {
    var file = event.target.files[0];
    clearPhoto(true);
    if (!file) return;
    compress(file).then(function (result) {
      if (result.url.length * 0.75 > Number(cfg.photoMax)) throw new Error("too big");
      photo = result.url;
      $("photo-preview").src = result.url;
      $("photo-box").classList.remove("d-none");
      $("photo-note").textContent = cfg.photoReady + ":" + result.width + "×" + result.height + "," +
        Math.round(result.url.length * 0.75 / 1000) + " KB";
    }).catch(function (error) {
      $("photo").value = "";
      $("photo-note").textContent = error && error.message === "too big" ? cfg.photoBig : cfg.photoBad;
    });
  });
  function clearPhoto(keepInput) {
    photo = null;
    if (!keepInput) $("photo").value = "";
    $("photo-preview").removeAttribute("src");
    $("photo-box").classList.add("d-none");
    $("photo-note").textContent = $("photo-note").dataset.hint;
  }
  $("photo-note").dataset.hint = $("photo-note").textContent;
  $("photo-clear").addEventListener("click", function () { clearPhoto(false); });

  // --- location, once, with consent ---------------------------------------------------
  var locationNote = $("location-note");
  locationNote.dataset.hint = locationNote.textContent;
  $("with-location").addEventListener("change", function (event) {
    position = null;
    if (!event.target.checked) { locationNote.textContent = locationNote.dataset.hint; return; }
    if (!navigator.geolocation) { locationNote.textContent = cfg.noLocation; return; }
    locationNote.textContent = cfg.locating;
    navigator.geolocation.getCurrentPosition(function (fix) {
      if (!$("with-location").checked) return;
      position = {latitude: fix.coords.latitude, longitude: fix.coords.longitude,
                  accuracy: Math.round(fix.coords.accuracy)};
      locationNote.textContent = cfg.located + ":" + position.latitude.toFixed(5) + ", " +
        position.longitude.toFixed(5) + "(±" + position.accuracy + " " + cfg.metres + ")";
    }, function () {
      locationNote.textContent = cfg.noLocation;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });

  // --- the person's card --------------------------------------------------------------
  function card() {
    var person = people[select.value];
    $("person-card").classList.toggle("d-none", !person);
    if (!person) return;
    $("person-missing").classList.add("d-none");
    $("card-name").textContent = person.name + " · " + person.region;
    $("card-address").textContent = person.address || "—";
    var phone = $("card-phone");
    phone.textContent = "";
    if (person.phone) {
      var call = document.createElement("a"); call.href = "tel:" + person.phone; call.textContent = person.phone;
      phone.appendChild(call);
    } else { phone.textContent = "—"; }
    $("card-risk").textContent = person.risk_label;
    $("card-risk").className = "col-8" + (person.risk === "high" ? " text-danger fw-bold" : "");
    $("card-due").textContent = person.next_due || "—";
    $("card-due").classList.toggle("text-danger", person.overdue);
    $("card-last").textContent = person.last_visit || $("card-last").dataset.never;
    $("card-notes").textContent = person.last_notes || "—";
    $("card-needs").textContent = person.last_needs || "—";
  }
  select.addEventListener("change", card);

  // --- the queue and the state at the top ---------------------------------------------
  function status(kind, text) {
    var box = $("save-status");
    box.className = "alert py-2 alert-" + kind;
    box.textContent = text;
    box.focus();
  }
  function note(text, cls) {
    var li = document.createElement("li"); li.className = cls || ""; li.textContent = text;
    var list = $("recent"); list.insertBefore(li, list.firstChild);
  }
  function show() {
    var queue = load(), own = queue.filter(mine), list = $("queue-list");
    $("queue-count").textContent = own.length;
    list.textContent = "";
    own.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.label + " · " + when(item.visited_at) + (item.has_photo ? " · " + cfg.withPhoto : "");
      list.appendChild(li);
    });
    $("queue-others-count").textContent = queue.length - own.length;
    $("queue-others").classList.toggle("d-none", queue.length === own.length);
    $("net-state").textContent = navigator.onLine ? cfg.online : cfg.offline;
  }
  function forget(item) {
    store(load().filter(function (q) { return q.id !== item.id; }));
    if (item.has_photo) photoDrop(item.id);
  }
  function expired(yes) { $("session-expired").classList.toggle("d-none", !yes); }
  function signedOut(response) {
    return response.status === 401 || response.status === 403 ||
      (response.redirected && response.url.indexOf("/accounts/login/") !== -1);
  }
  function body(item) {
    var payload = {};
    Object.keys(item).forEach(function (key) {
      if (["label", "user", "has_photo", "queued_at"].indexOf(key) === -1) payload[key] = item[key];
    });
    if (!item.has_photo) return Promise.resolve(payload);
    return photoGet(item.id).then(function (url) { if (url) payload.photo = url; return payload; },
                                  function () { return payload; });
  }

  // Sends the account's waiting visits one by one, until none is left or the network fails.
  function flush() {
    if (sending) return sending;
    var item = load().filter(mine)[0];
    if (!navigator.onLine || !item) { show(); return Promise.resolve(); }
    sending = body(item).then(function (payload) {
      return fetch(cfg.api, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()}, body: JSON.stringify(payload)});
    }).then(function (response) {
      if (signedOut(response)) { expired(true); throw new Error("signed out"); }
      expired(false);
      if (response.status === 200 || response.status === 201) {
        forget(item);
        outcomes[item.id] = "saved";
        note(item.label + " · " + cfg.uploaded, "text-success");
      } else if (response.status >= 400 && response.status < 500) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          forget(item);
          outcomes[item.id] = "rejected";
          var text = item.label + " · " + cfg.rejected + ":" + ((answer.error || {}).message || response.status);
          note(text, "text-danger");
          status("danger", text);
        });
      } else { throw new Error("retry later"); }
    }).then(function () { sending = null; return flush(); },
            function () { sending = null; show(); });
    return sending;
  }

  function reset() {
    form.reset(); setNow(); clearPhoto(false); position = null; card();
    locationNote.textContent = locationNote.dataset.hint;
    if (location.search) history.replaceState(null, "", location.pathname);
    window.scrollTo(0, 0);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form), checklist = {};
    data.forEach(function (value, key) { if (key.indexOf("check-") === 0 && value) checklist[key.slice(6)] = value; });
    var item = {id: newId(), person_id: Number(data.get("person_id")),
      visited_at: new Date(data.get("visited_at")).toISOString(), mode: data.get("mode"),
      outcome: data.get("outcome"), met: data.get("met") || "", checklist: checklist,
      notes: data.get("notes") || "", needs: data.get("needs") || "",
      duration_minutes: Number(data.get("duration_minutes") || 30), offline: !navigator.onLine,
      label: select.options[select.selectedIndex].text.split(" · ")[0], user: cfg.user,
      queued_at: new Date().toISOString()};
    if (position) item.location = position;
    var keptPhoto = photo ? photoPut(item.id, photo).then(function () { item.has_photo = true; },
      function () { note(item.label + " · " + cfg.photoLost, "text-warning"); }) : Promise.resolve();
    $("save-visit").disabled = true;
    keptPhoto.then(function () {
      var queue = load(); queue.push(item); store(queue);  // on the phone first: nothing is lost
      reset();
      return flush();
    }).then(function () {
      var outcome = outcomes[item.id];
      if (outcome === "saved") status("success", cfg.saved + ":" + item.label + " " + clock(new Date()));
      else if (!outcome) status("warning", $("session-expired").classList.contains("d-none") ? cfg.queued : cfg.kept);
    }, function () {
      status("danger", cfg.notKept);  // the phone's storage is full: the form keeps what was typed
    }).then(function () { $("save-visit").disabled = false; });
  });

  function setNow() {
    var now = new Date(); now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    $("visited_at").value = now.toISOString().slice(0, 16);
  }
  function choose() {  // ?person=<id>, from a person page or a work-list row
    var wanted = new URLSearchParams(location.search).get("person");
    if (!wanted) return;
    if (people[wanted]) { select.value = wanted; card(); } else { $("person-missing").classList.remove("d-none"); }
  }
  $("sync-now").addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", show);
  setInterval(flush, 15000);
  setNow(); choose(); show(); flush();
})();
