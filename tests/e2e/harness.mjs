// Shared tools for the browser tests: a static server over dist/, Debian's Chromium, a stub for
// every off-site address (so no real network is ever used), and helpers that reach into the
// widget's shadow roots. The widget's roots are closed; every test page but the one that proves
// it opens them with an init script, so that the tests can see inside.
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built site. SAFE_CONTACT_DIST may point elsewhere (for trying the tests on a copy). */
export const DIST = path.resolve(process.env.SAFE_CONTACT_DIST || path.join(here, '../../dist'));

/** The five seed landlords, in the order the demo index lists them. */
export const LANDLORDS = ['stoke-on-trent', 'chesterfield', 'star-housing', 'stockport-homes', 'livin'];
/** Every demo page: the five launcher pages and Livin's inline support page. */
export const DEMO_PAGES = [...LANDLORDS.map((id) => `/demo/${id}.html`), '/demo/support.html'];

/**
 * Whether a built demo page carries the inline snippet (the loader pasted into the page) rather
 * than the external one (`<script src>`). The page itself says: scripts/snippet.mjs pastes it.
 */
export const hasInlineSnippet = (page) => /<script data-base="/.test(readFileSync(path.join(DIST, page), 'utf8'));
/** The snippet's opening tag, either form. */
const SNIPPET_OPEN = /<script (?:src="[^"]*safe-contact\.js"|data-base="[^"]*")[^>]*>/;
/** The whole snippet, either form (the loader holds no "</script", so the first one ends it). */
export const SNIPPET_TAG = new RegExp(`${SNIPPET_OPEN.source}[\\s\\S]*?</script>`);

export const DEFAULT_EXIT = 'https://www.bbc.co.uk/weather';
export const HELPLINE = '0808 2000 247';
export const HOST = 'div[data-safe-contact]';
/** The exit has a host of its own, first in <body>. */
export const EXIT_HOST = 'div[data-safe-contact-exit]';
export const EXIT = `${EXIT_HOST} a.exit`;
export const EXIT_LIVE = `${EXIT_HOST} [aria-live]`;
export const LAUNCHER = `${HOST} button.launcher`;
export const PANEL = `${HOST} #safe-contact-panel`;
export const TITLE = `${HOST} #safe-contact-title`;
export const CLOSE = `${HOST} button.close`;
export const APP = `${HOST} .sc`;
export const FALLBACK = `${HOST} .fallback`;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

/** Where a test page may POST a JSON report (navigator.sendBeacon works even from pagehide). */
export const REPORT_PATH = '/__test-report';

/**
 * Serves DIST on 127.0.0.1 at an ephemeral port. Resolves to
 * { origin, url(path), report(key), close() }. `report(key)` resolves with the first JSON body
 * POSTed to REPORT_PATH whose `key` equals `key` (a test-only endpoint: the widget never uses it).
 */
