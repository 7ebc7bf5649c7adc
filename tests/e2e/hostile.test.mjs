// The loader against a hostile host page. Each host script goes into the served page right after
// the loader's tag, where a landlord's own scripts (tag manager, cookie banner, chat) run: after
// the loader, before <body>. (An init script would run before the loader, and no loader can
// defend a page that was patched before it ran.) The widget's roots stay closed as it made
// them, and the exit is used as a person would: a real mouse click where it is drawn, and Shift
// pressed three times. Each case has a control run with a harmless host script, so a failure is
// the hostile script's doing. The WebAssembly app is blocked, so all of this is the loader's work,
// except for the last test, which needs the call-back form's frame from the real endpoint.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  startServer, launch, newPage, blockWasm, hasInlineSnippet,
  DEFAULT_EXIT, DEFAULT_LABEL, DEMO_FORM_ORIGIN, SNIPPET_TAG, EXIT_STUB_TITLE, REPORT_PATH, withDeadline,
} from './harness.mjs';
import { startEndpoint } from './endpoint.mjs';

// Stoke-on-Trent's page and the support page carry the inline snippet (the loader pasted in),
// Livin's the external one (<script src>): the exit must hold with either.
const PAGE = '/demo/stoke-on-trent.html';
const EXTERNAL = '/demo/livin.html';
const SUPPORT = '/demo/support.html';
const snippet = (page) => (hasInlineSnippet(page) ? 'inline snippet' : 'external snippet');
const EXIT_HOST = '[data-safe-contact-exit]';
const PANEL_HOST = '[data-safe-contact]';
const NEUTRAL_TITLE = 'New Tab';

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/**
 * Opens the demo index, then `path` with `script` right after the loader's tag, so that Back
 * from the exit page shows whether the landlord page is still in the history. Arms a pagehide
 * report (by navigator.sendBeacon, which still goes from a page being left) of how the page
 * looked as it went, and of the keys the host's own listener saw (`window.hostKeys`).
 */
let reportCount = 0;
async function hostilePage(script, { path = PAGE, contextOptions = {} } = {}) {
  const { context, page, offsite } = await newPage(browser, server, contextOptions, { closedRoots: true });
  await blockWasm(context);
  const url = server.url(path);
  await context.route(url, async (route) => {
    const response = await route.fetch();
    // As the harness does for every demo page: the static server stands in for the endpoint.
    const html = (await response.text()).replaceAll(DEMO_FORM_ORIGIN, server.origin);
    const body = html.replace(SNIPPET_TAG, (tag) => `${tag}\n  <script>window.hostScriptRan = true;\n${script}\n</script>`);
    await route.fulfill({ response, body });
  });
  await page.goto(server.url('/'));
  await page.goto(url);
  assert.equal(await page.evaluate(() => window.hostScriptRan), true, 'the host script ran');
  const key = `hostile-${++reportCount}`;
  const report = server.report(key);
  const historyLength = await page.evaluate(({ key, reportPath }) => {
    addEventListener('pagehide', () => {
      navigator.sendBeacon(reportPath, JSON.stringify({
        key,
        display: getComputedStyle(document.documentElement).display,
        title: document.querySelector('title')?.textContent,
        hostKeys: window.hostKeys,
      }));
    });
    return history.length;
  }, { key, reportPath: REPORT_PATH });
  return { context, page, offsite, report, historyLength, url };
}

/** Clicks the middle of the exit's host, where the exit is drawn, with the mouse. */
async function clickExit(page) {
  const box = await page.evaluate((sel) => {
    const host = document.querySelector(sel);
    if (!host) return null;
    const r = host.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, width: r.width };
  }, EXIT_HOST);
  assert.ok(box && box.width > 0, 'the exit is on the page');
  await page.mouse.click(box.x, box.y);
}

async function pressShiftThreeTimes(page) {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
}

