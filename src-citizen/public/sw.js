/* global self, caches */
// The citizen app's service worker. Hand-written (not Workbox): the app is one page and its hashed
// assets, and a kiosk tablet needs only this: when it boots without network, the page comes from
// the cache, says "Ingen forbindelse – vi prøver igen" and connects by itself once it can.
const CACHE = 'skaermbesoeg-shell-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const page = await fetch('./', { cache: 'no-store' });
      const html = await page.clone().text();
      await cache.put('./', page);
      // The shell: every script, style, icon and manifest the page names on our own origin.
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((url) => !/^[a-z]+:/i.test(url));
      await cache.addAll(assets);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page: from the network first (so a new version arrives), the cached shell when there is none.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put('./', copy));
          }
          return response;
        })
        .catch(() => caches.match('./')),
    );
    return;
  }
  // Hashed assets never change: from the cache first; what is fetched anew is kept.
  event.respondWith(
    caches.match(request).then(
      (hit) =>
        hit ??
        fetch(request).then((response) => {
          if (response.ok && new URL(request.url).pathname.includes('/assets/')) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
