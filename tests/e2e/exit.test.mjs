// The quick exit must work from the loader alone, so every test here blocks the WebAssembly app.
// Each exit is checked three ways: the page leaves for the exit address, it was blank (and the
// widget gone, its draft wiped) before it went, and it went with location.replace.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newPage, blockWasm, profileOf, waitForLauncher,
  DEFAULT_EXIT, EXIT, EXIT_STUB_TITLE, REPORT_PATH,
} from './harness.mjs';

const LANDLORD = 'stoke-on-trent';
const PAGE = `/demo/${LANDLORD}.html`;

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Where this landlord's exit must go: its profile's exit_url, or BBC Weather. */
function expectedExit() {
  return profileOf(LANDLORD).exit_url || DEFAULT_EXIT;
}

/**
 * Opens the landlord page with the app blocked and arms a watcher: a MutationObserver logs the
 * page being blanked and the widget's host being removed, and a pagehide listener reports what
 * the page looked like as it was left. The report goes by navigator.sendBeacon to the test
 * server (a binding exposed with page.exposeFunction is not delivered from a page that is being
 * unloaded for a cross-site navigation, and the old document cannot be evaluated while its
 * successor's request is held).
 */
let reportCount = 0;
async function armedPage(contextOptions = {}, path = PAGE) {
  const { context, page, offsite } = await newPage(browser, server, contextOptions);
  await blockWasm(context);
  const wasmLoaded = [];
  page.on('response', (r) => { if (/\.wasm$|safe-contact-widget\.js$/.test(new URL(r.url()).pathname) && r.ok()) wasmLoaded.push(r.url()); });
  const exits = [];
  page.on('request', (r) => { if (r.isNavigationRequest() && r.url() === expectedExit()) exits.push(r.url()); });
  const key = `exit-${++reportCount}`;
  const report = server.report(key);
  await page.goto(server.url(path));
  await waitForLauncher(page);
  assert.equal(await page.locator(EXIT).getAttribute('href'), expectedExit(), 'exit link points at the exit address');
  const start = await page.evaluate(({ key, reportPath }) => {
    // The widget's own draft key must go; the landlord's own storage must stay.
    sessionStorage.setItem('safe-contact', 'unsent draft');
    sessionStorage.setItem('landlord-own', 'kept');
    const log = (window.safeContactTestLog = []);
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target === document.documentElement) {
          log.push(`html display ${getComputedStyle(document.documentElement).display}`);
        }
        for (const n of r.removedNodes) {
          if (n.nodeType === 1 && n.matches('[data-safe-contact]')) log.push('host removed');
        }
      }
    }).observe(document.documentElement, { attributes: true, attributeFilter: ['style'], childList: true, subtree: true });
    addEventListener('pagehide', () => {
      navigator.sendBeacon(reportPath, JSON.stringify({
        key,
        display: getComputedStyle(document.documentElement).display,
        hostPresent: !!document.querySelector('[data-safe-contact]'),
        draft: sessionStorage.getItem('safe-contact'),
        landlordOwn: sessionStorage.getItem('landlord-own'),
        log,
      }));
    });
    return { historyLength: history.length, href: location.href };
  }, { key, reportPath: REPORT_PATH });
  return { context, page, offsite, exits, report, start, wasmLoaded };
}

/** Waits for the exit to complete and checks how the page left. */
async function assertExited({ page, report, start, offsite, exits, wasmLoaded }) {
  const target = expectedExit();
  await page.waitForURL(target);
  const seen = await withDeadline(report, 10_000, 'no pagehide report arrived from the page that was left');
  assert.equal(seen.display, 'none', 'the page was blank (html display:none) when it was left');
  assert.equal(seen.hostPresent, false, 'the widget host was removed before leaving');
  assert.equal(seen.draft, null, 'the widget draft key was removed from sessionStorage');
  assert.equal(seen.landlordOwn, 'kept', "the landlord's own sessionStorage was left alone");
  assert.equal(seen.log[0], 'html display none', `blanking came first, got ${JSON.stringify(seen.log)}`);
  assert.ok(seen.log.includes('host removed'), `host removal seen, got ${JSON.stringify(seen.log)}`);
  assert.equal(await page.title(), EXIT_STUB_TITLE);
  assert.equal(await page.evaluate(() => history.length), start.historyLength,
    'history did not grow: the exit replaced the entry instead of adding one');
  assert.deepEqual(exits, [target], 'the exit page was asked for once');
  assert.deepEqual(offsite.map((r) => r.url), [target], 'the only off-site request was the exit page');
  assert.deepEqual(wasmLoaded, [], 'the WebAssembly app was blocked throughout');
}

/** Checks the page is still here, unblanked, with the widget, and nothing went off-site. */
async function assertStayed({ page, start, offsite, exits }, what) {
  const now = await page.evaluate(() => ({
    display: getComputedStyle(document.documentElement).display,
    hostPresent: !!document.querySelector('[data-safe-contact]'),
    href: location.href,
    draft: sessionStorage.getItem('safe-contact'),
  }));
  assert.notEqual(now.display, 'none', `${what}: the page must not be blanked`);
  assert.equal(now.hostPresent, true, `${what}: the widget must still be there`);
  assert.equal(now.href, start.href, `${what}: the page must not navigate`);
  assert.equal(now.draft, 'unsent draft', `${what}: nothing was wiped`);
  assert.deepEqual(exits, [], `${what}: no request went to the exit address`);
  assert.deepEqual(offsite, [], `${what}: nothing went off-site`);
}

