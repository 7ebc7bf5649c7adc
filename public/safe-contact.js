/* Safe Contact loader. The landlord's page runs this first and synchronously, so the quick exit
   works from the first moment and whether or not the WebAssembly part ever arrives.
   It stays small and plain on purpose: it runs on every page of the landlord's site, and
   everything else (profile, app) loads only once someone shows intent. */
(function () {
  // Short local names for what terser cannot rename (globals and DOM method names), which
  // would otherwise be spelt out in full at every use.
  var d = document, w = window, me = d.currentScript;
  if (!me || w.SafeContact) return;
  // This loader's version. The app is made for one (src/lib.rs, SNIPPET) and says in the
  // console when a page's copy is older: pasted into a page, this script outlives releases.
  var SNIPPET = 1;

  // The page's own scripts run after this one. They may patch any built-in prototype, or
  // declare a global of the same name, and a patched method sees every object it is called on
  // (a way into the closed roots) and may throw. So every native the loader calls after this
  // first run is taken now, while it is still the browser's own, and called through a
  // Function.prototype.call bound now, which no later patch of call, apply or bind reaches.
  // Nothing below names a global after this first run either. (location, window and document
  // cannot be redefined.) Loading the profile and the app is the exception: it goes through the
  // page's Promise, Response and WebAssembly and through wasm-bindgen's glue, which no loader
  // can guard; a page that breaks those keeps the panel from loading, never the exit, and the
  // fallback's numbers stay on screen.
  var unbind = Function.bind.bind(Function.call);
  // The named methods and getters (setters where the name starts with "=") that instances of C
  // inherit, each as a function taking the instance first.
  function grab(C, names) {
    return names.split(" ").map(function (name) {
      var p = C.prototype, f = name[0] == "=" ? p.__lookupSetter__(name.slice(1)) : p.__lookupGetter__(name) || p[name];
      return f && unbind(f);
    });
  }
  var [listen, query, closest, setAttr, prepend, append, remove, setHTML, text, parent, connected, focus, popUp,
      hide, styleOf, frameWin, frameSrc] = grab(HTMLIFrameElement, "addEventListener querySelector closest " +
      "setAttribute prepend append remove =innerHTML =textContent parentNode isConnected focus showPopover =hidden " +
      "style contentWindow src"),
    [stopAll, prevent, path, target, key, code, repeat] =
      grab(KeyboardEvent, "stopImmediatePropagation preventDefault composedPath target key code repeat"),
    [data, source, origin] = grab(MessageEvent, "data source origin"),
    [html, readyState, setTitle] = grab(Document, "documentElement readyState =title"),
    [urlOrigin] = grab(URL, "origin"),
    [setProp] = grab(CSSStyleDeclaration, "setProperty"),
    later = setTimeout, clear = clearTimeout, frame = requestAnimationFrame, now = Date.now,
    parse = JSON.parse, get = fetch, U = URL, loc = location, nav = w.navigation;

  // The endpoint and the inline target are read now, as the loader runs: the page could change
  // an attribute later to send the call-back form elsewhere or to move the panel out of sight.
  var opts = me.dataset, endpoint = opts.endpoint, targetSel = opts.target;
  // The folder the widget's files are in: beside this script, or for a copy pasted into the
  // page (the inline snippet), where its data-base says. One that does not parse must not keep
  // the exit from being armed: the fetches then fail, and the fallback's numbers stay.
  try { var base = new U(".", new U(me.src || opts.base, loc)) + ""; } catch (e) { /* not a web address */ }
  var exitUrl = webUrl(opts.exitUrl) || "https://www.bbc.co.uk/weather";
  // From the snippet, not the profile, so the launcher shows at once with nothing fetched.
  var label = opts.label || "Domestic abuse support";
  var inline = opts.mode == "inline";
  var profileUrl = base + "profiles/" + encodeURIComponent(opts.profile) + ".json",
    wasmUrl = base + "safe-contact-widget_bg.wasm", glueUrl = base + "safe-contact-widget.js";
  // gone: the exit has started.
  var gone, ours;
  var panel, body, title, from, launcher, status, opener, shown;
  // gen counts mounts, so that one still loading when the panel closes gives up.
  var app, profile, view, mounted, gen = 0;

  // On the window and capturing, from the loader's first run: its listeners are the first the
  // page registers, so they run before any of the host's.
  function on(type, f, t) { listen(t || w, type, f, true); }
  function halt(e) { stopAll(e); prevent(e); }
  // False for what is not an element (the saved closest throws there).
  function within(t, sel) {
    try { return closest(t, sel); } catch (e) { /* not an element */ }
  }

  // A web address that parses, so location.replace cannot throw on it.
  function webUrl(u) {
    try { return /^https?:$/.test(new U(u).protocol) && u; } catch (e) { /* not a web address */ }
  }

  // ours lets the exit's own navigation past the navigate listener below.
  function go() {
    ours = true;
    loc.replace(exitUrl);
    ours = false;
  }

  function leave() {
    gone = true;
    // The navigation comes first, so that nothing after it can keep it from starting.
    try {
      // replace, not assign: Back must not bring this page back.
      go();
    } finally {
      // In the same task, so no frame of the page is drawn after the click. Neutral, so the
      // landlord's name is not left in the tab strip while the exit page loads.
      setProp(styleOf(html(d)), "display", "none", "important");
      setTitle(d, "New Tab");
      // The navigation has started; now drop the widget and everything typed into it.
      unmount();
      remove(exitHost);
      remove(host);
    }
  }

  // First of the page's navigate listeners (capturing runs first at the target): once the exit
  // has started, none of the page's can cancel it, and no navigation of the page's own can take
  // its place. Stopping it or starting another aborts it, so then it starts again.
  // (Without the Navigation API these go on the window, where they never fire.)
  on("navigate", function (e) {
    if (gone) { stopAll(e); if (!ours) prevent(e); }
  }, nav);
  on("navigateerror", function () { if (gone && !ours) go(); }, nav);

  // Registered before any host script can register its own, so once the exit starts no
  // "Leave site?" prompt can stall or cancel it.
  on("beforeunload", function (e) { if (gone) stopAll(e); });

  // A page restored from the back/forward cache is blanked again and leaves again. One left
  // another way is kept by the browser as it was, the open panel and the form's answers with
  // it, for anyone who presses Back: so as the page goes the panel closes and forgets them, as
  // on Close (an inline panel, always open, draws itself afresh when it comes back).
  on("pagehide", function () { gone || (close(), unmount()); });
  on("pageshow", function () { gone ? leave() : shown && mount(); });

  // Capturing on the window, so a host script that stops or cancels these events cannot turn
  // the exit into a plain link or swallow the tap, nor keep the panel from opening. Outside the
  // closed roots an event's target is the widget's host.
  // Anything else is intent when it comes from the launcher (the closed panel is hidden, so
  // only the launcher can send them) or from the page's own [data-safe-contact-open]
  // elements: a pointer over, focus, a touch. Then the profile and the app start on their way,
  // so they are here or nearly by the click. Before the panel exists (an inline page still
  // loading) there is nothing to warm or open.
  "pointerdown mousedown touchstart touchend click mouseover focusin".split(" ").forEach(function (type) {
    on(type, function (e) {
      var t = target(e), asker = within(t, "[data-safe-contact-open]");
      if (t == exitHost) {
        stopAll(e);
        if (type == "click") { prevent(e); leave(); }
        return;
      }
      if (panel && (t == host || asker)) {
        // Nothing waits on this: a failed app is fetched again when the panel opens.
        warm().catch(function () {});
        if (asker && type == "click") { prevent(e); open(asker); }
      }
    });
  });

  // The frame the panel shows the call-back form in is from the endpoint's origin, and tells
  // the loader with a message when someone asks it to exit. Only that frame, in this closed
  // root, and still at that origin, is heard. None of its messages goes on to the page: how
  // tall the form grows, or that it was sent, would tell a page's script what the person did.
  // The panel hears the rest from here. Every other message goes on to the page.
  on("message", function (e) {
    var f = query(wrap, "iframe"), s = source(e);
    if (f && s == frameWin(f) && origin(e) == urlOrigin(new U(frameSrc(f)))) {
      stopAll(e);
      (s = data(e)) && s.safeContact == "exit" ? leave() : view && view.heard(s);
    }
  });

  // Shift pressed alone three times within 2 s (GOV.UK's convention), or Escape twice. While an
  // input method is composing, Shift arrives as "Process" and only its code says which key it
  // was. Escape in a text field or a page's own open <dialog> belongs to that control, as in
  // NSW's Quick exit. Our panel is not modal and Escape does not close it, so there Escape
  // twice still leaves. The key that completes either is stopped like a click on the exit, and
  // so is every key press and release once the exit has started, so no host key handler sees
  // them (one that calls window.stop() would stop the exit).
  var shifts = 0, shiftTimer, lastEsc;
  on("keyup", function (e) { if (gone) halt(e); });
  function lapse() { shifts = 0; clear(shiftTimer); text(live, ""); }
  on("keydown", function (e) {
    var k = key(e), c = code(e), t = now();
    if (gone || target(e) == exitHost && (k == "Enter" || k == " ")) {
      halt(e);
      return gone || leave();
    }
    if (k == "Shift" || k == "Process" && (c == "ShiftLeft" || c == "ShiftRight")) {
      if (repeat(e)) return;
      if (++shifts > 2) { halt(e); return leave(); }
      if (shifts == 1) shiftTimer = later(lapse, 2000);
      return text(live, "Shift: press " + (3 - shifts) + " more time" + (shifts == 2 ? "" : "s") + " to exit this page");
    }
    if (shifts) lapse();
    if (k != "Escape") return lastEsc = 0;
    c = path(e)[0];
    // Outside our closed root the event's target is its host; the real one is in there.
    if (c == host) c = query(wrap, ":focus");
    // :read-write is what takes typing: text-like inputs, text areas and editable content.
    if (within(c, ":read-write,select,dialog[open]")) return;
    if (t - lastEsc < 1000) { halt(e); leave(); } else lastEsc = t;
  });

  // Starts fetching the profile and the app, once someone shows intent. The profile is fetched
  // once per page view and kept for every later open, after Close too. What the closed widget
  // needs from it (the exit address, the landlord's name) applies when it arrives. Neither is
  // kept in the HTTP cache, which would show that someone opened the panel.
  function warm() {
    if (!profile) {
      // data-profile is required; without it the request fails like any missing profile.
      profile = get(profileUrl, { referrerPolicy: "no-referrer", cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : null; }, function () { return null; });
      profile.then(function (json) {
        try {
          var p = parse(json);
          // The snippet's exit address wins over the profile's.
          var url = !opts.exitUrl && webUrl(p.exit_url);
          if (url) setAttr(exitLink, "href", exitUrl = url);
          if (p.name) { text(from, "From " + p.name); hide(from, false); }
        } catch (e) { /* no profile, or a broken one: the app explains */ }
      });
    }
    return Promise.all([loadApp(), profile]);
  }

  function loadApp() {
    if (app) return app;
    // The wasm is fetched beside the glue, not after it: a round trip less on a slow network.
    var wasm = get(wasmUrl, { cache: "no-store" });
    // Handled here too, so a failure of both is one error, not an unhandled one as well.
    wasm.catch(function () {});
    return app = import(glueUrl)
      .then(function (m) { return m.default({ module_or_path: wasm }).then(function () { return m; }); })
      .catch(function (e) { app = null; throw e; });
  }

  // The open panel has its own Close button; the launcher would only cover its last lines.
  function show(open) {
    shown = open;
    hide(panel, !open);
    if (launcher) { hide(launcher, open); setAttr(launcher, "aria-expanded", open); }
  }

  function open(from) {
    if (!panel) return;
    opener = from || launcher;
    show(true);
    focus(title);
    mount();
  }

  function close() {
    if (!launcher) return;
    // Closing forgets every answer: the next person to open the panel finds an empty form.
    unmount();
    show(false);
    try { focus(opener); } catch (e) { /* gone, or not an HTML element */ }
  }

  function mount() {
    if (mounted) return;
    mounted = true;
    var g = gen;
    text(status, "Loading more support.");
    warm().then(function (r) {
      // Drawing the app takes a while on a slow phone: let the fallback's 999 advice and
      // helpline reach the screen first, even when the app was already here.
      frame(function () {
        later(function () { if (g == gen) view = r[0].mount(body, r[1], endpoint, base, exitLink, SNIPPET); });
      });
    }, function () {
      if (g != gen) return;
      mounted = false;
      text(status, "The rest did not load. The numbers above still work.");
    });
  }

  function unmount() {
    gen++;
    mounted = false;
    if (view) {
      try { view.unmount(); } catch (e) { /* the app failed: there is nothing of it to drop */ }
      view = null;
    }
    if (body) { setHTML(body, FALLBACK); status = query(body, ".status"); }
  }

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
    ".float{position:fixed;inset:0 0 0 auto;z-index:2147483646;width:min(30rem,100vw);display:flex;flex-flow:column;border-left:1px solid #b1b4b6}" +
    ".bar{display:flex;align-items:center;min-height:4rem;padding:.5rem 1rem;border-bottom:1px solid #b1b4b6}" +
    ".float .scroll{flex:1;overflow:auto;padding:1rem 1rem 2rem}" +
    "h2{margin:0;font-size:1.5rem}.from{margin:0 0 1em;color:#484949}a{color:#1d4f6e}" +
    // Not on paper: a printout would outlast the page.
    "[hidden]{display:none!important}@media print{:host{display:none!important}}";

  var FALLBACK =
    '<div class="fallback"><h3>If you are in danger now</h3>' +
    '<p>Call <a href="tel:999">999</a> and ask for the police. If you cannot speak, stay on the line and listen: from a mobile you may be asked to press 55.</p>' +
    '<h3>Talk to someone</h3>' +
    '<p>National Domestic Abuse Helpline: <a href="tel:08082000247">0808 2000 247</a>. Free, 24 hours a day.</p>' +
    '<p class="status" role="status"></p></div>';

  // A host element for one closed shadow root holding `html`. Both are made now, before any
  // host script can wrap attachShadow and keep a "closed" root. The host sits outside its root,
  // so it is guarded against the page's own rules; the guard goes in by CSSOM, which a page's
  // style-src policy does not block. Session-replay and analytics tools skip elements carrying
  // these attributes and classes (Hotjar, Clarity, rrweb, PostHog, FullStory), so their
  // recordings never hold the widget or what is typed in it.
  function shadow(name, style, html) {
    var t = d.createElement("div");
    t.innerHTML = "<div " + name + ' data-hj-suppress data-clarity-mask="true" class="rr-block ph-no-capture fs-exclude">';
    t = t.firstChild;
    t.style.cssText = "all:initial!important;display:block!important;" + style;
    var r = t.attachShadow({ mode: "closed" });
    r.innerHTML = "<style>" + CSS + "</style>" + html;
    return r;
  }

  // The exit has a host of its own, first in the page's keyboard order and shown as soon as
  // <body> exists. As a popover it sits in the browser's top layer, above any banner or
  // overlay the page draws, whatever its z-index. The guard's all:initial also undoes the
  // browser's own popover style (margin, border, padding, background).
  var exitRoot = shadow("data-safe-contact-exit popover=manual",
    "position:fixed!important;inset:.5rem .5rem auto auto!important",
    '<a class="exit" rel="noreferrer"><span class="vh">Emergency </span>Exit this page</a>' +
    '<p class="vh" aria-live="polite"></p>');
  var exitHost = exitRoot.host, live = exitRoot.lastChild, exitLink = live.previousSibling;
  exitLink.href = exitUrl;
  // The panel's root is made now too; what goes in it (launcher or inline) waits for <body>.
  var root = shadow("data-safe-contact", "", "<div></div>"), host = root.host, wrap = root.lastChild;

  // Shows the buttons as soon as <body> exists, without waiting for the rest of the page, and
  // keeps them there whatever the page removes or swaps (as Turbo and pjax do with <body>).
  function restore() {
    var b = query(html(d), "body"), to, target;
    if (gone || !b) return;
    // The exit goes first in <body>, or into the page's open modal <dialog>: everything outside
    // that is inert. (Where one modal opens another, the first in the page is taken.) Moving a popover
    // hides it.
    try { to = query(html(d), "dialog:modal"); } catch (e) { /* no :modal */ }
    if (parent(exitHost) != (to = to || b)) {
      prepend(to, exitHost);
      if (popUp) popUp(exitHost);
    }
    // The panel's host goes into the inline target, or at the end of <body> with its launcher.
    // An inline panel needs its target, which may come later in the page.
    if (panel ? connected(host) : inline && readyState(d) == "loading") return;
    target = inline && query(html(d), targetSel);
    // A missing target still gets a working widget, as a launcher. So does an inline panel whose
    // target the page has taken away: help stays one click away, and its answers go, as on
    // Close. If the page's new <body> has the target again, the panel goes into it as it was.
    if (!panel || inline && !target) {
      inline = !!target;
      setHTML(wrap, (inline ? '<div id="safe-contact-panel" class="panel">'
        : '<button class="launcher" type="button" aria-expanded="false" aria-controls="safe-contact-panel"></button>' +
          '<div id="safe-contact-panel" class="panel float" role="dialog" aria-labelledby="safe-contact-title" hidden>' +
          '<div class="bar"><button class="close" type="button">Close</button></div>') +
        '<div class="scroll"><h2 id="safe-contact-title" tabindex="-1"></h2><p class="from" hidden></p>' +
        '<div class="body"></div></div></div>');
      panel = query(wrap, ".panel");
      body = query(wrap, ".body");
      title = query(wrap, "h2");
      from = query(wrap, ".from");
      launcher = query(wrap, ".launcher");
      text(title, label);
      // An inline panel is always open.
      shown = inline;
      // Drops the app drawn in the old markup, if any, and puts the fallback in the new.
      unmount();
      if (launcher) {
        text(launcher, label);
        on("click", function () { shown ? close() : open(launcher); }, launcher);
        on("click", close, query(wrap, ".close"));
      }
    }
    append(target || b, host);
    // An inline panel loads at once, but after the page has first been drawn: the page, and a
    // plain copy of the panel in it, come first.
    if (inline) frame(function () { later(mount); });
  }
  on("DOMContentLoaded", restore, d);
  new MutationObserver(restore).observe(d, { childList: true, subtree: true, attributeFilter: ["open"] });
  restore();

  // The page's own call, so its own activeElement getter is good enough.
  w.SafeContact = { open: function () { open(d.activeElement); }, close: close, exit: leave };
})();
