/* Safe Contact loader. The landlord's page runs this first and synchronously, so the quick exit
   works from the first moment and whether or not the WebAssembly part ever arrives.
   It stays small and plain on purpose: everything else loads only when it is needed. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.SafeContact) return;
  var base = me.src;
  var opts = me.dataset;
  var exitUrl = webUrl(opts.exitUrl) || "https://www.bbc.co.uk/weather";
  var inline = opts.mode === "inline";
  var gone = false;
  // Both shadow roots are closed: only this closure holds them, so host scripts cannot read
  // the panel or what is typed in it.
  var exitHost, exitRoot, live, host, root, panel, body, title, from, launcher, status, opener;
  // gen counts mounts, so that one still loading when the panel closes gives up.
  var app, view, mounted = false, gen = 0;

  function webUrl(u) {
    try { return /^https?:$/.test(new URL(u).protocol) && u; } catch (e) { return null; }
  }

  function blank() {
    document.documentElement.style.setProperty("display", "none", "important");
  }

  function leave() {
    blank();
    gone = true;
    // Neutral, so the landlord's name is not left in the tab strip while the exit page loads.
    document.title = "New Tab";
    // replace, not assign: Back must not bring this page back.
    location.replace(exitUrl);
    // The navigation has started; now drop the widget and everything typed into it.
    unmount();
    if (exitHost) exitHost.remove();
    if (host) host.remove();
  }

  // Registered before any host script can register its own, so once the exit starts no
  // "Leave site?" prompt can stall or cancel it.
  addEventListener("beforeunload", function (e) { if (gone) e.stopImmediatePropagation(); }, true);

  // A page restored from the back/forward cache keeps its blank state and leaves again.
  addEventListener("pageshow", function () { if (gone) { blank(); location.replace(exitUrl); } });

  // Window capture listeners run before any host listener, so a host script that stops or
  // cancels these events cannot turn the exit into a plain link or swallow the tap.
  function onExit(e) {
    return exitHost && e.composedPath().indexOf(exitHost) >= 0;
  }
  ["pointerdown", "mousedown", "touchstart", "touchend", "click"].forEach(function (type) {
    addEventListener(type, function (e) {
      if (!onExit(e)) return;
      e.stopImmediatePropagation();
      if (type === "click") { e.preventDefault(); leave(); }
    }, true);
  });

  function tell(text) { if (live) live.textContent = text; }

  // Shift pressed alone three times within 2 s (GOV.UK's convention), or Escape twice. While an
  // input method is composing, Shift arrives as "Process" and only its code says which key it
  // was. Escape in a text field or a page's own open <dialog> belongs to that control, as in
  // NSW's Quick exit. Our panel is not modal and Escape does not close it, so there Escape
  // twice still leaves.
  var shifts = 0, shiftTimer, lastEsc = 0;
  function lapse() { shifts = 0; clearTimeout(shiftTimer); tell(""); }
  addEventListener("keydown", function (e) {
    if (onExit(e) && (e.key === "Enter" || e.key === " ")) {
      e.stopImmediatePropagation();
      e.preventDefault();
      return leave();
    }
    var now = Date.now();
    if (e.key === "Shift" || ((e.key === "Process" || e.isComposing) && /^Shift(Left|Right)$/.test(e.code))) {
      if (e.repeat) return;
      if (++shifts >= 3) return leave();
      if (shifts === 1) shiftTimer = setTimeout(lapse, 2000);
      return tell("Shift: press " + (3 - shifts) + " more time" + (shifts === 2 ? "" : "s") + " to exit this page");
    }
    if (shifts) lapse();
    if (e.key !== "Escape") { lastEsc = 0; return; }
    var t = e.composedPath()[0];
    // Outside our closed root the event's target is its host; the real one is in there.
    if (t === host) t = root.activeElement;
    if (t && t.closest && t.closest("textarea,select,[contenteditable],dialog[open]")) return;
    if (t && t.tagName === "INPUT" && !/^(radio|checkbox|button|submit|reset|image|range|color|file)$/.test(t.type)) return;
    if (now - lastEsc < 1000) leave(); else lastEsc = now;
  }, true);

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
    // Closing forgets every answer: the next person to open the panel finds an empty form.
    unmount();
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.hidden = false;
    if (opener && opener.focus) opener.focus();
  }

  function mount() {
    if (mounted) return;
    mounted = true;
    var g = gen;
    status.textContent = "Loading more support.";
    Promise.all([loadApp(), profile]).then(function (r) {
      // Drawing the app takes a while on a slow phone: let the fallback's 999 advice and
      // helpline reach the screen first, even when the app was already here.
      requestAnimationFrame(function () {
        setTimeout(function () { if (g === gen) view = r[0].mount(body, r[1], opts.endpoint || null); });
      });
    }, function () {
      if (g !== gen) return;
      mounted = false;
      status.textContent = "The rest did not load. The numbers above still work.";
    });
  }

  function unmount() {
    gen++;
    mounted = false;
    if (view) {
      try { view.unmount(); } catch (e) { /* the app failed: there is nothing of it to drop */ }
      view = null;
    }
    if (body) { body.innerHTML = FALLBACK; status = body.querySelector(".status"); }
  }

  // The host elements sit outside their shadow roots: guard them against the page's own rules.
  var GUARD = "display:block!important;visibility:visible!important;opacity:1!important;" +
    "transform:none!important;filter:none!important;contain:none!important;";
  // Session-replay and analytics tools skip elements carrying these (Hotjar, Clarity, rrweb,
  // PostHog, FullStory), so their recordings never hold the widget or what is typed in it.
  function masked(el) {
    el.setAttribute("data-hj-suppress", "");
    el.setAttribute("data-clarity-mask", "true");
    el.className = "rr-block ph-no-capture fs-exclude";
    return el;
  }

  // One stylesheet for both roots: the loader is on every page, so every byte counts.
  var CSS =
    ":host{all:initial}*{box-sizing:border-box}" +
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}" +
    ".exit,.launcher,.close{display:inline-flex;align-items:center;min-width:44px;min-height:44px;padding:.5rem 1rem;font:700 1rem/1.25 system-ui,sans-serif;border:2px solid #fff;border-radius:4px;cursor:pointer}" +
    ".exit,.launcher{color:#fff;box-shadow:0 2px 6px #0006}.exit{background:#a8281a;text-decoration:none}" +
    ".launcher{position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646;background:#1d4f6e}" +
    ".close{background:#f3f2f1;color:#0b0c0c;border-color:#0b0c0c}" +
    ".exit:focus,.launcher:focus,.close:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}" +
    ".panel{font:1rem/1.5 system-ui,sans-serif;color:#0b0c0c;background:#fff}" +
    // The exit stays fixed at the top right. The floating panel's own top bar sits under it and
    // only the part below scrolls, so no text or link ever passes beneath the exit.
    ".float{position:fixed;inset:0 0 0 auto;z-index:2147483645;width:min(30rem,100vw);display:flex;flex-direction:column;border-left:1px solid #b1b4b6;box-shadow:-2px 0 12px #0003}" +
    ".bar{flex:none;display:flex;align-items:center;min-height:4rem;padding:.5rem 1rem;border-bottom:1px solid #b1b4b6}" +
    ".float .scroll{flex:1;overflow-y:auto;padding:1rem 1rem 2rem}" +
    "h2{margin:0 0 .25rem;font-size:1.5rem;line-height:1.25}h2:focus{outline:3px solid #fd0}" +
    ".from{margin:0 0 1rem;color:#484949}" +
    ".fallback h3{font-size:1.2rem;margin:1rem 0 .25rem}a{color:#1d4f6e}.body a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}" +
    "[hidden]{display:none!important}@media print{:host{display:none}}";

  var FALLBACK =
    '<div class="fallback"><h3>If you are in danger now</h3>' +
    '<p>Call <a href="tel:999">999</a> and ask for the police. If you cannot speak, stay on the line and listen: from a mobile you may be asked to press 55.</p>' +
    '<h3>Talk to someone</h3>' +
    '<p>National Domestic Abuse Helpline: <a href="tel:08082000247">0808 2000 247</a>. It is free and open 24 hours a day.</p>' +
    '<p class="status" role="status"></p></div>';

  // The exit has a host of its own, first in the page's keyboard order and shown as soon as
  // <body> exists. As a popover it sits in the browser's top layer, above any banner or
  // overlay the page draws, whatever its z-index.
  function buildExit() {
    exitHost = masked(document.createElement("div"));
    exitHost.setAttribute("data-safe-contact-exit", "");
    exitHost.style.cssText = GUARD + "position:fixed!important;inset:.5rem .5rem auto auto!important;" +
      "margin:0!important;padding:0!important;border:0!important;background:none!important;overflow:visible!important";
    exitRoot = exitHost.attachShadow({ mode: "closed" });
    exitRoot.innerHTML = "<style>" + CSS + "</style>" +
      '<a class="exit" rel="noreferrer"><span class="vh">Emergency </span>Exit this page</a>' +
      '<p class="vh" aria-live="polite"></p>';
    exitRoot.querySelector(".exit").href = exitUrl;
    live = exitRoot.querySelector("p");
    document.body.prepend(exitHost);
    if (exitHost.showPopover) { exitHost.popover = "manual"; exitHost.showPopover(); }
  }

  function build() {
    var target = inline && document.querySelector(opts.target);
    // A missing target still gets a working widget, as a launcher.
    inline = !!target;
    host = masked(document.createElement("div"));
    host.setAttribute("data-safe-contact", "");
    host.style.cssText = GUARD;
    root = host.attachShadow({ mode: "closed" });
    root.innerHTML = "<style>" + CSS + "</style>" +
      (inline ? "" : '<button class="launcher" type="button" aria-expanded="false" aria-controls="safe-contact-panel" hidden></button>') +
      (inline ? '<div id="safe-contact-panel" class="panel">'
        : '<div id="safe-contact-panel" class="panel float" role="dialog" aria-labelledby="safe-contact-title" hidden>' +
          '<div class="bar"><button class="close" type="button">Close</button></div>') +
      '<div class="scroll"><div class="head"><h2 id="safe-contact-title" tabindex="-1">' + label + '</h2><p class="from" hidden></p></div>' +
      '<div class="body"></div></div></div>';
    panel = root.querySelector(".panel");
    body = root.querySelector(".body");
    title = root.querySelector("h2");
    from = root.querySelector(".from");
    launcher = root.querySelector(".launcher");
    unmount();
    if (launcher) {
      launcher.addEventListener("click", function () { panel.hidden ? open(launcher) : close(); });
      root.querySelector(".close").addEventListener("click", close);
    }
    profile.then(function (text) {
      var p = null;
      try { p = text && JSON.parse(text); } catch (e) { /* the app explains a broken profile */ }
      var url = p && !opts.exitUrl && webUrl(p.exit_url);
      if (url) { exitUrl = url; exitRoot.querySelector(".exit").href = url; }
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
    if (t) { e.preventDefault(); inline ? title && title.focus() : open(t); }
  });

  // Show the buttons as soon as <body> exists, without waiting for the rest of the page.
  function whenBody(f) {
    if (document.body) return f();
    new MutationObserver(function (_, o) {
      if (document.body) { o.disconnect(); f(); }
    }).observe(document.documentElement, { childList: true });
  }
  whenBody(function () {
    buildExit();
    // An inline panel needs its target, which may come later in the page.
    if (inline && document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
    else build();
  });

  // Fetch the app while the browser is idle, so the panel opens at once when asked.
  if (!inline) (window.requestIdleCallback || setTimeout)(function () { loadApp().catch(function () {}); });
})();