export async function startServer(root = DIST) {
  const base = path.resolve(root);
  const reports = new Map();
  const waiting = new Map();
  const server = createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method === 'POST' && new URL(req.url, 'http://x').pathname === REPORT_PATH) {
        let text = '';
        for await (const chunk of req) text += chunk;
        const body = JSON.parse(text);
        if (!reports.has(body.key)) reports.set(body.key, body);
        waiting.get(body.key)?.(body);
        return send(204, '');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method not allowed');
      let pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (pathname.includes('\0')) return send(404, 'Not found');
      if (pathname.endsWith('/')) pathname += 'index.html';
      const file = path.resolve(base, '.' + path.posix.normalize(pathname));
      if (!file.startsWith(base + path.sep)) return send(404, 'Not found');
      const type = MIME[path.extname(file).toLowerCase()];
      if (!type) return send(404, 'Not found');
      const info = await stat(file).catch(() => null);
      if (!info || !info.isFile()) return send(404, 'Not found');
      send(200, await readFile(file), type);
    } catch {
      send(404, 'Not found');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (p = '/') => origin + p,
    report: (key) => reports.has(key)
      ? Promise.resolve(reports.get(key))
      : new Promise((resolve) => waiting.set(key, resolve)),
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/** A TCP port on 127.0.0.1 that is free now, for a server a test or benchmark starts. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Debian's Chromium, headless. Never downloads a browser. */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export const EXIT_STUB_TITLE = 'Exit stub';
const EXIT_STUB = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${EXIT_STUB_TITLE}</title></head><body><p>Stub for an off-site page.</p></body></html>`;

/**
 * Every http(s) request that leaves `origin` (and the `also` origins) is answered locally: documents (the quick exit's
 * destination, https://www.bbc.co.uk/** by default) get a small stub page, anything else is
 * aborted. Each such request is recorded in the returned array.
 */
export async function stubOffsite(context, origin, also = []) {
  const local = [origin, ...also].map((o) => new URL(o).host);
  const offsite = [];
  await context.route(
    (url) => /^https?:$/.test(url.protocol) && !local.includes(url.host),
    (route) => {
      const req = route.request();
      offsite.push({ url: req.url(), type: req.resourceType() });
      if (req.resourceType() === 'document') {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: EXIT_STUB });
      }
      return route.abort('blockedbyclient');
    },
  );
  return offsite;
}

/** Aborts the WebAssembly app (its wasm and its JS glue), leaving only the loader. */
export async function blockWasm(context) {
  const blocked = [];
  const abort = (route) => { blocked.push(route.request().url()); return route.abort('blockedbyclient'); };
  await context.route('**/*.wasm', abort);
  await context.route('**/safe-contact-widget.js', abort);
  return blocked;
}

/**
 * A page in a fresh context (axe needs pages from browser.newContext()), with off-site
 * requests stubbed. Resolves to { context, page, offsite }. Shadow roots are opened for the
 * tests to see inside, unless `{ closedRoots: true }` keeps them as the widget made them.
 */
export async function newPage(browser, server, contextOptions = {}, { closedRoots = false } = {}) {
  const context = await browser.newContext(contextOptions);
  context.setDefaultTimeout(10_000);
  await context.addInitScript((closed) => {
    const attach = Element.prototype.attachShadow;
    // With closed roots the test keeps its own list of them, which no widget code can see.
    const roots = (window.__testRoots = []);
    // Every write to any browser storage, by anyone, from the first moment.
    const writes = (window.__storageWrites = []);
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      writes.push(`${this === sessionStorage ? 'session' : 'local'}Storage ${key}=${value}`);
      return setItem.call(this, key, value);
    };
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
    Object.defineProperty(Document.prototype, 'cookie', {
      get() { return cookie.get.call(this); },
      set(v) { writes.push(`cookie ${v}`); cookie.set.call(this, v); },
    });
    const idbOpen = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (name, ...rest) { writes.push(`indexedDB ${name}`); return idbOpen.call(this, name, ...rest); };
    if (window.CacheStorage) {
      const cacheOpen = CacheStorage.prototype.open;
      CacheStorage.prototype.open = function (name) { writes.push(`caches ${name}`); return cacheOpen.call(this, name); };
    }
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, closed ? init : { ...init, mode: 'open' });
      roots.push(root);
      return root;
    };
  }, closedRoots);
  const offsite = await stubOffsite(context, server.origin, server.formOrigin ? [server.formOrigin] : []);
  if (!server.formOrigin) await pointFormsAt(context, server);
  const page = await context.newPage();
  return { context, page, offsite };
}

/** The origin the demo pages name for the endpoint, and so for the call-back form's frame. */
export const DEMO_FORM_ORIGIN = 'http://localhost:8080';

/**
 * The demo pages name the demo's endpoint on localhost:8080. The static server has no form to
 * serve, so its pages name the static server itself: the panel then says the form could not
 * open, as it would for a page whose endpoint is down. (An endpoint test serves a copy of the
 * pages that names its own endpoint: see endpoint.mjs.)
 */
async function pointFormsAt(context, server) {
  const to = server.origin;
  await context.route((url) => url.origin === server.origin && /\/demo\/[^/]+\.html$/.test(url.pathname), async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replaceAll(DEMO_FORM_ORIGIN, to);
    await route.fulfill({ response, body });
  });
}

/** The call-back form's frame in an open panel, for locators. */
export function formFrame(page) {
  return page.frameLocator(`${HOST} iframe.form-frame`);
}

/** `promise`, or an error saying `message` if it has not settled within `ms`. */
export function withDeadline(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** The call-back form's frame once it has drawn the form, found as a person's browser has it. */
export async function formDrawn(page) {
  for (let i = 0; i < 150; i++) {
    const frame = page.frames().find((f) => f.url().includes('/v1/form/'));
    if (frame && await frame.locator('form').count()) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the form never drew in its frame');
}

/**
 * What the page has stored: every write to any storage since it loaded (recorded by the init
 * script) and what sessionStorage and localStorage hold now.
 */
export function storageTrace(page) {
  return page.evaluate(() => ({
    writes: window.__storageWrites,
    session: Object.keys(sessionStorage),
    local: Object.keys(localStorage),
  }));
}

export const NO_STORAGE = { writes: [], session: [], local: [] };

/** The landlord's profile as built into dist/. */
export function profileOf(id) {
  return JSON.parse(readFileSync(path.join(DIST, 'profiles', `${id}.json`), 'utf8'));
}

/** Names of the local services a landlord's panel must list, for one area or (no area) all. */
export function localServiceNames(profile, areaId) {
  const areas = areaId ? profile.areas.filter((a) => a.id === areaId) : profile.areas;
  return [...profile.landlord_contacts, ...areas.flatMap((a) => a.services)].map((s) => s.name);
}

/** The launcher's label a demo page's snippet gives in data-label, or the default. */
export const DEFAULT_LABEL = 'Domestic abuse support';
export function snippetLabel(id) {
  const html = readFileSync(path.join(DIST, 'demo', `${id}.html`), 'utf8');
  const snippet = html.match(SNIPPET_OPEN)[0];
  return snippet.match(/\bdata-label="([^"]*)"/)?.[1] ?? DEFAULT_LABEL;
}

/** Waits for the launcher, which shows as soon as <body> exists, with nothing fetched. */
export async function waitForLauncher(page) {
  await page.locator(LAUNCHER).waitFor({ state: 'visible' });
}

/** Opens the panel with the launcher and waits for the wasm app to mount. */
export async function openPanel(page) {
  await waitForLauncher(page);
  await page.locator(LAUNCHER).click();
  await page.locator(PANEL).waitFor({ state: 'visible' });
  await page.locator(APP).waitFor({ state: 'visible' });
}

/**
 * Opens every closed fold in the panel (focus and Enter, so nothing drawn on top of a button
 * can get in the way; panel.test.mjs checks what covers what). Returns how many it opened.
 */
export async function openAllFolds(page) {
  const closed = page.locator(`${HOST} .fold-button[aria-expanded="false"]`);
  let opened = 0;
  while (await closed.count()) {
    const button = closed.first();
    const controls = await button.getAttribute('aria-controls');
    await button.press('Enter');
    await page.locator(`${HOST} #${controls}`).waitFor({ state: 'visible' });
    opened += 1;
    if (opened > 50) throw new Error('folds keep closing');
  }
  return opened;
}

