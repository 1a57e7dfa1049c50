/* opsuite forms: autosave drafts while typing, one click per submit, and a warning before a
   session ends. Pages work without this file; it only adds safety nets. ES5 on purpose, so
   that old browsers run it too. */
(function () {
  "use strict";
  var body = document.body;
  var csrf = body && body.getAttribute("data-csrf");
  /* The service worker (/sw.js, registered below) keeps the volunteer's shift pages for a
     visit without signal. A signed-out page clears them: a shared phone shows no one's. */
  if (body && !csrf && window.caches) { caches["delete"]("opsuite-pages")["catch"](function () {}); }
  if (!csrf || !window.XMLHttpRequest || !document.querySelectorAll) { return; }
  var SKIP = { "/login": 1, "/logout": 1, "/lang": 1, "/drafts/discard": 1 };
  var FIELDS = "input[type=text],input[type=email],input[type=number],input[type=tel]," +
    "input[type=date],input[type=time],input[type=url],input:not([type]),textarea,select";

  function actionPath(form) {
    var a = document.createElement("a");
    a.href = form.getAttribute("action") || window.location.href;
    return a.pathname.charAt(0) === "/" ? a.pathname : "/" + a.pathname;
  }

  function eligible(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" &&
      form.querySelector("input[name=submission_key]") &&
      !form.hasAttribute("data-no-draft") && !SKIP[actionPath(form)] &&
      form.querySelectorAll(FIELDS).length >= 2;
  }

  var forms = [];
  var all = document.getElementsByTagName("form");
  for (var i = 0; i < all.length; i++) { if (eligible(all[i])) { forms.push(all[i]); } }

  function values() {
    var out = {};
    for (var f = 0; f < forms.length; f++) {
      var els = forms[f].elements;
      for (var e = 0; e < els.length; e++) {
        var el = els[e], name = el.name, type = (el.type || "").toLowerCase();
        if (!name || name === "csrf_token" || name === "submission_key" ||
            type === "password" || type === "file" || type === "submit" || type === "button" ||
            ((type === "checkbox" || type === "radio") && !el.checked)) { continue; }
        var list = out[name] || (out[name] = []);
        if (el.tagName === "SELECT" && el.multiple) {
          for (var o = 0; o < el.options.length; o++) {
            if (el.options[o].selected) { list.push(el.options[o].value); }
          }
        } else {
          list.push(type === "checkbox" ? (el.value || "on") : el.value);
        }
      }
    }
    return out;
  }

  function status(text) {
    for (var f = 0; f < forms.length; f++) {
      var s = forms[f].querySelector(".draft-status");
      if (!s) {
        s = document.createElement("span");
        s.className = "draft-status muted";
        s.setAttribute("aria-live", "polite");
        forms[f].appendChild(s);
      }
      s.textContent = text;
    }
  }

  var timer = null, lastSent = "";
  function save() {
    var payload = JSON.stringify({ form: window.location.pathname, values: values() });
    if (payload === lastSent) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/drafts", true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status === 200) {
        lastSent = payload;
        var now = new Date();
        var mm = now.getMinutes() < 10 ? "0" + now.getMinutes() : now.getMinutes();
        status((body.getAttribute("data-draft-saved") || "Draft saved") + " " + now.getHours() + ":" + mm);
      }
    };
    xhr.send(payload);
  }
  function soon() { if (timer) { clearTimeout(timer); } timer = setTimeout(save, 1500); }

  for (var k = 0; k < forms.length; k++) {
    forms[k].addEventListener("input", soon, false);
    forms[k].addEventListener("change", soon, false);
  }
  window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); save(); } }, false);

  /* One click per submit: a double click or an impatient second click sends nothing twice
     (the server also refuses a repeated submission key). */
  var every = document.getElementsByTagName("form");
  for (var n = 0; n < every.length; n++) {
    every[n].addEventListener("submit", function (event) {
      var form = event.target;
      if (form.getAttribute("data-sending")) { event.preventDefault(); return; }
      form.setAttribute("data-sending", "1");
      if (timer) { clearTimeout(timer); timer = null; }
      setTimeout(function () { form.removeAttribute("data-sending"); }, 10000);
    }, false);
  }

  /* Check-in and check-out on a phone with a bad signal: a form marked data-offline is sent in
     the background; if the network fails, the action waits in this browser with the time it
     really happened and is sent when the phone is back online. Each carries the one-time key of
     the page it came from, so sending it twice does it once. */
  var QUEUE = "opsuite.offline";
  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function keep(items) { try { localStorage.setItem(QUEUE, JSON.stringify(items)); } catch (e) {} }
  function encode(fields) {
    var parts = [];
    for (var name in fields) {
      if (fields.hasOwnProperty(name)) {
        parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(fields[name]));
      }
    }
    return parts.join("&");
  }
  function send(item, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", item.action, true);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    /* Asked for JSON, a refusal comes back as {"error": "why"} to show on this page. */
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onreadystatechange = function () {
      if (xhr.readyState === 4) { done(xhr.status, xhr.responseText); }
    };
    xhr.send(encode(item.fields));
  }
  function notice(text, kind) {
    /* A new element each time, so a screen reader announces the alert again. */
    var old = document.getElementById("offline-notice");
    if (old && old.parentNode) { old.parentNode.removeChild(old); }
    var p = document.createElement("p");
    p.id = "offline-notice";
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.className = "flash flash-" + kind;
    p.textContent = text;
    var main = document.getElementById("main");
    if (main) { main.insertBefore(p, main.firstChild); }
  }
  function refusal(text) {
    try {
      var answer = JSON.parse(text);
      if (answer && typeof answer.error === "string" && answer.error) { return answer.error; }
    } catch (e) {}
    return body.getAttribute("data-error-fallback") || "That did not work. Reload the page and try again.";
  }
  var refused = false;  /* a queued action was refused: its message stays on screen */
  function flush() {
    var items = queue();
    if (!items.length || !navigator.onLine) { return; }
    send(items[0], function (status, text) {
      /* still offline, or the server briefly unavailable (503): try again later */
      if (status === 0 || status >= 500) { return; }
      keep(queue().slice(1));
      if (status >= 400) { refused = true; notice(refusal(text), "error"); }
      if (queue().length) { flush(); } else if (!refused) { window.location.reload(); }
    });
  }
  var offline = document.querySelectorAll("form[data-offline]");
  for (var q = 0; q < offline.length; q++) {
    offline[q].addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target, fields = {};
      for (var e = 0; e < form.elements.length; e++) {
        var el = form.elements[e];
        if (el.name) { fields[el.name] = el.value; }
      }
      fields.happened_at = new Date().toISOString();
      var item = { action: form.getAttribute("action"), fields: fields };
      send(item, function (status, text) {
        if (status === 0) {
          keep(queue().concat([item]));
          notice(body.getAttribute("data-offline-saved") ||
            "No connection: kept on this phone and sent when you are back online.", "info");
          form.removeAttribute("data-sending");
        } else if (status >= 500) {
          keep(queue().concat([item]));  /* kept, and sent again when the server is back */
          notice(refusal(text), "error");
          form.removeAttribute("data-sending");
        } else if (status >= 400) {
          /* Refused (check-in not open yet, say): say why here instead of reloading. */
          notice(refusal(text), "error");
          form.removeAttribute("data-sending");
        } else {
          window.location.reload();
        }
      });
    }, false);
  }
  window.addEventListener("online", flush, false);
  flush();

  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker.register("/sw.js")["catch"](function () {});
  }
  if (!navigator.onLine && body.getAttribute("data-offline-page")) {
    notice(body.getAttribute("data-offline-page"), "info");
  }

  /* Sessions slide while you work; warn five minutes before an idle one would end. */
  var hours = parseFloat(body.getAttribute("data-session-hours") || "0");
  if (hours > 0) {
    setTimeout(function () {
      var p = document.createElement("p");
      p.className = "flash flash-error";
      p.setAttribute("role", "alert");
      p.textContent = body.getAttribute("data-session-warning") ||
        "Your session ends in 5 minutes. Nothing you typed is lost: submit, and log in again if asked.";
      var main = document.getElementById("main");
      if (main) { main.insertBefore(p, main.firstChild); }
    }, Math.max(0, hours * 3600 - 300) * 1000);
  }
}());

