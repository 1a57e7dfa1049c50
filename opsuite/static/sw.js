/* opsuite's service worker (served at /sw.js so it may answer for the whole site).

   It exists for one moment: a volunteer at the door of a basement hall, with no signal, who
   wants to open their shift and check in. So it keeps:
   - the site's own files (styles, scripts, icons);
   - the pages of the volunteer's shifts (/shifts/mine, /shifts/<id>, the door page), from the
     network first, and the last copy that came back when there is no network (so for files).
   Nothing else is kept: other pages, the API and feeds always go to the network. A check-in
   pressed offline is not sent from here: forms.js keeps it on the phone and sends it, with the
   time it was pressed, when the connection is back (the server counts it once).
   A signed-out page clears the kept pages (forms.js), so the next person on a shared phone
   never sees them. Written for the browsers people have: no modules, no arrow functions. */
"use strict";

var FILES = "opsuite-files-v1";
var PAGES = "opsuite-pages";
var OWN_FILES = [
  "/static/site.css",
  "/static/forms.js",
  "/static/favicon.svg",
  "/static/icon-192.png"
];
var KEPT_PAGE = /^\/shifts\/(mine|\d+|\d+\/door\/[A-Za-z0-9_.\-]+)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(FILES).then(function (cache) { return cache.addAll(OWN_FILES); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== FILES && name !== PAGES;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* From the network, keeping what came back in ``store``; the kept copy when there is no
   network. The site's files have no version in their names, so even they go to the network
   first: a new release's styles arrive at once. */
function fromNetworkFirst(request, store) {
  return fetch(request).then(function (response) {
    /* Only what the person was shown: not a redirect to the login page, not an error. */
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(store).then(function (cache) { cache.put(request.url, copy); });
    }
    return response;
  }, function (failure) {
    return caches.open(store).then(function (cache) {
      return cache.match(request.url).then(function (hit) {
        if (hit) { return hit; }
        throw failure;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fromNetworkFirst(request, FILES));
  } else if (request.mode === "navigate" && KEPT_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(fromNetworkFirst(request, PAGES));
  }
});
