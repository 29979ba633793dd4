// Search as you type: guides suggested under a search box as the visitor types (the ARIA 1.2 combobox with a
// listbox). Progressive enhancement: the form still submits to the search page with or without this script.
// Served from our origin and fetching only our origin (the CSP's script-src and connect-src 'self').
(function () {
  "use strict";
  var DELAY = 150;
  var counter = 0;

  function setUp(form) {
    var input = form.querySelector('input[type="search"]');
    var url = form.getAttribute("data-suggest-url");
    if (!input || !url || !window.fetch) return;
    var id = input.id || "q" + ++counter;
    var wrap = document.createElement("div");
    wrap.className = "suggest";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.id = id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function go(index) {
      if (items[index]) window.location.assign(items[index].url);
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "suggestion-name";
        name.textContent = item.name;
        var code = document.createElement("span");
        code.className = "suggestion-code";
        code.textContent = item.code;
        option.appendChild(name);
        option.appendChild(code);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
        option.addEventListener("click", function () { go(i); });
        list.appendChild(option);
      });
      active = -1;
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      var label = form.getAttribute(found.length ? "data-suggest-count" : "data-suggest-none") || "";
      status.textContent = label.replace("{n}", String(found.length));
    }

    function fetchNow() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (pending) pending.abort();
      if (!q) { show([]); status.textContent = ""; return; }
      pending = window.AbortController ? new AbortController() : null;
      window.fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending ? pending.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : { items: [] };
      }).then(function (body) {
        if (input.value.trim() === q) show(body.items || []);
      }).catch(function () { /* aborted or offline: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchNow, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (items.length) highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open && items.length) highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); go(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
    input.addEventListener("focus", function () {
      if (items.length && input.value.trim() === lastQuery) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    });
  }

  var forms = document.querySelectorAll("form[data-suggest-url]");
  for (var i = 0; i < forms.length; i++) setUp(forms[i]);
})();
