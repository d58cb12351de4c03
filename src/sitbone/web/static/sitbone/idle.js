// Idle warning (HIPAA automatic logoff with a chance to stay): two minutes before the server
// would end an idle session, show a notice whose button posts to the keep-alive endpoint.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("idle-warning");
    if (!box) { return; }
    var idle = Number(box.dataset.idleSeconds) * 1000;
    var before = Number(box.dataset.warnBefore) * 1000;
    var form = box.querySelector("form");
    var warnTimer = null;
    var endTimer = null;

    function arm() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      box.hidden = true;
      warnTimer = window.setTimeout(function () {
        box.hidden = false;
        box.querySelector("button").focus();
      }, Math.max(idle - before, 1000));
      endTimer = window.setTimeout(function () { window.location.reload(); }, idle + 1000);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (response.status === 204) { arm(); } else { window.location.reload(); }
      }, function () { window.location.reload(); });
    });
    arm();
  });
})();
