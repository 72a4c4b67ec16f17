// The service worker that lets a door whose tab is reloaded without network open again: the page
// names every file it needs (itself, style, scripts and modules, hash fallback, camera decoder) for
// the worker to cache at once, because this first visit loaded them before the worker existed.
import { config } from "./config.js";
import { FALLBACK_FILES } from "./hash.js";

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator && window.isSecureContext)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.precached) document.body.dataset.doorCached = "true";
  });
  navigator.serviceWorker
    .register(config.service_worker, { scope: "/door/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      // The style, main.js, and every module it imports (the template preloads each: the worker
      // cannot see the imports).
      const assets = [...document.querySelectorAll("link[rel=stylesheet][href], link[rel=modulepreload][href], script[src]")]
        .map((el) => el.getAttribute("href") || el.getAttribute("src"));
      const decoder = ["ponyfill.js", "zxing-exported.js", "zxing_reader.wasm"].map((name) => config.vendor + name);
      const files = [location.pathname + location.search, ...assets, ...FALLBACK_FILES, ...decoder];
      // Each once (the cache refuses a list that names a file twice).
      const precache = [...new Set(files.map((url) => new URL(url, location.href).href))];
      registration.active.postMessage({ precache });
    })
    .catch(() => {
      /* without it the page still works offline; only a reload needs the network */
    });
}
