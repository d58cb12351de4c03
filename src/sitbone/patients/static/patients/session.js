// Guided session timers: hold timer with rest countdown, rep and set counters, an end signal
// (visual, optional beep and vibration) and a screen wake lock while timing.
// Progressive enhancement: the page and the log form work without this file.
(function () {
  "use strict";

  var options = { sound: false, vibrate: false };
  var audio = null;
  var wakeLock = null;
  var running = 0;

  function loadOptions() {
    try {
      var saved = JSON.parse(window.localStorage.getItem("sitbone-timer-options") || "{}");
      options.sound = !!saved.sound;
      options.vibrate = !!saved.vibrate;
    } catch (e) { /* private mode: keep defaults */ }
  }

  function saveOptions() {
    try { window.localStorage.setItem("sitbone-timer-options", JSON.stringify(options)); } catch (e) { /* ignore */ }
  }

  function beep() {
    if (!options.sound) { return; }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    audio = audio || new Context();
    [0, 0.35, 0.7].forEach(function (offset) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + offset + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + offset);
      osc.stop(audio.currentTime + offset + 0.3);
    });
  }

  function buzz() {
    if (options.vibrate && navigator.vibrate) { navigator.vibrate([200, 100, 200]); }
  }

  function lockScreen() {
    running += 1;
    if (wakeLock || !("wakeLock" in navigator)) { return; }
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { /* not allowed: the timer still works */ });
  }

  function unlockScreen() {
    running = Math.max(0, running - 1);
    if (running === 0 && wakeLock) { wakeLock.release(); wakeLock = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && running > 0 && !wakeLock) {
      running -= 1;
      lockScreen();
    }
  });

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    return m > 0 ? m + ":" + String(s % 60).padStart(2, "0") : s + "s";
  }

  function Timer(root) {
    this.root = root;
    this.sets = parseInt(root.dataset.sets, 10) || 1;
    this.hold = parseInt(root.dataset.hold, 10) || 0;
    this.reps = parseInt(root.dataset.reps, 10) || 0;
    this.rest = parseInt(root.dataset.rest, 10) || 0;
    this.name = root.dataset.name;
    this.el = {
      phase: root.querySelector("[data-phase]"),
      clock: root.querySelector("[data-clock]"),
      count: root.querySelector("[data-count]"),
      progress: root.querySelector("[data-progress]"),
      start: root.querySelector("[data-start]"),
      rep: root.querySelector("[data-rep]"),
      setDone: root.querySelector("[data-set-done]"),
      pause: root.querySelector("[data-pause]"),
      skip: root.querySelector("[data-skip]"),
      reset: root.querySelector("[data-reset]")
    };
    this.setsInput = document.getElementById(root.dataset.setsInput);
    this.bind();
    this.resetAll();
    root.hidden = false;
  }

  Timer.prototype.bind = function () {
    var self = this;
    if (this.el.start) { this.el.start.addEventListener("click", function () { self.startHold(); }); }
    if (this.el.rep) { this.el.rep.addEventListener("click", function () { self.countRep(); }); }
    if (this.el.setDone) { this.el.setDone.addEventListener("click", function () { self.finishSet(); }); }
    this.el.pause.addEventListener("click", function () { self.togglePause(); });
    this.el.skip.addEventListener("click", function () { self.endRest(true); });
    this.el.reset.addEventListener("click", function () { self.resetAll(); });
  };

  Timer.prototype.resetAll = function () {
    this.stopTicking();
    this.set = 1;
    this.repCount = 0;
    this.setsDone = 0;
    this.mode = "ready";
    this.root.classList.remove("timer-done", "timer-rest", "timer-flash");
    this.say("Ready when you are");
    this.el.clock.textContent = this.hold ? clock(this.hold) : "0 / " + this.reps;
    this.el.progress.value = 0;
    this.updateCount();
    this.buttons();
  };

  Timer.prototype.say = function (text) { this.el.phase.textContent = text; };

  Timer.prototype.updateCount = function () {
    this.el.count.textContent = "Set " + Math.min(this.set, this.sets) + " of " + this.sets +
      (this.reps ? " · rep " + this.repCount + " of " + this.reps : "");
  };

  Timer.prototype.buttons = function () {
    var timing = this.mode === "hold" || this.mode === "rest";
    if (this.el.start) { this.el.start.disabled = timing || this.mode === "finished"; }
    if (this.el.rep) { this.el.rep.disabled = this.mode !== "ready" && this.mode !== "reps"; }
    if (this.el.setDone) { this.el.setDone.disabled = this.mode !== "ready" && this.mode !== "reps"; }
    this.el.pause.disabled = !timing;
    this.el.pause.textContent = this.paused ? "Resume" : "Pause";
    this.el.skip.disabled = this.mode !== "rest";
  };

  Timer.prototype.run = function (seconds, mode, done) {
    var self = this;
    this.stopTicking();
    this.mode = mode;
    this.paused = false;
    this.total = seconds;
    this.left = seconds;
    this.onDone = done;
    this.last = Date.now();
    lockScreen();
    this.locked = true;
    this.tick = window.setInterval(function () { self.step(); }, 250);
    this.render();
    this.buttons();
  };

  Timer.prototype.step = function () {
    var now = Date.now();
    if (!this.paused) { this.left -= (now - this.last) / 1000; }
    this.last = now;
    if (this.left <= 0) {
      var done = this.onDone;
      this.stopTicking();
      done.call(this);
      return;
    }
    this.render();
  };

  Timer.prototype.render = function () {
    this.el.clock.textContent = clock(this.left);
    this.el.progress.value = Math.round(100 * (1 - this.left / this.total));
  };

  Timer.prototype.stopTicking = function () {
    if (this.tick) { window.clearInterval(this.tick); this.tick = null; }
    if (this.locked) { unlockScreen(); this.locked = false; }
  };

  Timer.prototype.togglePause = function () {
    this.paused = !this.paused;
    this.say(this.paused ? "Paused" : (this.mode === "hold" ? "Hold" : "Rest"));
    this.buttons();
  };

  Timer.prototype.signal = function (text, done) {
    var root = this.root;
    root.classList.remove("timer-flash");
    void root.offsetWidth;
    root.classList.add("timer-flash");
    if (done) { root.classList.add("timer-done"); }
    this.say(text);
    beep();
    buzz();
  };

  Timer.prototype.startHold = function () {
    this.root.classList.remove("timer-rest", "timer-done");
    this.say("Hold: set " + this.set + " of " + this.sets);
    this.run(this.hold, "hold", function () { this.finishSet(); });
  };

  Timer.prototype.countRep = function () {
    this.mode = "reps";
    this.repCount = Math.min(this.repCount + 1, this.reps || this.repCount + 1);
    this.el.clock.textContent = this.repCount + " / " + this.reps;
    this.el.progress.value = this.reps ? Math.round(100 * this.repCount / this.reps) : 0;
    this.updateCount();
    this.buttons();
    if (this.reps && this.repCount >= this.reps) { this.finishSet(); }
  };

  Timer.prototype.finishSet = function () {
    this.setsDone = Math.min(this.setsDone + 1, this.sets);
    if (this.setsInput) { this.setsInput.value = this.setsDone; }
    if (this.setsDone >= this.sets) {
      this.mode = "finished";
      this.el.clock.textContent = "Done";
      this.el.progress.value = 100;
      this.signal(this.name + ": all " + this.sets + " sets done. Log it below.", true);
      this.buttons();
      return;
    }
    this.root.classList.add("timer-rest");
    this.signal("Set " + this.set + " done. Rest now.", false);
    this.run(this.rest, "rest", function () { this.endRest(false); });
  };

  Timer.prototype.endRest = function (skipped) {
    this.stopTicking();
    this.set += 1;
    this.repCount = 0;
    this.mode = "ready";
    this.root.classList.remove("timer-rest");
    this.el.progress.value = 0;
    this.el.clock.textContent = this.hold ? clock(this.hold) : "0 / " + this.reps;
    this.updateCount();
    if (skipped) {
      this.say("Rest skipped. Ready for set " + this.set + ".");
    } else {
      this.signal("Rest over. Ready for set " + this.set + ".", false);
    }
    this.buttons();
  };

  function init() {
    var timers = document.querySelectorAll("[data-timer]");
    if (!timers.length) { return; }
    loadOptions();
    var panel = document.querySelector("[data-timer-options]");
    if (panel) {
      panel.hidden = false;
      panel.querySelectorAll("[data-option]").forEach(function (box) {
        box.checked = options[box.dataset.option];
        box.addEventListener("change", function () {
          options[box.dataset.option] = box.checked;
          saveOptions();
          if (box.checked && box.dataset.option === "sound") { beep(); }
        });
      });
    }
    timers.forEach(function (root) { root.sitboneTimer = new Timer(root); });
    var form = document.querySelector("[data-session-form]");
    if (form && form.dataset.keepAlive && window.fetch) {
      // A workout can outlast the 30-minute idle sign-out: tell the server we are still here,
      // every 5 minutes for up to 2 hours, so the log is not lost on submit.
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      var pings = 0;
      var keepAlive = window.setInterval(function () {
        pings += 1;
        if (pings > 24) { window.clearInterval(keepAlive); return; }
        window.fetch(form.dataset.keepAlive, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "" }
        }).catch(function () { /* offline for a moment: the next ping tries again */ });
      }, 5 * 60 * 1000);
    }
    if (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("[data-submit]");
        if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