/** Area radios of a multi-area landlord, as [{ id, name }] read from the profile. */
export function areasOf(profile) {
  return profile.areas.map((a) => ({ id: a.id, name: a.name }));
}

/** Chooses an area by clicking its radio's label, then waits for that area's services. */
export async function chooseArea(page, profile, areaId) {
  const area = profile.areas.find((a) => a.id === areaId);
  await page.locator(`${HOST} input[name="sc-area"][value="${areaId}"]`).check();
  await page.locator(`${HOST} #sc-local h4.group`, { hasText: area.name }).waitFor({ state: 'visible' });
}

/** Trimmed text of every element matching `selector` that is rendered (has a layout box). */
export function visibleTexts(page, selector) {
  return page.locator(selector).evaluateAll((els) =>
    els.filter((e) => e.getClientRects().length > 0).map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
}

/**
 * Describes the element that has focus, looking through open shadow roots:
 * { tag, cls, id, text, inWidget, expanded, controls, type, name, value, checked }.
 */
export function deepActive(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    let inWidget = false;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) {
      if (a.matches('[data-safe-contact], [data-safe-contact-exit]')) inWidget = true;
      a = a.shadowRoot.activeElement;
    }
    if (!a) return null;
    return {
      tag: a.tagName.toLowerCase(),
      cls: typeof a.className === 'string' ? a.className : '',
      id: a.id,
      text: (a.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80),
      inWidget,
      expanded: a.getAttribute('aria-expanded'),
      controls: a.getAttribute('aria-controls'),
      type: a.getAttribute('type'),
      name: a.getAttribute('name'),
      value: a.value ?? null,
      checked: a.checked ?? null,
    };
  });
}

/** A short readable label for a deepActive() result, for failure messages. */
export function describeFocus(f) {
  if (!f) return '(nothing)';
  return `${f.inWidget ? 'widget ' : ''}${f.tag}${f.id ? '#' + f.id : ''}${f.cls ? '.' + f.cls.split(/\s+/).join('.') : ''}${f.text ? ` "${f.text}"` : ''}`;
}
