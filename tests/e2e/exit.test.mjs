// The quick exit must work from the loader alone, so every test here blocks the WebAssembly app.
// Each exit is checked three ways: the page leaves for the exit address, it was blank (with a
// neutral title, and the widget gone) before it went, and it went with location.replace.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newPage, blockWasm, profileOf, waitForLauncher,
  DEFAULT_EXIT, EXIT, EXIT_LIVE, EXIT_STUB_TITLE, LAUNCHER, REPORT_PATH, withDeadline,
} from './harness.mjs';

/** The title the page takes as it leaves, in place of the landlord's. */
const NEUTRAL_TITLE = 'New Tab';
const WIDGET_HOSTS = '[data-safe-contact], [data-safe-contact-exit]';

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
 * Shows intent (a pointer over the launcher), so the loader fetches the profile, and waits
 * until it has applied it (the landlord's name is in the panel's header): from then on the
 * exit goes where the profile says, unless the snippet says otherwise.
 */
async function profileApplied(page) {
  await page.locator(LAUNCHER).hover();
  await page.waitForFunction(() => !!document.querySelector('[data-safe-contact]')?.shadowRoot
    .querySelector('.from')?.textContent);
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
async function armedPage(contextOptions = {}, path = PAGE, prepare) {
  const { context, page, offsite } = await newPage(browser, server, contextOptions);
  await blockWasm(context);
  const wasmLoaded = [];
  page.on('response', (r) => { if (/\.wasm$|safe-contact-widget\.js$/.test(new URL(r.url()).pathname) && r.ok()) wasmLoaded.push(r.url()); });
  const exits = [];
  page.on('request', (r) => { if (r.isNavigationRequest() && r.url() === expectedExit()) exits.push(r.url()); });
  const key = `exit-${++reportCount}`;
  const report = server.report(key);
  await page.goto(server.url(path));
  await profileApplied(page);
  await prepare?.(page);
  assert.equal(await page.locator(EXIT).getAttribute('href'), expectedExit(), 'exit link points at the exit address');
  const start = await page.evaluate(({ key, reportPath, hosts }) => {
    // The landlord's own storage must stay as it was.
    sessionStorage.setItem('landlord-own', 'kept');
    const log = (window.safeContactTestLog = []);
    const title = document.title;
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target === document.documentElement) {
          log.push(`html display ${getComputedStyle(document.documentElement).display}`);
        }
        const inTitle = r.target.nodeName === 'TITLE' || r.target.parentNode?.nodeName === 'TITLE';
        if (inTitle && !log.includes(`title ${document.title}`)) log.push(`title ${document.title}`);
        for (const n of r.removedNodes) {
          if (n.nodeType === 1 && n.matches(hosts)) {
            log.push(`host removed ${n.hasAttribute('data-safe-contact-exit') ? 'data-safe-contact-exit' : 'data-safe-contact'}`);
          }
        }
      }
    }).observe(document.documentElement, { attributes: true, attributeFilter: ['style'], childList: true, characterData: true, subtree: true });
    addEventListener('pagehide', () => {
      navigator.sendBeacon(reportPath, JSON.stringify({
        key,
        display: getComputedStyle(document.documentElement).display,
        hostPresent: !!document.querySelector(hosts),
        title: document.title,
        landlordOwn: sessionStorage.getItem('landlord-own'),
        log,
      }));
    });
    return { historyLength: history.length, href: location.href, title };
  }, { key, reportPath: REPORT_PATH, hosts: WIDGET_HOSTS });
  return { context, page, offsite, exits, report, start, wasmLoaded };
}

