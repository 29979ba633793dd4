// The hall display: polls state.json from our own origin and shows each new call (a recall too) in large type.
(function () {
  "use strict";
  const body = document.body;
  const url = body.dataset.stateUrl;
  const every = parseInt(body.dataset.pollMs, 10) || 1000;
  let lastCall = null;

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function show(state) {
    const calls = state.calls || [];
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