/** The page went to the exit address, blank and with a neutral title, and Back does not return. */
async function assertLeft({ page, report, historyLength }) {
  await page.waitForURL(DEFAULT_EXIT, { timeout: 5000 });
  const seen = await withDeadline(report, 10_000, 'no pagehide report arrived from the page that was left');
  assert.equal(seen.display, 'none', 'the page was blank as it was left');
  assert.equal(seen.title, NEUTRAL_TITLE, 'the page had a neutral title as it was left');
  assert.equal(await page.title(), EXIT_STUB_TITLE);
  assert.equal(await page.evaluate(() => history.length), historyLength, 'the exit replaced the entry');
  await page.goBack();
  assert.equal(page.url(), server.url('/'), 'Back lands on the page before the landlord page');
  return seen;
}

/**
 * The on-screen centres of the accessibility nodes with this role and name, found through closed
 * roots as a screen reader finds them, each scrolled into view first.
 */
async function axNodes(page, role, name) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const { nodes } = await cdp.send('Accessibility.queryAXTree', {
      backendNodeId: root.backendNodeId, role, accessibleName: name,
    });
    const found = [];
    for (const n of nodes.filter((n) => !n.ignored && n.backendDOMNodeId)) {
      await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: n.backendDOMNodeId });
      const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: n.backendDOMNodeId });
      const [x1, y1, , , x3, y3] = model.content;
      found.push({ x: (x1 + x3) / 2, y: (y1 + y3) / 2 });
    }
    return found;
  } finally {
    await cdp.detach();
  }
}

async function waitForAx(page, role, name) {
  for (let i = 0; i < 100; i++) {
    const found = await axNodes(page, role, name);
    if (found.length) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`no ${role} named "${name}"`);
}

async function clickByRole(page, role, name) {
  const [node] = await waitForAx(page, role, name);
  await page.mouse.click(node.x, node.y);
}

// Each of these host scripts, once in the page, stopped the exit of the loader as it stood
// before this suite (see /work/shared/notes/isolation.md), by click, by Shift three times or both.
const HOSTS = {
  'a harmless host script (control)': {
    script: `
      window.hostKeys = [];
      addEventListener('keydown', (e) => hostKeys.push(e.key));
      if (window.navigation) navigation.addEventListener('navigate', () => {});
      document.addEventListener('click', () => {}, true);`,
  },
  'a navigate listener that cancels every navigation': {
    script: `
      navigation.addEventListener('navigate', (e) => e.preventDefault());
      navigation.addEventListener('navigate', (e) => e.preventDefault(), true);
      navigation.onnavigate = (e) => e.preventDefault();`,
  },
  'a title setter that throws': {
    script: `
      Object.defineProperty(Document.prototype, 'title', {
        configurable: true,
        get() { return this.querySelector('title')?.textContent ?? ''; },
        set() { throw new Error('host: no title changes'); },
      });`,
  },
  'a CSSStyleDeclaration.prototype.setProperty that throws': {
    script: `
      CSSStyleDeclaration.prototype.setProperty = function () { throw new Error('host: no styles'); };`,
  },
  'a composedPath that returns nothing, and a capture-phase click blocker': {
    script: `
      Event.prototype.composedPath = () => [];
      document.addEventListener('click', (e) => { e.stopPropagation(); e.preventDefault(); }, true);`,
  },
  'key handlers that call window.stop() on Shift': {
    script: `
      window.hostKeys = [];
      addEventListener('keydown', (e) => { hostKeys.push(e.key); if (e.key === 'Shift') window.stop(); });
      addEventListener('keyup', (e) => { if (e.key === 'Shift') window.stop(); });`,
    // The third Shift is the exit's: no host listener sees it.
    check: (seen) => assert.deepEqual(seen.hostKeys, ['Shift', 'Shift'], 'the host saw only the first two Shifts'),
  },
  'a <body> swap after load, twice, as Turbo and pjax do': {
    script: `
      addEventListener('load', () => {
        const next = document.createElement('body');
        next.innerHTML = '<main><h1>Next page</h1><p>Swapped in by the host.</p></main>';
        document.body.replaceWith(next);
        setTimeout(() => {
          const again = document.createElement('body');
          again.innerHTML = '<main><h1>Another page</h1></main>';
          document.documentElement.replaceChild(again, document.body);
          window.hostReady = true;
        }, 50);
      });`,
    ready: async (page) => {
      await page.waitForFunction(() => window.hostReady);
      const placed = await page.evaluate(({ exit, panel }) => ({
        exitFirst: !!document.body.firstElementChild?.matches(exit),
        shown: !!document.querySelector(exit)?.matches(':popover-open'),
        panel: !!document.body.querySelector(panel),
      }), { exit: EXIT_HOST, panel: PANEL_HOST });
      assert.deepEqual(placed, { exitFirst: true, shown: true, panel: true },
        'the exit is back first in the new <body>, in the top layer, and the launcher with it');
    },
  },
  'a modal <dialog> open (a cookie banner)': {
    script: `
      document.addEventListener('DOMContentLoaded', () => {
        const banner = document.createElement('dialog');
        banner.innerHTML = '<p>We use cookies.</p><button type="button">Accept</button>';
        document.body.append(banner);
        banner.showModal();
        window.hostReady = true;
      });`,
    ready: (page) => page.waitForFunction(() => window.hostReady && document.querySelector('dialog').matches(':modal')),
  },
};

