// Web push on the reminders page, as a progressive enhancement: the page already says that push
// is not available; where the browser has service workers and PushManager this script registers
// the worker, offers "Also notify this device", and marks this device in the list.
(function () {
  "use strict";

  function keyBytes(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function sha256Hex(text) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window &&
      window.isSecureContext && !!(window.crypto && window.crypto.subtle);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("push-panel");
    if (!panel || !panel.dataset.publicKey || !supported()) { return; }
    var message = panel.querySelector("[data-push-message]");
    var button = panel.querySelector("[data-push-subscribe]");
    var token = panel.querySelector("input[name=csrfmiddlewaretoken]").value;

    function show(state) {
      panel.querySelectorAll("[data-push-state]").forEach(function (element) {
        element.hidden = element.dataset.pushState !== state;
      });
    }

    function markThisDevice(subscription) {
      return sha256Hex(subscription.endpoint).then(function (digest) {
        var row = panel.querySelector('[data-endpoint-sha256="' + digest + '"]');
        if (!row) { return false; }
        row.querySelector("[data-push-this-device]").hidden = false;
        // Stopping this device also ends the browser's subscription, so nothing lingers.
        row.querySelector("[data-push-stop]").addEventListener("submit", function (event) {
          var form = event.target;
          event.preventDefault();
          subscription.unsubscribe().catch(function () { return false; }).then(function () {
            form.submit();
          });
        });
        return true;
      });
    }

    function save(subscription) {
      return fetch(panel.dataset.save, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(subscription)
      }).then(function (response) {
        if (response.ok) { window.location.reload(); return; }
        return response.json().then(function (body) {
          message.textContent = body.error || "Sitbone could not save this device. Please try again.";
        });
      }, function () {
        message.textContent = "Sitbone could not be reached. Check your connection and try again.";
      });
    }

    function subscribe() {
      button.disabled = true;
      message.textContent = "";
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { show("blocked"); return null; }
        return navigator.serviceWorker.ready.then(function (registration) {
          // A leftover subscription may be for an older server key: start afresh.
          return registration.pushManager.getSubscription().then(function (old) {
            return old ? old.unsubscribe() : true;
          }).then(function () {
            return registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(panel.dataset.publicKey)
            });
          });
        }).then(save, function () { show("unsupported"); });
      }).then(function () { button.disabled = false; });
    }

    navigator.serviceWorker.register(panel.dataset.worker, { scope: panel.dataset.scope })
      .then(function (registration) {
        if (Notification.permission === "denied") { show("blocked"); return; }
        return registration.pushManager.getSubscription().then(function (subscription) {
          return subscription ? markThisDevice(subscription) : false;
        }).then(function (isListed) { show(isListed ? "on" : "off"); });
      })
      .catch(function () { show("unsupported"); });
    button.addEventListener("click", subscribe);
  });
})();
