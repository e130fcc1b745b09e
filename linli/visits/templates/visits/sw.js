{% load static %}// Service worker of the visit pages (scope /visits/): the work list and the record page —
// which carries the cards of the user's own people — are kept for use without signal.
//
// Two caches. The shell (our static files and the offline page) is the same for everyone.
// The pages are the signed-in user's: fetched when the worker is installed and whenever a
// visit page asks (at most every few minutes), refreshed on every visit while online, and
// served from here only when the network fails. They are dropped when the server answers a
// page with the login page (signed out or expired) or with another account's page (each of
// these pages names its user in X-Linli-User), and offline.js drops them at logout.
// Any other page under /visits/ that cannot be fetched shows our offline page.
const SHELL_CACHE = "linli-visits-shell-v3";
const PAGES_CACHE = "linli-visits-pages";
const OFFLINE = "{% url 'visits:offline' %}";
const WORKLIST = "{% url 'visits:worklist' %}";
const RECORD = "{% url 'visits:record' %}";
const LOGIN = "{% url 'accounts:login' %}";
const USER_KEY = WORKLIST + "__user__";
// what the visit pages cannot do without; then what base.html loads for every page
// (kept if it can be: a page without one of them still works)
const SHELL = [OFFLINE, "{% static 'visits/record.js' %}", "{% static 'visits/offline.js' %}",
               "{% static 'visits/record.css' %}"];
const SHELL_TOO = ["{% static 'vendor/bootstrap/bootstrap.min.css' %}",
                   "{% static 'linli/linli.css' %}", "{% static 'visits/icon.svg' %}",
                   "{% static 'vendor/htmx/htmx.min.js' %}",
                   "{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}",
                   "{% static 'linli/linli.js' %}", "{% static 'linli/confirm.js' %}"];
const REFRESH_EVERY = 5 * 60 * 1000;
let refreshedAt = 0;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL).then(() =>
    Promise.all(SHELL_TOO.map((url) => cache.add(url).catch(() => null)))))
    .then(() => refreshPages(true)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key !== SHELL_CACHE && key !== PAGES_CACHE).map((key) => caches.delete(key))))
    .then(pruneShell).then(() => self.clients.claim()));
});

// Static files carry their content's hash in their names: a new worker comes with new
// names, and the files of the old ones would pile up. Keep only what this worker names.
async function pruneShell() {
  const wanted = new Set([...SHELL, ...SHELL_TOO].map((url) => new URL(url, self.location).href));
  const cache = await caches.open(SHELL_CACHE);
  for (const request of await cache.keys()) {
    if (!wanted.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "refresh") event.waitUntil(refreshPages(false));
});

function signedOut(response) {
  return response.type === "opaqueredirect" ||
    (response.redirected && new URL(response.url).pathname.startsWith(LOGIN));
}

function forget() { return caches.delete(PAGES_CACHE); }

// Keep a page of the user named in its X-Linli-User; another user's page first drops the
// pages kept for the one before.
async function keep(key, response) {
  const user = response.headers.get("X-Linli-User");
  if (!user) return;
  let cache = await caches.open(PAGES_CACHE);
  const known = await cache.match(USER_KEY);
  if (known && (await known.text()) !== user) {
    await forget();
    cache = await caches.open(PAGES_CACHE);
  }
  await cache.put(USER_KEY, new Response(user));
  await cache.put(key, response);
}

async function refreshPages(force) {
  if (!force && Date.now() - refreshedAt < REFRESH_EVERY) return;
  refreshedAt = Date.now();
  for (const url of [WORKLIST, RECORD]) {
    let response;
    try {
      response = await fetch(url, {credentials: "same-origin", cache: "no-store"});
    } catch (error) {
      return;  // no signal: keep what we have
    }
    if (signedOut(response)) return forget();
    if (response.ok) await keep(url, response);
  }
}

async function offlinePage() {
  return (await caches.match(OFFLINE)) ||
    new Response("offline", {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}});
}

// The work list (each tab as visited) and the record page (whoever is chosen in ?person=,
// one copy: record.js chooses from the address): the network first, the copy without it.
async function page(event, url) {
  const key = url.pathname === RECORD ? RECORD : url.pathname + url.search;
  try {
    const response = await fetch(event.request);
    if (signedOut(response)) event.waitUntil(forget());
    else if (response.ok) event.waitUntil(keep(key, response.clone()));
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES_CACHE);
    return (await cache.match(key)) || (await cache.match(url.pathname)) || offlinePage();
  }
}

// Our static files: the copy at once, a fresh one fetched behind it for the next time.
async function shell(event) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(event.request);
  const fresh = fetch(event.request).then((response) => {
    if (response.ok) return cache.put(event.request, response.clone()).then(() => response);
    return response;
  });
  if (hit) {
    event.waitUntil(fresh.catch(() => null));
    return hit;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // visits are posted by record.js, queued when offline
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(shell(event));
  } else if (request.mode === "navigate" && (url.pathname === WORKLIST || url.pathname === RECORD)) {
    event.respondWith(page(event, url));
  } else if (request.mode === "navigate" && url.pathname.startsWith(WORKLIST)) {
    event.respondWith(fetch(request).catch(() => offlinePage()));
  }
  // anything else (the API, photos, sw.js) goes to the network untouched
});