/* Calendars: the server marks today when it knows the view holds it; a grid opened on another
   date (?date=...) gets today marked here, in the viewer's zone. Without this, nothing is lost. */
(function () {
  "use strict";
  var grid = document.querySelector && document.querySelector("table.calendar[data-zone]");
  if (!grid || grid.querySelector("[aria-current=date]") || !window.Intl) { return; }
  var today;
  try {
    today = new Intl.DateTimeFormat("en-CA", { timeZone: grid.getAttribute("data-zone"),
      year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch (e) { return; }
  var cell = grid.querySelector("td[data-day='" + today + "']");
  if (!cell) { return; }
  cell.className += " today";
  cell.setAttribute("aria-current", "date");
  var word = document.createElement("span");
  word.className = "today-word";
  word.textContent = grid.getAttribute("data-today-word") || "Today";
  var link = cell.querySelector(".day-link");
  if (link && link.nextSibling) { cell.insertBefore(word, link.nextSibling); } else { cell.appendChild(word); }
  cell.insertBefore(document.createTextNode(" "), word);
}());

/* "Copy" beside a secret shown once (macros/copy.html): shown only where the clipboard works. */
(function () {
  "use strict";
  if (!document.querySelectorAll || !navigator.clipboard || !window.isSecureContext) { return; }
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) {
      var button = event.currentTarget;
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = button.getAttribute("data-copied") || "Copied";
      });
    });
  }
}());