describe('the exit holds against the host page', () => {
  for (const [name, host] of Object.entries(HOSTS)) {
    for (const [how, path] of [['click', PAGE], ['Shift three times', PAGE], ['click', EXTERNAL], ['Shift three times', EXTERNAL]]) {
      test(`${name}: ${how} leaves, and Back does not return (${snippet(path)})`, async () => {
        const s = await hostilePage(host.script, { path });
        try {
          await host.ready?.(s.page);
          if (how === 'click') await clickExit(s.page);
          else await pressShiftThreeTimes(s.page);
          const seen = await assertLeft(s);
          if (how !== 'click') host.check?.(seen);
          // (A host that stops the exit makes the loader ask for the exit page again.)
          assert.ok(s.offsite.length && s.offsite.every((r) => r.url === DEFAULT_EXIT), 'nothing went off-site but to the exit page');
        } finally { await s.context.close(); }
      });
    }
  }

  test('the exit goes into an open modal dialog and back into <body> when it closes', async () => {
    const s = await hostilePage(HOSTS['a modal <dialog> open (a cookie banner)'].script);
    try {
      await s.page.waitForFunction(() => window.hostReady);
      const where = () => s.page.evaluate((sel) => {
        const exit = document.querySelector(sel);
        return { parent: exit.parentNode.nodeName, first: exit.parentNode.firstElementChild === exit, shown: exit.matches(':popover-open') };
      }, EXIT_HOST);
      assert.deepEqual(await where(), { parent: 'DIALOG', first: true, shown: true });
      await s.page.evaluate(() => document.querySelector('dialog').close());
      assert.deepEqual(await where(), { parent: 'BODY', first: true, shown: true });
      await clickExit(s.page);
      await assertLeft(s);
    } finally { await s.context.close(); }
  });
});

