// Nothing before intent: until someone shows intent, a landlord's page loads the loader alone
// (no profile, no glue, no wasm). Each form of intent then loads the panel: a pointer over,
// focus on or touch of the launcher or of the page's own [data-safe-contact-open] element,
// SafeContact.open(), and inline mode, which loads at once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  hasInlineSnippet, startServer, launch, newPage, deepActive, snippetLabel,
  LANDLORDS, DEFAULT_EXIT, EXIT, LAUNCHER, PANEL, APP,
} from './harness.mjs';

// The widget's own files, told apart from the host page's by path.
const WIDGET_FILE = /\/(safe-contact\.js|safe-contact-widget\.js|safe-contact-widget_bg\.wasm|profiles\/[^/]+\.json)$/;
const PAGE_OPEN = 'button[data-safe-contact-open]';

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/**
 * A fresh page that records the path of every widget file it requests. Resolves to
 * { context, page, widget, errors, fetched() }; fetched() resolves once the profile, the glue
 * and the wasm have all been requested.
 */
async function watchedPage(contextOptions) {
  const { context, page } = await newPage(browser, server, contextOptions);
  const widget = [];
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (WIDGET_FILE.test(p)) widget.push(p);
  });
  const fetched = () => Promise.all([
    page.waitForRequest((r) => /\/profiles\/[^/]+\.json$/.test(r.url())),
    page.waitForRequest((r) => r.url().endsWith('/safe-contact-widget.js')),
    page.waitForRequest((r) => r.url().endsWith('.wasm')),
  ]);
  return { context, page, widget, errors, fetched };
}

/** Loads a demo page and waits for load and then 3 s with nobody doing anything. */
async function idle(page, id) {
  await page.goto(server.url(`/demo/${id}.html`), { waitUntil: 'load' });
  await page.waitForTimeout(3000);
}

describe('before intent', () => {
  for (const id of LANDLORDS) {
    // A page with the inline snippet has the loader already: it requests nothing at all.
    const inline = hasInlineSnippet(`/demo/${id}.html`);
    test(`${id}: ${inline ? 'nothing' : 'only the loader'} is requested, and the launcher shows its snippet's label`, async () => {
      const { context, page, widget, errors } = await watchedPage();
      try {
        await idle(page, id);
        assert.deepEqual(widget, inline ? [] : ['/safe-contact.js'], 'no profile, glue or wasm before intent');
        const launcher = page.locator(LAUNCHER);
        assert.equal(await launcher.isVisible(), true, 'the launcher shows with nothing fetched');
        assert.equal(await launcher.textContent(), snippetLabel(id));
        assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
        assert.equal(await page.locator(EXIT).isVisible(), true, 'the exit is there');
        assert.deepEqual(errors, []);
      } finally { await context.close(); }
    });
  }
});

