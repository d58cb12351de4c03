// Sitbone's service worker: shows a reminder pushed by the server and opens its page on click.
// It caches nothing and intercepts no requests. The payload is JSON {title, body, url, tag};
// only paths on this site are ever opened.
"use strict";

var FALLBACK_URL = new URL("{{ home|escapejs }}", self.location.origin).href;

function pageFor(path) {
  try {
    var url = new URL(path, self.location.origin);
    return url.origin === self.location.origin ? url.href : FALLBACK_URL;
  } catch (error) {
    return FALLBACK_URL;
  }
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  event.waitUntil(self.registration.showNotification(message.title || "Sitbone reminder", {
    body: message.body || "",
    tag: message.tag || "sitbone-reminder",
    data: { url: pageFor(message.url || FALLBACK_URL) }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || FALLBACK_URL;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
      }
      return self.clients.openWindow(target);
    }));
});
