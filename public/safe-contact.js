/* Safe Contact loader. The landlord's page runs this first and synchronously, so the quick exit
   works from the first moment and whether or not the WebAssembly part ever arrives.
   It stays small and plain on purpose: it runs on every page of the landlord's site, and
   everything else (profile, app) loads only once someone shows intent. */
(function () {
  // Short local names for what terser cannot rename (globals and DOM method names), which
  // would otherwise be spelt out in full at every use.
  var d = document, w = window, me = d.currentScript;
  if (!me || w.SafeContact) return;
  var base = me.src;
  var opts = me.dataset;
  var exitUrl = webUrl(opts.exitUrl) || "https://www.bbc.co.uk/weather";
  // From the snippet, not the profile, so the launcher shows at once with nothing fetched.
  var label = opts.label || "Domestic abuse support";
  var inline = opts.mode == "inline";
  var gone = false;
  // Both shadow roots are closed: only this closure holds them, so host scripts cannot read
  // the panel or what is typed in it.
  // live starts as a stand-in, so Shift can be counted before the exit's live region exists.
  var exitHost, exitLink, live = {}, host, root, panel, body, title, from, launcher, status, opener;
  // gen counts mounts, so that one still loading when the panel closes gives up.
  var app, profile, view, mounted = false, gen = 0;

  // Without a target, on the window and capturing: the loader's listeners there are the first
  // the page registers, so they run before any of the host's.
  function on(type, f, target) { (target || w).addEventListener(type, f, !target); }
  function q(r, sel) { return r.querySelector(sel); }

  function webUrl(u) {
    try { return /^https?:$/.test(new URL(u).protocol) && u; } catch (e) { /* not a web address */ }
  }

  function leave() {
    d.documentElement.style.setProperty("display", "none", "important");
    gone = true;
    // Neutral, so the landlord's name is not left in the tab strip while the exit page loads.
    d.title = "New Tab";
    // replace, not assign: Back must not bring this page back.
    location.replace(exitUrl);
    // The navigation has started; now drop the widget and everything typed into it.
    unmount();
    if (exitHost) exitHost.remove();
    if (host) host.remove();
  }

  // Registered before any host script can register its own, so once the exit starts no
  // "Leave site?" prompt can stall or cancel it.
  on("beforeunload", function (e) { if (gone) e.stopImmediatePropagation(); });

  // A page restored from the back/forward cache is blanked again and leaves again.
  on("pageshow", function () { if (gone) leave(); });

  function onExit(e) {
    return e.composedPath().includes(exitHost);
  }
  // Capturing on the window, so a host script that stops or cancels these events cannot turn
  // the exit into a plain link or swallow the tap, nor keep the panel from opening.
  // Anything else is intent when it comes from the launcher (out here its events come from its
  // host; the closed panel is hidden, so only the launcher can send them) or from the page's
  // own [data-safe-contact-open] elements: a pointer over, focus, a touch. Then the profile and
  // the app start on their way, so they are here or nearly by the click. Before the panel
  // exists (an inline page still loading) there is nothing to warm or open.
  ["pointerdown", "mousedown", "touchstart", "touchend", "click", "mouseover", "focusin"].forEach(function (type) {
    on(type, function (e) {
      if (onExit(e)) {
        e.stopImmediatePropagation();
        if (type == "click") { e.preventDefault(); leave(); }
        return;
      }
      var t = e.target, mine = t.closest && t.closest("[data-safe-contact-open]");
      if (panel && (t == host || mine)) {
        // Nothing waits on this: a failed app is fetched again when the panel opens.
        warm().catch(function () {});
        if (mine && type == "click") { e.preventDefault(); open(mine); }
      }
    });
  });

  function tell(text) { live.textContent = text; }

  // Shift pressed alone three times within 2 s (GOV.UK's convention), or Escape twice. While an
  // input method is composing, Shift arrives as "Process" and only its code says which key it
  // was. Escape in a text field or a page's own open <dialog> belongs to that control, as in
  // NSW's Quick exit. Our panel is not modal and Escape does not close it, so there Escape
  // twice still leaves.
  var shifts = 0, shiftTimer, lastEsc = 0;
  function lapse() { shifts = 0; clearTimeout(shiftTimer); tell(""); }
  on("keydown", function (e) {
    var key = e.key;
    if (onExit(e) && (key == "Enter" || key == " ")) {
      e.stopImmediatePropagation();
      e.preventDefault();
      return leave();
    }
    var now = Date.now();
    if (key == "Shift" || ((key == "Process" || e.isComposing) && /^Shift(Left|Right)$/.test(e.code))) {
      if (e.repeat) return;
      if (++shifts > 2) return leave();
      if (shifts == 1) shiftTimer = setTimeout(lapse, 2000);
      return tell("Shift: press " + (3 - shifts) + " more time" + (shifts == 2 ? "" : "s") + " to exit this page");
    }
    if (shifts) lapse();
    if (key != "Escape") return lastEsc = 0;
    var t = e.composedPath()[0];
    // Outside our closed root the event's target is its host; the real one is in there.
    if (t == host) t = root.activeElement;
    if (t && t.closest && t.closest("textarea,select,[contenteditable],dialog[open],input:not([type=radio]):not([type=checkbox]):not([type=button]):not([type=submit]):not([type=reset]):not([type=image]):not([type=range]):not([type=color]):not([type=file])")) return;
    if (now - lastEsc < 1000) leave(); else lastEsc = now;
  });

  // Starts fetching the profile and the app, once someone shows intent. The profile is fetched
  // once per page view and kept for every later open, after Close too. What the closed widget
  // needs from it (the exit address, the landlord's name) applies when it arrives.
  function warm() {
    if (!profile) {
      // data-profile is required; without it the request fails like any missing profile.
      profile = fetch(new URL("profiles/" + encodeURIComponent(opts.profile) + ".json", base), { credentials: "omit", referrerPolicy: "no-referrer" })
        .then(function (r) { return r.ok ? r.text() : null; }, function () { return null; });
      profile.then(function (text) {
        try {
          var p = JSON.parse(text);
          // The snippet's exit address wins over the profile's.
          var url = !opts.exitUrl && webUrl(p.exit_url);
          if (url) exitLink.href = exitUrl = url;
          if (p.name) { from.textContent = "From " + p.name; from.hidden = false; }
        } catch (e) { /* no profile, or a broken one: the app explains */ }
      });
    }
    return Promise.all([loadApp(), profile]);
  }

  function loadApp() {
    if (app) return app;
    // The wasm is fetched beside the glue, not after it: a round trip less on a slow network.
    var wasm = fetch(new URL("safe-contact-widget_bg.wasm", base));
    // Handled here too, so a failure of both is one error, not an unhandled one as well.
    wasm.catch(function () {});
    return app = import(new URL("safe-contact-widget.js", base).href)
      .then(function (m) { return m.default({ module_or_path: wasm }).then(function () { return m; }); })
      .catch(function (e) { app = null; throw e; });
  }

  // The open panel has its own Close button; the launcher would only cover its last lines.
  function show(open) {
    panel.hidden = !open;
    if (launcher) { launcher.hidden = open; launcher.setAttribute("aria-expanded", open); }
  }

  function open(from) {
    if (!panel) return;
    opener = from || launcher;
    show(true);
    title.focus();
    mount();
  }

  function close() {
    if (!launcher) return;
    // Closing forgets every answer: the next person to open the panel finds an empty form.
    unmount();
    show(false);
    if (opener && opener.focus) opener.focus();
  }

  function mount() {
    if (mounted) return;
    mounted = true;
    var g = gen;
    status.textContent = "Loading more support.";
    warm().then(function (r) {
      // Drawing the app takes a while on a slow phone: let the fallback's 999 advice and
      // helpline reach the screen first, even when the app was already here.
      requestAnimationFrame(function () {
        setTimeout(function () { if (g == gen) view = r[0].mount(body, r[1], opts.endpoint, base, exitLink); });
      });
    }, function () {
      if (g != gen) return;
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
    if (body) { body.innerHTML = FALLBACK; status = q(body, ".status"); }
  }

  // One stylesheet for both roots: the loader is on every page, so every byte counts.
  // One stylesheet for both roots: the loader is on every page, so every byte counts.
  var CSS =
    ":host{all:initial}*{box-sizing:border-box}" +
    // Out of sight but read: clipped to nothing and out of the flow.
    ".vh{position:absolute;clip-path:inset(50%);white-space:nowrap}" +
    // Each border takes its button's text colour.
    ".exit,.launcher,.close{display:inline-flex;align-items:center;min-height:44px;padding:.5rem 1rem;font:700 1rem/1.25 system-ui,sans-serif;color:#fff;background:#1d4f6e;border:2px solid;border-radius:4px;text-decoration:none}" +
    ".exit{background:#a8281a}.launcher{position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646}.close{background:#f3f2f1;color:#0b0c0c}" +
    ":focus{outline:3px solid #fd0}:is(.exit,.launcher,.close):focus{box-shadow:0 0 0 6px #0b0c0c}.body a:focus{background:#fd0;color:#0b0c0c}" +
    ".panel{font:1rem/1.5 system-ui,sans-serif;color:#0b0c0c;background:#fff}" +
    // The exit stays fixed at the top right. The floating panel's own top bar sits under it and
    // only the part below scrolls, so no text or link ever passes beneath the exit.
    ".float{position:fixed;inset:0 0 0 auto;z-index:2147483645;width:min(30rem,100vw);display:flex;flex-direction:column;border-left:1px solid #b1b4b6}" +
    ".bar{display:flex;align-items:center;min-height:4rem;padding:.5rem 1rem;border-bottom:1px solid #b1b4b6}" +
    ".float .scroll{flex:1;overflow-y:auto;padding:1rem 1rem 2rem}" +
    "h2{margin:0;font-size:1.5rem}.from{margin-top:0;color:#484949}a{color:#1d4f6e}" +
    // Not on paper: a printout would outlast the page.
    "[hidden]{display:none!important}@media print{:host{display:none!important}}";

  var FALLBACK =
    '<div class="fallback"><h3>If you are in danger now</h3>' +
    '<p>Call <a href="tel:999">999</a> and ask for the police. If you cannot speak, stay on the line and listen: from a mobile you may be asked to press 55.</p>' +
    '<h3>Talk to someone</h3>' +
    '<p>National Domestic Abuse Helpline: <a href="tel:08082000247">0808 2000 247</a>. It is free and open 24 hours a day.</p>' +
    '<p class="status" role="status"></p></div>';

  // A host element for one closed shadow root holding `html`. The host sits outside its root,
  // so it is guarded against the page's own rules; the guard goes in by CSSOM, which a page's
  // style-src policy does not block. Session-replay and analytics tools skip elements carrying
  // these attributes and classes (Hotjar, Clarity, rrweb, PostHog, FullStory), so their
  // recordings never hold the widget or what is typed in it.
  function shadow(name, style, html) {
    var t = d.createElement("div");
    t.innerHTML = "<div " + name + ' data-hj-suppress data-clarity-mask="true" class="rr-block ph-no-capture fs-exclude">';
    t = t.firstChild;
    t.style.cssText = "display:block!important;visibility:visible!important;opacity:1!important;" +
      "transform:none!important;filter:none!important;contain:none!important;" + style;
    var r = t.attachShadow({ mode: "closed" });
    r.innerHTML = "<style>" + CSS + "</style>" + html;
    return r;
  }

  // The exit has a host of its own, first in the page's keyboard order and shown as soon as
  // <body> exists. As a popover it sits in the browser's top layer, above any banner or
  // overlay the page draws, whatever its z-index.
  function buildExit() {
    var r = shadow("data-safe-contact-exit",
      "position:fixed!important;inset:.5rem .5rem auto auto!important;margin:0!important;padding:0!important;" +
      "border:0!important;background:none!important;overflow:visible!important",
      '<a class="exit" rel="noreferrer"><span class="vh">Emergency </span>Exit this page</a>' +
      '<p class="vh" aria-live="polite"></p>');
    exitHost = r.host;
    exitLink = q(r, "a");
    exitLink.href = exitUrl;
    live = q(r, "p");
    d.body.prepend(exitHost);
    if (exitHost.showPopover) { exitHost.popover = "manual"; exitHost.showPopover(); }
  }

  function build() {
    var target = inline && q(d, opts.target);
    // A missing target still gets a working widget, as a launcher.
    inline = !!target;
    root = shadow("data-safe-contact", "",
      (inline ? '<div id="safe-contact-panel" class="panel">'
        : '<button class="launcher" type="button" aria-expanded="false" aria-controls="safe-contact-panel"></button>' +
          '<div id="safe-contact-panel" class="panel float" role="dialog" aria-labelledby="safe-contact-title" hidden>' +
          '<div class="bar"><button class="close" type="button">Close</button></div>') +
      '<div class="scroll"><h2 id="safe-contact-title" tabindex="-1"></h2><p class="from" hidden></p>' +
      '<div class="body"></div></div></div>');
    host = root.host;
    panel = q(root, ".panel");
    body = q(root, ".body");
    title = q(root, "h2");
    from = q(root, ".from");
    launcher = q(root, ".launcher");
    title.textContent = label;
    unmount();
    if (launcher) {
      launcher.textContent = label;
      on("click", function () { panel.hidden ? open(launcher) : close(); }, launcher);
      on("click", close, q(root, ".close"));
    }
    (target || d.body).appendChild(host);
    if (inline) mount();
  }

  w.SafeContact = { open: function () { open(d.activeElement); }, close: close, exit: leave };

  // Show the buttons as soon as <body> exists, without waiting for the rest of the page.
  function whenBody(f) {
    if (d.body) return f();
    new MutationObserver(function (_, o) {
      if (d.body) { o.disconnect(); f(); }
    }).observe(d.documentElement, { childList: true });
  }
  whenBody(function () {
    buildExit();
    // An inline panel needs its target, which may come later in the page.
    if (inline && d.readyState == "loading") on("DOMContentLoaded", build, d);
    else build();
  });
})();
