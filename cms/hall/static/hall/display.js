// The hall display: polls state.json from our own origin and shows each new call (a recall too) in large type,
// and announces it: a chime, then the call spoken in Mandarin and English. Three sound modes, switched with the
// button (browsers allow audio only after a touch) and remembered on the display PC:
//   server  — the server's clip of the call (`call.audio`, made offline by espeak-ng), so a PC without a
//             Chinese voice still speaks; if the clip cannot be played, the browser's speech instead;
//   browser — the browser's own speech (Web Speech API; a language without a voice on this PC is left
//             unspoken rather than misread);
//   off.
// `?sound=on` (or `server`, `browser`, `off`) chooses at start, for a screen started with autoplay allowed.
(function () {
  "use strict";
  const body = document.body;
  const url = body.dataset.stateUrl;
  const every = parseInt(body.dataset.pollMs, 10) || 1000;
  const SOUND_KEY = "onetrip-hall-sound";
  const ANNOUNCE_GAP_MS = 5000; // calls arriving together are announced one after another
  let lastCall = null;
  let lastAt = null; // the newest call time announced
  const MODES = ["server", "browser", "off"]; // the button's order
  const LABELS = {
    server: "声音 开 · Sound on",
    browser: "声音 浏览器语音 · Browser voice",
    off: "声音 关 · Sound off",
  };
  function mode(value) {
    if (value === "on") return "server";
    return MODES.includes(value) ? value : null;
  }
  let sound = mode(new URLSearchParams(location.search).get("sound")) || mode(localStorage.getItem(SOUND_KEY)) || "off";
  let audio = null;
  const soundButton = document.getElementById("sound");

  function showSound() {
    soundButton.textContent = LABELS[sound];
    soundButton.setAttribute("aria-pressed", String(sound !== "off"));
  }

  function chime() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = audio || new Context();
    const t0 = audio.currentTime;
    [[880, 0], [659, 0.35]].forEach(function (note) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, t0 + note[1]);
      gain.gain.exponentialRampToValueAtTime(0.4, t0 + note[1] + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + note[1] + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + note[1]);
      osc.stop(t0 + note[1] + 0.65);
    });
  }

  // "F012" read letter by letter and digit by digit, as halls call it.
  function spell(ticket) {
    return ticket.split("").join(" ");
  }

  function words(call) {
    return {
      zh: "请 " + spell(call.ticket) + " 号到 " + call.window + " 号窗口",
      en: "Number " + spell(call.ticket) + ", please go to window " + call.window,
    };
  }

  function speak(text, lang) {
    if (!("speechSynthesis" in window)) return;
    const voices = window.speechSynthesis.getVoices();
    const voice = voices.find(function (v) {
      return v.lang.replace("_", "-").toLowerCase().startsWith(lang);
    });
    if (!voice && voices.length) return; // no voice for the language: silence, not Chinese read as English
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang === "zh" ? "zh-CN" : "en-US";
    if (voice) utterance.voice = voice;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function speakBoth(said) {
    speak(said.zh, "zh");
    speak(said.en, "en");
  }

  // The server's clip; the browser's speech if it cannot be played (no engine on the server: 503, or no sound).
  function play(src, said) {
    const clip = new Audio(src);
    let fellBack = false;
    function fallBack() {
      if (fellBack) return;
      fellBack = true;
      speakBoth(said);
    }
    clip.addEventListener("error", fallBack);
    const started = clip.play();
    if (started) started.catch(fallBack);
  }

  function announce(call, delay) {
    setTimeout(function () {
      const said = words(call);
      document.getElementById("announce").textContent = said.zh + " / " + said.en;
      if (sound === "off") return;
      chime();
      setTimeout(function () {
        if (sound === "server" && call.audio) {
          play(call.audio, said);
        } else {
          speakBoth(said);
        }
      }, 900);
    }, delay);
  }

  function announceNew(calls) {
    const times = calls.map(function (c) {
      return Date.parse(c.at);
    });
    const newest = Math.max.apply(null, times.concat([lastAt || 0]));
    if (lastAt !== null) {
      calls
        .filter(function (c, i) {
          return times[i] > lastAt;
        })
        .reverse() // oldest first
        .forEach(function (c, n) {
          announce(c, n * ANNOUNCE_GAP_MS);
        });
    }
    lastAt = newest;
  }

  soundButton.addEventListener("click", function () {
    sound = MODES[(MODES.indexOf(sound) + 1) % MODES.length];
    localStorage.setItem(SOUND_KEY, sound);
    showSound();
    if (sound !== "off") chime(); // the touch that allows audio, and a check that the speakers work
  });
  showSound();

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function show(state) {
    const calls = state.calls || [];
    announceNew(calls);
    const top = calls[0];
    const key = top ? top.ticket + "@" + top.at : null;
    if (top && key !== lastCall) {
      document.getElementById("now-ticket").textContent = top.ticket;
      document.getElementById("now-window").textContent =
        "到 " + top.window + " 号窗口 · Window " + top.window;
      if (lastCall !== null) {
        body.classList.remove("flash");
        void body.offsetWidth; // restart the animation
        body.classList.add("flash");
      }
      lastCall = key;
    }
    const list = document.getElementById("calls");
    list.replaceChildren(
      ...calls.map(function (c) {
        const li = text("li", "");
        li.append(text("span", c.ticket, "ticket"), text("span", "→ " + c.window + " 号窗口 Window " + c.window, "window"));
        return li;
      })
    );
    const waiting = document.getElementById("waiting");
    waiting.replaceChildren(
      ...(state.waiting || []).map(function (w) {
        return text("li", w.category + " " + w.category_en + ": " + w.count);
      })
    );
  }

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (state) {
        document.getElementById("offline").hidden = true;
        show(state);
      })
      .catch(function () {
        document.getElementById("offline").hidden = false;
      })
      .finally(function () {
        setTimeout(poll, every);
      });
  }

  function tick() {
    document.getElementById("clock").textContent = new Date().toLocaleTimeString("zh-CN", { hour12: false });
  }

  tick();
  setInterval(tick, 1000);
  poll();
})();