/** Waits for the exit to complete and checks how the page left. */
async function assertExited({ page, report, start, offsite, exits, wasmLoaded }) {
  const target = expectedExit();
  await page.waitForURL(target);
  const seen = await withDeadline(report, 10_000, 'no pagehide report arrived from the page that was left');
  assert.equal(seen.display, 'none', 'the page was blank (html display:none) when it was left');
  assert.equal(seen.hostPresent, false, 'the widget hosts were removed before leaving');
  assert.equal(seen.landlordOwn, 'kept', "the landlord's own sessionStorage was left alone");
  assert.notEqual(start.title, NEUTRAL_TITLE);
  assert.equal(seen.title, NEUTRAL_TITLE, 'the landlord page had a neutral title as it was left');
  assert.deepEqual(seen.log.slice(0, 2), ['html display none', `title ${NEUTRAL_TITLE}`],
    `blanking came first, then the neutral title, got ${JSON.stringify(seen.log)}`);
  for (const host of ['data-safe-contact-exit', 'data-safe-contact']) {
    assert.ok(seen.log.includes(`host removed ${host}`), `${host} removal seen, got ${JSON.stringify(seen.log)}`);
  }
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
    title: document.title,
  }));
  assert.notEqual(now.display, 'none', `${what}: the page must not be blanked`);
  assert.equal(now.hostPresent, true, `${what}: the widget must still be there`);
  assert.equal(now.href, start.href, `${what}: the page must not navigate`);
  assert.equal(now.title, start.title, `${what}: the title is the page's own`);
  assert.deepEqual(exits, [], `${what}: no request went to the exit address`);
  assert.deepEqual(offsite, [], `${what}: nothing went off-site`);
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
      // Intent (a pointer over the launcher) starts the profile on its way.
      await page.locator(LAUNCHER).hover();
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

  test('Escape twice in a text area, an editable region or an email field on the page does not exit', async () => {
    const s = await armedPage();
    try {
      await s.page.evaluate(() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('afterbegin', '<textarea id="test-area" aria-label="Message"></textarea>'
          + '<div id="test-editable" contenteditable aria-label="Note"><p>Draft</p></div>'
          + '<input id="test-email" type="email" aria-label="Email">');
      });
      for (const id of ['test-area', 'test-editable', 'test-email']) {
        await s.page.locator(`#${id}`).focus();
        await s.page.keyboard.press('Escape');
        await s.page.keyboard.press('Escape');
        await assertStayed(s, `Escape twice in #${id}`);
      }
      // A checkbox takes no typing: there Escape twice leaves.
      await s.page.evaluate(() => document.querySelector('main').insertAdjacentHTML('afterbegin', '<input id="test-box" type="checkbox" aria-label="Remember">'));
      await s.page.locator('#test-box').focus();
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

describe('the exit against a careless or hostile host page', () => {
  test("a host 'Leave site?' handler neither prompts nor stops the exit, and Back does not return", async () => {
    const { context, page } = await newPage(browser, server);
    try {
      await blockWasm(context);
      const dialogs = [];
      page.on('dialog', (d) => { dialogs.push(d.type()); d.dismiss(); });
      await page.goto(server.url('/'));
      await page.getByRole('link', { name: 'Stoke-on-Trent City Council' }).click();
      await page.waitForURL(server.url(PAGE));
      await waitForLauncher(page);
      await page.evaluate(() => {
        const stall = (e) => { e.preventDefault(); e.returnValue = 'Unsaved changes'; return 'Unsaved changes'; };
        addEventListener('beforeunload', stall);
        addEventListener('beforeunload', stall, true);
        window.onbeforeunload = stall;
      });
      // A browser asks "Leave site?" only after the person has used the page.
      await page.locator('main').click();
      // The handler is live: leaving any other way asks, and Cancel stays.
      await page.evaluate(() => { location.href = '/'; });
      await page.waitForEvent('dialog').catch(() => {});
      assert.deepEqual(dialogs, ['beforeunload'], 'the host handler prompts on an ordinary navigation');
      assert.equal(page.url(), server.url(PAGE));
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
      await page.waitForURL(expectedExit());
      assert.deepEqual(dialogs, ['beforeunload'], 'no prompt during the exit');
      await page.goBack();
      assert.equal(page.url(), server.url('/'), 'Back lands on the demo index, not the landlord page');
    } finally { await context.close(); }
  });

  test('a host capture-phase listener that stops clicks cannot turn the exit into a plain link', async () => {
    const s = await armedPage({}, PAGE, (page) => page.evaluate(() => {
      document.addEventListener('click', (e) => e.stopPropagation(), true);
      addEventListener('click', (e) => { e.stopImmediatePropagation(); e.preventDefault(); }, true);
    }));
    try {
      await s.page.locator(EXIT).click();
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('a host touch handler that cancels taps cannot stop a tap on the exit', async () => {
    const s = await armedPage({ hasTouch: true, isMobile: true, viewport: { width: 375, height: 667 } }, PAGE,
      (page) => page.evaluate(() => {
        for (const type of ['touchstart', 'touchend', 'pointerdown', 'mousedown']) {
          document.addEventListener(type, (e) => { e.preventDefault(); e.stopPropagation(); }, { capture: true, passive: false });
        }
      }));
    try {
      await s.page.locator(EXIT).tap();
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('a host keydown handler cannot stop Enter on the focused exit', async () => {
    const s = await armedPage({}, PAGE, (page) => page.evaluate(() => {
      document.addEventListener('keydown', (e) => { e.preventDefault(); e.stopPropagation(); }, true);
    }));
    try {
      await s.page.locator(EXIT).focus();
      await s.page.keyboard.press('Enter');
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('Shift three times while an input method is composing (key "Process") leaves, left and right mixed', async () => {
    const s = await armedPage();
    try {
      const cdp = await s.context.newCDPSession(s.page);
      for (const code of ['ShiftLeft', 'ShiftRight', 'ShiftLeft']) {
        await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Process', code, windowsVirtualKeyCode: 229 });
        await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Process', code, windowsVirtualKeyCode: 229 });
      }
      await assertExited(s);
    } finally { await s.context.close(); }
  });

  test('a screen reader hears how many more Shift presses will exit, and the count lapses', async () => {
    const s = await armedPage();
    try {
      const live = s.page.locator(EXIT_LIVE);
      assert.equal(await live.textContent(), '');
      await s.page.keyboard.press('Shift');
      assert.equal(await live.textContent(), 'Shift: press 2 more times to exit this page');
      await s.page.keyboard.press('Shift');
      assert.equal(await live.textContent(), 'Shift: press 1 more time to exit this page');
      // Left alone, the count lapses and the message goes with it.
      await s.page.waitForFunction((sel) => {
        const host = document.querySelector(sel);
        return host.shadowRoot.querySelector('[aria-live]').textContent === '';
      }, '[data-safe-contact-exit]', { timeout: 5000 });
      await s.page.keyboard.press('Shift');
      assert.equal(await live.textContent(), 'Shift: press 2 more times to exit this page', 'counting starts again');
      await assertStayed(s, 'Shift twice, a pause, then once');
    } finally { await s.context.close(); }
  });

  test('in inline mode the exit is there as soon as <body> exists, before the rest of the page', async () => {
    const { context, page } = await newPage(browser, server);
    try {
      await blockWasm(context);
      const early = server.url('/demo/early-exit.html');
      await context.route(early, (route) => route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="en"><head><meta charset="utf-8">'
          + '<script src="/safe-contact.js" data-profile="livin" data-mode="inline" data-target="#help"></script>'
          + '<title>Support</title></head><body>'
          + '<script>window.exitAtBodyStart = !!document.querySelector("[data-safe-contact-exit]");</script>'
          + '<main><h1>Support</h1><div id="help"></div></main></body></html>',
      }));
      await page.goto(early);
      assert.equal(await page.evaluate(() => window.exitAtBodyStart), true, 'the exit was in place when <body> began');
      assert.equal(await page.evaluate(() => document.body.firstElementChild.matches('[data-safe-contact-exit]')), true,
        'the exit comes first in <body>, so it is the first tab stop');
      await page.locator(EXIT).click();
      await page.waitForURL(profileOf('livin').exit_url || DEFAULT_EXIT);
    } finally { await context.close(); }
  });

  test('a snippet exit address that does not parse gives way to the default, and the exit still leaves', async () => {
    const { context, page } = await newPage(browser, server);
    try {
      await blockWasm(context);
      const typo = server.url('/demo/exit-typo.html');
      await context.route(typo, (route) => route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="en"><head><meta charset="utf-8">'
          + '<script src="/safe-contact.js" data-profile="livin" data-exit-url="https://[bbc.co.uk/weather"></script>'
          + '<title>Home</title></head><body><main><h1>Home</h1></main></body></html>',
      }));
      await page.goto(typo);
      assert.equal(await page.locator(EXIT).getAttribute('href'), DEFAULT_EXIT);
      await page.locator(EXIT).click();
      await page.waitForURL(DEFAULT_EXIT);
    } finally { await context.close(); }
  });
});

describe('host scripts cannot read the widget', () => {
  test('both shadow roots are closed, and the open panel holds no text box of its own', async () => {
    const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
    try {
      await page.goto(server.url('/demo/stockport-homes.html'));
      const roots = await page.evaluate(() => [...document.querySelectorAll('[data-safe-contact], [data-safe-contact-exit]')]
        .map((h) => h.shadowRoot));
      assert.deepEqual(roots, [null, null], 'no host script can reach either root');
      // The test kept its own references to the roots, which the page cannot see. What a
      // person types goes into the form's frame, from another origin (isolation.test.mjs).
      await page.evaluate(() => window.SafeContact.open());
      const found = await page.waitForFunction(() => {
        const root = window.__testRoots.find((r) => r.host.matches('[data-safe-contact]'));
        if (!root.querySelector('.sc')) return null;
        return { frame: !!root.querySelector('iframe.form-frame'), inputs: root.querySelectorAll('input:not([type=radio]), textarea').length };
      });
      assert.deepEqual(await found.jsonValue(), { frame: true, inputs: 0 });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.waitForURL(profileOf('stockport-homes').exit_url || DEFAULT_EXIT);
    } finally { await context.close(); }
  });
});
