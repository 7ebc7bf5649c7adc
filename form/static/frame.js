/* The call-back form frame's first script. The endpoint serves the frame's page from its own
   origin; this runs in its <head>, before the form's wasm, so that the quick exit works inside
   the frame from the first moment and whether or not the wasm ever arrives.
   It talks to the help panel on the landlord's page only by postMessage, and only with the
   landlord's own origins, which come from the endpoint's page, never from the page outside. */
(function () {
  var d = document, w = window, me = d.currentScript;
  var origins = [], profile = {}, exitUrl = "https://www.bbc.co.uk/weather";
  var app, exit, live, gone = false;
  var lang = new URL(location.href).searchParams.get("lang") || "en";
  try {
    var data = JSON.parse(d.getElementById("safe-contact-form").textContent);
    origins = data.origins;
    profile = data.profile;
    exitUrl = webUrl(profile.exit_url) || exitUrl;
  } catch (e) { /* no page data: the form cannot start, and says so below */ }

  function webUrl(u) {
    try { return /^https?:$/.test(new URL(u).protocol) && u; } catch (e) { /* not a web address */ }
  }

  // To each of the landlord's origins: the browser delivers it only to the one the panel's page
  // is really on, so nothing goes to a page of anyone else's.
  function tell(message) {
    origins.forEach(function (o) { try { parent.postMessage(message, o); } catch (e) { /* not an origin */ } });
  }

  // The panel's loader leaves at once when it hears "exit", blanking the page and holding back
  // its "Leave site?" prompts, and removes this frame as it goes. A page could swallow that
  // message, so a moment later, while the key press or click still counts as the person's own
  // act, a frame still here sends the whole tab to the exit page itself (to the endpoint's exit
  // address for the landlord, which may differ from the snippet's). Without that act the
  // browser refuses, and the message alone does it.
  function leave() {
    if (gone) return;
    gone = true;
    try {
      tell({ safeContact: "exit" });
      setTimeout(function () {
        try { top.location.replace(exitUrl); } catch (e) { /* refused without the person's own act */ }
      }, 150);
    } finally {
      d.documentElement.style.setProperty("display", "none", "important");
      if (app) { app.free(); app = null; }
    }
  }

  // Shift three times within 2 s, or Escape twice within 1 s outside a text box: the same keys
  // as on the page, which cannot see key presses in here.
  var shifts = 0, shiftTimer, lastEsc = 0;
  function say(text) { if (live) live.textContent = text; }
  function lapse() { shifts = 0; clearTimeout(shiftTimer); say(""); }
  w.addEventListener("keydown", function (e) {
    var key = e.key;
    if (key == "Shift" || ((key == "Process" || e.isComposing) && /^Shift(Left|Right)$/.test(e.code))) {
      if (e.repeat) return;
      if (++shifts > 2) { e.preventDefault(); return leave(); }
      if (shifts == 1) shiftTimer = setTimeout(lapse, 2000);
      return say("Shift: press " + (3 - shifts) + " more time" + (shifts == 2 ? "" : "s") + " to exit this page");
    }
    if (shifts) lapse();
    if (key != "Escape") return lastEsc = 0;
    var t = e.target;
    if (t && t.closest && t.closest("textarea,select,[contenteditable],input:not([type=radio]):not([type=checkbox]):not([type=button]):not([type=submit])")) return;
    var now = Date.now();
    if (now - lastEsc < 1000) { e.preventDefault(); leave(); } else lastEsc = now;
  }, true);

  // Only the panel's page, on one of the landlord's origins, may change the language.
  w.addEventListener("message", function (e) {
    var m = e.data;
    if (e.source !== parent || origins.indexOf(e.origin) < 0 || !m || m.safeContact != "language") return;
    // The same language again changes nothing, and a redraw would move focus from the field.
    if (String(m.lang) == lang) return;
    lang = String(m.lang);
    if (app) app.language(lang);
  });

  // Focus sent into the frame from the panel lands on the form's opening words.
  w.addEventListener("focus", function () {
    var start = d.querySelector(".start");
    if (start && (d.activeElement == d.body || !d.activeElement)) start.focus();
  });

  tell({ safeContact: "alive" });

  d.addEventListener("DOMContentLoaded", function () {
    exit = d.createElement("a");
    exit.className = "exit";
    exit.href = exitUrl;
    exit.rel = "noreferrer";
    exit.innerHTML = '<span class="vh">Emergency </span>Exit this page';
    exit.addEventListener("click", function (e) { e.preventDefault(); leave(); });
    live = d.createElement("p");
    live.className = "vh";
    live.setAttribute("aria-live", "polite");
    var main = d.createElement("main");
    main.className = "sc";
    d.body.append(exit, live, main);

    // The frame is as tall as its content, so the panel scrolls and the frame never does.
    new ResizeObserver(function () {
      tell({ safeContact: "height", height: d.body.getBoundingClientRect().height });
    }).observe(d.body);

    // As the page's preload asked for it, so that it is the same fetch. The endpoint sends it
    // no-store, so it stays out of the HTTP cache all the same.
    var wasm = fetch(new URL("safe-contact-form_bg.wasm", me.src));
    wasm.catch(function () {});
    import(new URL("safe-contact-form.js", me.src).href)
      .then(function (m) { return m.default({ module_or_path: wasm }).then(function () { return m; }); })
      .then(function (m) {
        if (gone) return;
        app = m.start(main, JSON.stringify(profile), lang, new URL("../", me.src).href,
          new URL("../callbacks", location.href).href, exit);
        tell({ safeContact: "ready" });
      })
      .catch(function () { tell({ safeContact: "failed" }); });
  });
})();
