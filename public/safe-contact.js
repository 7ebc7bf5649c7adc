/* Safe Contact loader. The landlord's page runs this first and synchronously, so the quick exit
   works from the first moment and whether or not the WebAssembly part ever arrives.
   It stays small and plain on purpose: everything else loads only when it is needed. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.SafeContact) return;
  var base = me.src;
  var opts = me.dataset;
  // Kept in step with the callback form's draft key: exit must wipe whatever that form saved.
  var DRAFT_KEY = "safe-contact";
  var exitUrl = opts.exitUrl || "https://www.bbc.co.uk/weather";
  var inline = opts.mode === "inline";
  var gone = false;

  function blank() {
    document.documentElement.style.setProperty("display", "none", "important");
  }

  function wipeDraft() {
    try { sessionStorage.removeItem(DRAFT_KEY); } catch (e) { /* storage blocked: nothing was saved */ }
  }

  function leave() {
    blank();
    gone = true;
    if (host) host.remove();
    wipeDraft();
    // replace, not assign: Back must not bring this page back.
    location.replace(exitUrl);
  }

  // A page restored from the back/forward cache keeps its blank state and leaves again.
  addEventListener("pageshow", function () { if (gone) { blank(); location.replace(exitUrl); } });

  // Shift pressed alone three times (GOV.UK's convention), or Escape twice. Escape in a text
  // field or a page's own open <dialog> belongs to that control, as in NSW's Quick exit. Our
  // panel is not modal and Escape does not close it, so there Escape twice still leaves.
  var shifts = [], lastEsc = 0;
  addEventListener("keydown", function (e) {
    var now = Date.now();
    if (e.key === "Shift") {
      if (e.repeat) return;
      shifts = shifts.filter(function (t) { return now - t < 2000; });
      shifts.push(now);
      if (shifts.length >= 3) leave();
      return;
    }
    shifts = [];
    if (e.key !== "Escape") { lastEsc = 0; return; }
    var t = e.composedPath ? e.composedPath()[0] : e.target;
    if (t && t.closest && t.closest("textarea,select,[contenteditable],dialog[open]")) return;
    if (t && t.tagName === "INPUT" && !/^(radio|checkbox|button|submit|reset|image|range|color|file)$/.test(t.type)) return;
    if (now - lastEsc < 1000) leave(); else lastEsc = now;
  }, true);

  var host, root, panel, body, title, from, launcher, status, opener, mounted, app;
  var label = "Domestic abuse support";
  var profile = fetchProfile();

  function fetchProfile() {
    if (!opts.profile) return Promise.resolve(null);
    var url = new URL("profiles/" + encodeURIComponent(opts.profile) + ".json", base);
    return fetch(url, { credentials: "omit", referrerPolicy: "no-referrer" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .catch(function () { return null; });
  }

  function loadApp() {
    return app || (app = import(new URL("safe-contact-widget.js", base).href)
      .then(function (m) { return m.default().then(function () { return m; }); })
      .catch(function (e) { app = null; throw e; }));
  }

  function open(from) {
    if (!panel) return;
    opener = from || launcher;
    panel.hidden = false;
    // The open panel has its own Close button; the launcher would only cover its last lines.
    if (launcher) { launcher.setAttribute("aria-expanded", "true"); launcher.hidden = true; }
    title.focus();
    mount();
  }

  function close() {
    if (!panel || inline) return;
    // Closing ends the draft's life in storage; the answers stay in the open page's memory.
    wipeDraft();
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.hidden = false;
    if (opener && opener.focus) opener.focus();
  }

  function mount() {
    if (mounted) return;
    mounted = true;
    status.textContent = "Loading more support.";
    Promise.all([loadApp(), profile]).then(function (r) {
      r[0].mount(body, r[1], opts.endpoint || null);
    }, function () {
      mounted = false;
      status.textContent = "The rest of this support did not load. The numbers above still work. You can try again later.";
    });
  }

  var CSS =
    ":host{all:initial}" +
    "*{box-sizing:border-box}" +
    ".exit{position:fixed;top:.5rem;right:.5rem;z-index:2147483647;display:inline-flex;align-items:center;min-width:44px;min-height:44px;padding:.5rem 1rem;background:#a8281a;color:#fff;font:700 1rem/1.25 system-ui,sans-serif;text-decoration:none;border:2px solid #fff;border-radius:4px;box-shadow:0 2px 6px rgba(0,0,0,.3)}" +
    ".exit:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}" +
    ".vh{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    ".launcher{position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646;min-height:44px;padding:.6rem 1rem;background:#1d4f6e;color:#fff;font:600 1rem/1.25 system-ui,sans-serif;border:2px solid #fff;border-radius:4px;cursor:pointer;box-shadow:0 2px 6px rgba(0,0,0,.3)}" +
    ".launcher:focus,.close:focus{outline:3px solid #fd0;box-shadow:0 0 0 6px #0b0c0c}" +
    ".panel{font:1rem/1.5 system-ui,sans-serif;color:#0b0c0c;background:#fff}" +
    ".float{position:fixed;top:0;right:0;bottom:0;z-index:2147483645;width:min(30rem,100vw);overflow-y:auto;padding:4rem 1rem 2rem;border-left:1px solid #b1b4b6;box-shadow:-2px 0 12px rgba(0,0,0,.2)}" +
    ".head{display:flex;align-items:flex-start;justify-content:space-between;gap:.5rem}" +
    "h2{margin:0 0 .25rem;font-size:1.5rem;line-height:1.25}h2:focus{outline:3px solid #fd0}" +
    ".from{margin:0 0 1rem;color:#484949}" +
    ".close{min-width:44px;min-height:44px;padding:.5rem .75rem;background:#f3f2f1;color:#0b0c0c;font:600 1rem system-ui,sans-serif;border:2px solid #0b0c0c;border-radius:4px;cursor:pointer}" +
    ".fallback h3{font-size:1.2rem;margin:1rem 0 .25rem}a{color:#1d4f6e}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}" +
    "[hidden]{display:none!important}@media print{:host{display:none}}";

  var FALLBACK =
    '<div class="fallback"><h3>If you are in danger now</h3>' +
    '<p>Call <a href="tel:999">999</a> and ask for the police. If you cannot speak, stay on the line and listen: from a mobile you may be asked to press 55.</p>' +
    '<h3>Talk to someone</h3>' +
    '<p>National Domestic Abuse Helpline: <a href="tel:08082000247">0808 2000 247</a>. It is free and open 24 hours a day.</p>' +
    '<p class="status" role="status"></p></div>';

  function build() {
    var target = inline && document.querySelector(opts.target);
    // A missing target still gets a working widget, as a launcher.
    inline = !!target;
    host = document.createElement("div");
    host.setAttribute("data-safe-contact", "");
    // The host element itself is outside the shadow root: guard it against the page's own rules.
    host.style.cssText = "display:block!important;visibility:visible!important;opacity:1!important;" +
      "transform:none!important;filter:none!important;contain:none!important";
    root = host.attachShadow({ mode: "open" });
    root.innerHTML = "<style>" + CSS + "</style>" +
      '<a class="exit" rel="noreferrer"><span class="vh">Emergency </span>Exit this page</a>' +
      (inline ? "" : '<button class="launcher" type="button" aria-expanded="false" aria-controls="safe-contact-panel" hidden></button>') +
      (inline ? '<div id="safe-contact-panel" class="panel">'
        : '<div id="safe-contact-panel" class="panel float" role="dialog" aria-labelledby="safe-contact-title" hidden>') +
      '<div class="head"><div><h2 id="safe-contact-title" tabindex="-1">' + label + '</h2><p class="from" hidden></p></div>' +
      (inline ? "" : '<button class="close" type="button">Close</button>') + "</div>" +
      '<div class="body">' + FALLBACK + "</div></div>";
    var exit = root.querySelector(".exit");
    exit.href = exitUrl;
    exit.addEventListener("click", function (e) { e.preventDefault(); leave(); });
    panel = root.querySelector(".panel");
    body = root.querySelector(".body");
    title = root.querySelector("h2");
    from = root.querySelector(".from");
    status = root.querySelector(".status");
    launcher = root.querySelector(".launcher");
    if (launcher) {
      launcher.addEventListener("click", function () { panel.hidden ? open(launcher) : close(); });
      root.querySelector(".close").addEventListener("click", close);
    }
    profile.then(function (text) {
      var p = null;
      try { p = text && JSON.parse(text); } catch (e) { /* the app explains a broken profile */ }
      if (p && p.exit_url && !opts.exitUrl) { exitUrl = p.exit_url; exit.href = exitUrl; }
      if (p && p.name) { from.textContent = "From " + p.name; from.hidden = false; }
      if (launcher) {
        launcher.textContent = (p && p.launcher_label) || label;
        launcher.hidden = !panel.hidden;
      }
    });
    (target || document.body).appendChild(host);
    if (inline) mount();
  }

  window.SafeContact = { open: function () { open(document.activeElement); }, close: close, exit: leave };

  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-safe-contact-open]");
    if (t) { e.preventDefault(); inline ? title.focus() : open(t); }
  });

  // Show the buttons as soon as <body> exists, without waiting for the rest of the page.
  function whenBody(f) {
    if (document.body) return f();
    new MutationObserver(function (_, o) {
      if (document.body) { o.disconnect(); f(); }
    }).observe(document.documentElement, { childList: true });
  }
  if (inline) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
    else build();
  } else {
    whenBody(build);
  }

  // Fetch the app while the browser is idle, so the panel opens at once when asked.
  if (!inline) (window.requestIdleCallback || setTimeout)(function () { loadApp().catch(function () {}); });
})();