/* A long multiple choice (attendees, assignees) gets a box above it that narrows the list as
   one types; chosen entries always stay in view. Without script the list works as before. */
(function () {
  "use strict";
  if (!document.querySelectorAll) { return; }
  var lists = document.querySelectorAll("select[data-filter]");
  function narrow(select, box) {
    var words = box.value.toLowerCase().replace(/^\s+|\s+$/g, "");
    for (var o = 0; o < select.options.length; o++) {
      var option = select.options[o];
      var fits = !words || option.selected || option.text.toLowerCase().indexOf(words) !== -1;
      option.hidden = !fits;
      option.style.display = fits ? "" : "none";
    }
  }
  for (var i = 0; i < lists.length; i++) {
    var select = lists[i];
    if (select.options.length < 8) { continue; }
    var box = document.createElement("input");
    box.type = "search";
    box.className = "list-filter";
    box.setAttribute("aria-label", select.getAttribute("data-filter"));
    box.placeholder = select.getAttribute("data-filter");
    if (select.id) { box.setAttribute("aria-controls", select.id); }
    if (select.multiple && !select.getAttribute("size")) { select.setAttribute("size", "8"); }
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", (function (s, b) { return function () { narrow(s, b); }; }(select, box)));
  }
}());

// A time-zone list left empty starts at the zone this device is in (a person can change it).
(function () {
  "use strict";
  var zone = "";
  try { zone = window.Intl ? new Intl.DateTimeFormat().resolvedOptions().timeZone || "" : ""; } catch (e) { zone = ""; }
  if (!zone || !document.querySelectorAll) { return; }
  var lists = document.querySelectorAll("select[data-timezone]");
  for (var i = 0; i < lists.length; i++) {
    var select = lists[i];
    if (select.value) { continue; }
    for (var o = 0; o < select.options.length; o++) {
      if (select.options[o].value === zone) { select.selectedIndex = o; break; }
    }
  }
}());

/* "Print" on a report (reports/program.html, shared.html): the browser's print dialog, which
   also saves as PDF. Hidden without script; the browser's own Print does the same. */
(function () {
  "use strict";
  if (!document.querySelectorAll || !window.print) { return; }
  var buttons = document.querySelectorAll("button[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
}());
