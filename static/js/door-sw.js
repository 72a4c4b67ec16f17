// The door page's service worker: a door whose tab is reloaded while the venue Wi-Fi is down
// still opens (the page, its modules under static/js/door/, style, hash fallback and camera decoder
// come from this cache), and then works from the list (IndexedDB) and queue (localStorage) it keeps. Network first, the cache only when the
// network fails; the check-in API is never cached.
const CACHE = "door-v2"; // v2: the page is ES modules (static/js/door/), no more door.js

self.addEventListener("install", (event) => {
  self.skipWaiting();
  // Scans must not wait for this worker to wake up: where the browser can route requests
  // past it (Chromium's static routing), the API goes straight to the network.
  if (event.addRoutes) {
    event.waitUntil(
      event.addRoutes([{ condition: { urlPattern: new URLPattern({ pathname: "/api/*" }) }, source: "network" }])
        .catch(() => {}),
    );
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// The page names what it needs (itself, its modules and style, the hash fallback, the camera decoder): cached at once,
// because the first visit loaded them before this worker existed.
self.addEventListener("message", (event) => {
  const urls = event.data && event.data.precache;
  if (Array.isArray(urls)) {
    event.waitUntil(
      caches.open(CACHE)
        .then((cache) => cache.addAll(urls))
        .then(() => event.source && event.source.postMessage({ precached: urls.length }))
        .catch(() => {}),
    );
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!(url.pathname.startsWith("/door/") || url.pathname.startsWith("/static/"))) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        // Only a page or file actually served, never a redirect to the login page.
        if (response.ok && !response.redirected && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, { ignoreSearch: url.pathname.startsWith("/static/") })
        .then((cached) => cached || Response.error())),
  );
});