describe('the page cannot get into the widget', () => {
  test('a host that wraps attachShadow in <head> catches neither of the widget\'s roots', async () => {
    const s = await hostilePage(`
      window.caughtRoots = [];
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        caughtRoots.push(root);
        return root;
      };
      // Control: the wrapper is live for the page's own roots.
      document.addEventListener('DOMContentLoaded', () => document.body.append(document.createElement('div')));
      document.addEventListener('DOMContentLoaded', () => document.body.lastChild.attachShadow({ mode: 'closed' }));`);
    try {
      // Intent and an open panel make nothing new for a wrapper to catch either.
      await s.page.evaluate(() => window.SafeContact.open());
      const caught = await s.page.evaluate(({ exit, panel }) => ({
        all: window.caughtRoots.length,
        widget: window.caughtRoots.filter((r) => r.host.matches(`${exit}, ${panel}`)).length,
        hosts: [...document.querySelectorAll(`${exit}, ${panel}`)].map((h) => h.shadowRoot),
      }), { exit: EXIT_HOST, panel: PANEL_HOST });
      assert.deepEqual(caught, { all: 1, widget: 0, hosts: [null, null] });
    } finally { await s.context.close(); }
  });

  test('a host that patches the DOM methods the loader uses is never handed one of its elements', async () => {
    // Every wrapped method, getter and setter logs being called on, or with, a node inside a
    // shadow root: from there getRootNode() gives the closed root. The demo page has no shadow
    // roots of its own, so any such node is the widget's.
    const s = await hostilePage(`
      window.hostSaw = [];
      const inShadow = (n) => n instanceof Node && n.getRootNode() instanceof ShadowRoot;
      const spy = (proto, name) => {
        const d = Object.getOwnPropertyDescriptor(proto, name);
        const wrap = (f) => f && function (...args) {
          if (inShadow(this) || args.some(inShadow)) hostSaw.push(name);
          return f.apply(this, args);
        };
        Object.defineProperty(proto, name, 'value' in d
          ? { ...d, value: wrap(d.value) }
          : { ...d, get: wrap(d.get), set: wrap(d.set) });
      };
      for (const [proto, names] of [
        [EventTarget.prototype, ['addEventListener']],
        [Node.prototype, ['textContent', 'appendChild', 'parentNode', 'isConnected', 'firstChild']],
        [Element.prototype, ['querySelector', 'closest', 'setAttribute', 'toggleAttribute', 'remove', 'prepend', 'append', 'innerHTML']],
        [HTMLElement.prototype, ['hidden', 'focus', 'style', 'showPopover']],
        [HTMLAnchorElement.prototype, ['href']],
        [DocumentFragment.prototype, ['querySelector']],
        [ShadowRoot.prototype, ['activeElement', 'innerHTML']],
      ]) for (const name of names) spy(proto, name);`);
    try {
      // Intent, the launcher, Shift once (the exit's live region), Escape in the panel, Close.
      await clickByRole(s.page, 'button', DEFAULT_LABEL);
      await waitForAx(s.page, 'StaticText', 'The rest did not load. The numbers above still work.');
      await s.page.keyboard.press('Shift');
      await s.page.keyboard.press('Escape');
      await clickByRole(s.page, 'button', 'Close');
      assert.equal((await axNodes(s.page, 'button', DEFAULT_LABEL)).length, 1, 'the launcher is back');
      assert.deepEqual(await s.page.evaluate(() => window.hostSaw), []);
    } finally { await s.context.close(); }
  });

  test('a message asking to exit from the page, or from a frame the page made, is not the exit\'s', async () => {
    const s = await hostilePage('window.heard = []; addEventListener("message", (e) => heard.push(e.data && e.data.safeContact));');
    try {
      await s.page.evaluate(async (panel) => {
        postMessage({ safeContact: 'exit' }, '*');
        // A frame of the page's own, even one put inside the widget's host element.
        for (const parent of [document.body, document.querySelector(panel)]) {
          const frame = document.createElement('iframe');
          frame.srcdoc = '<script>parent.postMessage({ safeContact: "exit" }, "*")<\/script>';
          const loaded = new Promise((resolve) => { frame.onload = resolve; });
          parent.append(frame);
          await loaded;
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }, PANEL_HOST);
      const now = await s.page.evaluate(() => ({
        href: location.href,
        display: getComputedStyle(document.documentElement).display,
        heard: window.heard,
      }));
      assert.deepEqual(now, { href: s.url, display: 'block', heard: ['exit', 'exit', 'exit'] },
        'the page stayed, and its own listener heard every message');
      assert.deepEqual(s.offsite, [], 'nothing went to the exit address');
    } finally { await s.context.close(); }
  });
});

describe('an inline panel whose target the page takes away', () => {
  const swap = (inner) => `
    addEventListener('load', () => {
      const next = document.createElement('body');
      next.innerHTML = ${JSON.stringify(inner)};
      document.body.replaceWith(next);
      window.hostReady = true;
    });`;

  test('comes back as a launcher when the new <body> has no target', async () => {
    const s = await hostilePage(swap('<main><h1>Another page</h1></main>'), { path: SUPPORT });
    try {
      await s.page.waitForFunction(() => window.hostReady);
      await s.page.waitForFunction((panel) => !!document.body.querySelector(panel), PANEL_HOST);
      assert.equal((await axNodes(s.page, 'button', DEFAULT_LABEL)).length, 1, 'a launcher');
      await clickByRole(s.page, 'button', DEFAULT_LABEL);
      assert.equal((await axNodes(s.page, 'button', 'Close')).length, 1, 'the launcher opens the panel');
      await clickExit(s.page);
      await assertLeft(s);
    } finally { await s.context.close(); }
  });

  test('goes into the target of the new <body> when it has one', async () => {
    const s = await hostilePage(swap('<main><h1>Support</h1><div id="safe-contact-support"></div></main>'), { path: SUPPORT });
    try {
      await s.page.waitForFunction(() => window.hostReady);
      await s.page.waitForFunction((panel) => !!document.querySelector(`#safe-contact-support > ${panel}`), PANEL_HOST);
      assert.equal((await axNodes(s.page, 'button', DEFAULT_LABEL)).length, 0, 'still inline: no launcher');
      assert.equal(await s.page.evaluate((exit) => document.body.firstElementChild.matches(exit), EXIT_HOST), true);
    } finally { await s.context.close(); }
  });
});

describe('an inline panel whose snippet the page changes', () => {
  test('a page that points data-target at a hidden element still gets the panel where the snippet said', async () => {
    const s = await hostilePage(`
      document.head.insertAdjacentHTML('beforeend', '<style>#out-of-sight{display:none}</style>');
      document.querySelector('script[data-profile]').dataset.target = '#out-of-sight';
      addEventListener('DOMContentLoaded', () => {
        document.body.insertAdjacentHTML('beforeend', '<div id="out-of-sight"></div>');
      });`, { path: SUPPORT });
    try {
      await s.page.waitForFunction((panel) => !!document.querySelector(`#safe-contact-support > ${panel}`), PANEL_HOST);
      assert.equal(await s.page.evaluate(() => document.querySelector('#out-of-sight').childElementCount), 0);
    } finally { await s.context.close(); }
  });
});

describe('the exit from inside the call-back form\'s frame', () => {
  // The real endpoint serves the pages and, from its other origin, the form's frame.
  let endpoint;
  before(async () => { endpoint = await startEndpoint(); });
  after(async () => { await endpoint?.stop(); });

  test('the exit message from the form\'s own frame leaves, past a page that cancels navigations', async () => {
    const demo = path.join(endpoint.dir, 'dist', 'demo');
    const html = readFileSync(path.join(demo, 'livin.html'), 'utf8').replace(SNIPPET_TAG, (tag) =>
      `${tag}\n  <script>navigation.addEventListener('navigate', (e) => e.preventDefault());</script>`);
    writeFileSync(path.join(demo, 'hostile-frame-exit.html'), html);
    const { context, page } = await newPage(browser, endpoint.server, {}, { closedRoots: true });
    try {
      await page.goto(endpoint.server.url('/'));
      await page.goto(endpoint.server.url('/demo/hostile-frame-exit.html'));
      const historyLength = await page.evaluate(() => history.length);
      await clickByRole(page, 'button', DEFAULT_LABEL);
      await clickByRole(page, 'button', 'Ask us to contact you safely');
      let frame;
      for (let i = 0; i < 150 && !frame; i++) {
        frame = page.frames().find((f) => f.url().includes('/v1/form/'));
        if (!frame || !await frame.locator('form').count()) { frame = null; await page.waitForTimeout(100); }
      }
      assert.ok(frame, 'the form drew in its frame');
      // The message alone, as the frame sends it. (Its exit link also sends the tab to the exit
      // page itself, which would hide whether the loader heard.)
      await frame.evaluate((origin) => parent.postMessage({ safeContact: 'exit' }, origin), endpoint.server.origin);
      await page.waitForURL(DEFAULT_EXIT, { timeout: 5000 });
      assert.equal(await page.evaluate(() => history.length), historyLength, 'the exit replaced the entry');
      await page.goBack();
      assert.equal(page.url(), endpoint.server.url('/'), 'Back lands on the page before the landlord page');
    } finally { await context.close(); }
  });
});
