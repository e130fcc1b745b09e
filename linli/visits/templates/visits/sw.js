{% load static %}// Service worker of the visit page: keeps the page and its assets for use without signal.
const CACHE = "linli-visits-v2";
const SHELL = ["/visits/record/", "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
               "{% static 'linli/linli.css' %}", "{% static 'visits/record.js' %}",
               "{% static 'visits/icon.svg' %}", "{% static 'vendor/htmx/htmx.min.js' %}",
               "{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}",
               "{% static 'linli/linli.js' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // visits are posted by record.js, queued when offline
  const url = new URL(request.url);
  if (url.pathname === "/visits/record/") {
    // network first (fresh due list), the cached page without signal
    event.respondWith(fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put("/visits/record/", copy));
      return response;
    }).catch(() => caches.match("/visits/record/")));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
