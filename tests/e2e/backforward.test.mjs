// Back and the back/forward cache. A browser may keep a page someone left, as it was, and show
// it again on Back: the panel open, the form's frame in it, and whatever was typed. A landlord's
// pages are usually cacheable, so these tests serve the page as such a site would (no
// `no-store`, which would keep it out of that cache) from an origin of its own, with the form's
// frame from the reference endpoint on another. Playwright turns the cache off by default;
// here it is on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, formDrawn, freePort, stubOffsite } from './harness.mjs';
import { startEndpoint } from './endpoint.mjs';

const PHONE = '07700 900123';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

let browser;
let endpoint;
let site;

before(async () => {
  const port = await freePort();
  const siteOrigin = `http://127.0.0.1:${port}`;
  // The landlord's site frames the form, so the endpoint lets its origin do so.
  endpoint = await startEndpoint((text, origin) => text.replace(/^origins = .*$/gm, `origins = ["${origin}", "${siteOrigin}"]`));
  const files = path.join(endpoint.dir, 'dist');
  const server = createServer(async (req, res) => {
    const file = path.join(files, path.normalize(new URL(req.url, siteOrigin).pathname));
    const body = file.startsWith(files + path.sep) && await readFile(file).catch(() => null);
    if (!body) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  site = { origin: siteOrigin, url: (p) => siteOrigin + p, close: () => new Promise((r) => server.close(r)) };
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await endpoint?.stop();
});

async function pageOnSite() {
  const context = await browser.newContext();
  await stubOffsite(context, site.origin, [endpoint.server.formOrigin]);
  await context.addInitScript(() => {
    window.__restored = false;
    addEventListener('pageshow', (e) => { if (e.persisted) window.__restored = true; });
  });
  return { context, page: await context.newPage() };
}

for (const { page: at, inline } of [{ page: '/demo/livin.html', inline: false }, { page: '/demo/support.html', inline: true }]) {
  const what = inline ? 'an inline panel draws a new, empty form' : 'the panel comes back closed, and opens with an empty form';
  test(`a page kept for Back keeps nothing typed: ${what}`, async () => {
    const { context, page } = await pageOnSite();
    try {
      await page.goto(site.url(at));
      if (!inline) await page.evaluate(() => window.SafeContact.open());
      const frame = await formDrawn(page);
      // Typed into the closed fold's form as the browser would keep it: the field's value.
      await frame.locator('#sc-f-contact').evaluate((input, phone) => {
        input.value = phone;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, PHONE);
      await frame.evaluate(() => { window.__before = true; });
      await page.goto(site.url('/demo/chesterfield.html'));
      await page.goBack({ waitUntil: 'commit' });
      await page.waitForFunction(() => document.readyState === 'complete');
      assert.equal(await page.evaluate(() => window.__restored), true, 'the browser kept the page for Back');
      if (!inline) {
        // Back shows the page as anyone else would see it: the panel closed. (The floating
        // panel is a dialog; closed, it is hidden.)
        const cdp = await context.newCDPSession(page);
        const { nodes } = await cdp.send('Accessibility.getFullAXTree');
        assert.ok(!nodes.some((n) => !n.ignored && n.role?.value === 'dialog'), 'the panel came back open');
        await page.evaluate(() => window.SafeContact.open());
      }
      const again = await formDrawn(page);
      assert.equal(await again.evaluate(() => window.__before), undefined, 'the frame that held the answers came back');
      assert.equal(await again.locator('#sc-f-contact').inputValue(), '');
      assert.ok(!await page.evaluate((phone) => document.documentElement.outerHTML.includes(phone), PHONE));
    } finally { await context.close(); }
  });
}