describe('each form of intent loads the panel', () => {
  // Each `intent` must start the fetches by itself; `click` then opens the panel.
  const forms = {
    'a pointer over the launcher': {
      intent: (page) => page.locator(LAUNCHER).hover(),
      click: (page) => page.locator(LAUNCHER).click(),
    },
    'keyboard focus on the launcher (Tab)': {
      intent: async (page) => {
        for (let i = 0; i < 100; i++) {
          await page.keyboard.press('Tab');
          const f = await deepActive(page);
          if (f && f.inWidget && f.cls.includes('launcher')) return;
        }
        throw new Error('Tab never reached the launcher');
      },
      click: (page) => page.keyboard.press('Enter'),
    },
    'a touch on the launcher': {
      context: { hasTouch: true, isMobile: true, viewport: { width: 360, height: 740 } },
      intent: (page) => page.locator(LAUNCHER).dispatchEvent('touchstart'),
      click: (page) => page.locator(LAUNCHER).tap(),
    },
    "a pointer over the page's [data-safe-contact-open] button": {
      intent: (page) => page.locator(PAGE_OPEN).hover(),
      click: (page) => page.locator(PAGE_OPEN).click(),
    },
    "focus on the page's [data-safe-contact-open] button": {
      intent: (page) => page.locator(PAGE_OPEN).focus(),
      click: (page) => page.keyboard.press('Enter'),
    },
    "a touch on the page's [data-safe-contact-open] button": {
      context: { hasTouch: true, isMobile: true, viewport: { width: 360, height: 740 } },
      intent: (page) => page.locator(PAGE_OPEN).dispatchEvent('touchstart'),
      click: (page) => page.locator(PAGE_OPEN).tap(),
    },
  };
  for (const [how, form] of Object.entries(forms)) {
    test(`${how} starts the profile and the app; the click then shows the app`, async () => {
      const { context, page, widget, errors, fetched } = await watchedPage(form.context);
      try {
        await idle(page, 'chesterfield');
        assert.deepEqual(widget, ['/safe-contact.js'], 'nothing but the loader before intent');
        const started = fetched();
        await form.intent(page);
        await started;
        assert.equal(await page.locator(PANEL).isHidden(), true, 'intent alone does not open the panel');
        await form.click(page);
        await page.locator(APP).waitFor({ state: 'visible' });
        assert.equal(widget.filter((p) => p.includes('/profiles/')).length, 1, 'the profile was fetched once');
        assert.deepEqual(errors, []);
      } finally { await context.close(); }
    });
  }

  test('SafeContact.open() loads and opens the panel', async () => {
    const { context, page, widget, errors } = await watchedPage();
    try {
      await idle(page, 'star-housing');
      assert.deepEqual(widget, ['/safe-contact.js']);
      await page.evaluate(() => window.SafeContact.open());
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.deepEqual(errors, []);
    } finally { await context.close(); }
  });

  test('inline mode loads the panel at once', async () => {
    const { context, page, widget, errors } = await watchedPage();
    try {
      await page.goto(server.url('/demo/support.html'));
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.ok(widget.includes('/profiles/livin.json'), 'the profile was fetched');
      assert.deepEqual(errors, []);
    } finally { await context.close(); }
  });

  test('the profile is fetched once per page view, and kept after Close for the next open', async () => {
    const { context, page, widget, errors } = await watchedPage();
    try {
      await idle(page, 'livin');
      for (let i = 0; i < 3; i++) {
        await page.locator(LAUNCHER).click();
        await page.locator(APP).waitFor({ state: 'visible' });
        await page.evaluate(() => window.SafeContact.close());
        await page.locator(PANEL).waitFor({ state: 'hidden' });
      }
      assert.deepEqual(widget.filter((p) => p.includes('/profiles/')), ['/profiles/livin.json']);
      assert.deepEqual(errors, []);
    } finally { await context.close(); }
  });
});

describe("the profile's exit address", () => {
  const PROFILE_EXIT = 'https://www.bbc.co.uk/food';
  test('applies once intent has fetched the profile, and never over the snippet\'s data-exit-url', async () => {
    const { context, page } = await watchedPage();
    try {
      await context.route('**/profiles/livin.json', async (route) => {
        const profile = await (await route.fetch()).json();
        return route.fulfill({ json: { ...profile, exit_url: PROFILE_EXIT } });
      });
      await idle(page, 'livin');
      assert.equal(await page.locator(EXIT).getAttribute('href'), DEFAULT_EXIT, 'before intent: the default');
      await page.locator(LAUNCHER).hover();
      await page.waitForFunction((sel) => {
        const a = document.querySelector(sel.split(' ')[0]).shadowRoot.querySelector('a.exit');
        return a.href !== 'https://www.bbc.co.uk/weather';
      }, EXIT);
      assert.equal(await page.locator(EXIT).getAttribute('href'), PROFILE_EXIT, "after intent: the profile's");

      // The same profile under a snippet with its own data-exit-url.
      const own = server.url('/demo/own-exit.html');
      await context.route(own, (route) => route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="en"><head><meta charset="utf-8">'
          + '<script src="/safe-contact.js" data-profile="livin" data-exit-url="https://www.bbc.co.uk/news"></script>'
          + '<title>Own exit</title></head><body><main><h1>Own exit</h1></main></body></html>',
      }));
      await page.goto(own);
      await page.locator(LAUNCHER).click();
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.equal(await page.locator(EXIT).getAttribute('href'), 'https://www.bbc.co.uk/news');
    } finally { await context.close(); }
  });
});