function withDeadline(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

describe('quick exit, with the WebAssembly app blocked', () => {
  test('clicking the exit link leaves, blank first', async () => {
    const s = await armedPage();
    try {
      await s.page.locator(EXIT).click();
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('tapping the exit link on a touch screen leaves, blank first', async () => {
    const s = await armedPage({ hasTouch: true, isMobile: true, viewport: { width: 375, height: 667 } });
    try {
      await s.page.locator(EXIT).tap();
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('Shift pressed alone three times leaves, blank first', async () => {
    const s = await armedPage();
    try {
      for (let i = 0; i < 3; i++) await s.page.keyboard.press('Shift');
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('Escape twice leaves, blank first', async () => {
    const s = await armedPage();
    try {
      await s.page.keyboard.press('Escape');
      await s.page.keyboard.press('Escape');
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('SafeContact.exit() leaves, blank first', async () => {
    const s = await armedPage();
    try {
      await s.page.evaluate(() => { setTimeout(() => window.SafeContact.exit(), 0); });
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('the exit works before the profile has arrived', async () => {
    const { context, page, offsite } = await newPage(browser, server);
    try {
      await blockWasm(context);
      let asked;
      const requested = new Promise((resolve) => { asked = resolve; });
      // The profile request is never answered during this test.
      await context.route('**/profiles/*.json', () => { asked(); });
      await page.goto(server.url(PAGE), { waitUntil: 'domcontentloaded' });
      await requested;
      assert.equal(await page.locator(`${EXIT}`).getAttribute('href'), DEFAULT_EXIT);
      await page.locator(EXIT).click();
      await page.waitForURL(DEFAULT_EXIT);
      assert.deepEqual(offsite.map((r) => r.url), [DEFAULT_EXIT]);
    } finally { await context.close(); }
  });

  test('Back after an exit returns to the page before the landlord page, not to it', async () => {
    const { context, page } = await newPage(browser, server);
    try {
      await blockWasm(context);
      await page.goto(server.url('/'));
      await page.getByRole('link', { name: 'Stoke-on-Trent City Council' }).click();
      await page.waitForURL(server.url(PAGE));
      await waitForLauncher(page);
      await page.locator(EXIT).click();
      await page.waitForURL(expectedExit());
      await page.goBack();
      assert.equal(page.url(), server.url('/'), 'Back lands on the demo index');
      assert.equal(await page.title(), 'Safe Contact demo');
    } finally { await context.close(); }
  });
});

describe('what must not exit', () => {
  test('Escape twice in a text field on the page does not exit', async () => {
    const s = await armedPage();
    try {
      await s.page.evaluate(() => {
        const label = document.createElement('label');
        label.textContent = 'Search ';
        const input = document.createElement('input');
        input.type = 'text';
        input.id = 'test-search';
        label.append(input);
        document.querySelector('main').prepend(label);
      });
      await s.page.locator('#test-search').click();
      await s.page.keyboard.type('repairs');
      await s.page.keyboard.press('Escape');
      await s.page.keyboard.press('Escape');
      await assertStayed(s, 'Escape twice in a text field');
      assert.equal(await s.page.locator('#test-search').inputValue(), 'repairs');
      // The same keys outside the field do exit: the listener was live all along.
      await s.page.evaluate(() => document.activeElement.blur());
      await s.page.keyboard.press('Escape');
      await s.page.keyboard.press('Escape');
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('typing capitals (Shift+A, Shift+B) does not exit', async () => {
    const s = await armedPage();
    try {
      await s.page.keyboard.press('Shift+A');
      await s.page.keyboard.press('Shift+B');
      await assertStayed(s, 'Shift+A, Shift+B');
      // Shift alone three times still exits: capitals reset the count rather than break it.
      for (let i = 0; i < 3; i++) await s.page.keyboard.press('Shift');
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('typing capitals into a text field does not exit', async () => {
    const s = await armedPage();
    try {
      await s.page.evaluate(() => {
        const input = document.createElement('input');
        input.type = 'text';
        input.id = 'test-name';
        input.setAttribute('aria-label', 'Name');
        document.querySelector('main').prepend(input);
      });
      await s.page.locator('#test-name').click();
      for (const key of ['Shift+A', 'Shift+B', 'Shift+C']) await s.page.keyboard.press(key);
      await assertStayed(s, 'capitals in a text field');
      assert.equal(await s.page.locator('#test-name').inputValue(), 'ABC');
    } finally { await s.context.close(); }
  });

  test('Shift pressed twice does not exit', async () => {
    const s = await armedPage();
    try {
      await s.page.keyboard.press('Shift');
      await s.page.keyboard.press('Shift');
      await assertStayed(s, 'Shift twice');
      await s.page.keyboard.press('Shift');
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('a single Escape does not exit', async () => {
    const s = await armedPage();
    try {
      await s.page.keyboard.press('Escape');
      await assertStayed(s, 'one Escape');
    } finally { await s.context.close(); }
  });
});
