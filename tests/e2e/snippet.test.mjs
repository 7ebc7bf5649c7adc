// The two snippets (inline and external), against the reference endpoint: the inline one (the loader
// pasted into the page) and the external one (<script src>). Each arms the same exit; these
// tests cover what differs: what a later page view fetches, and what happens when a pasted
// copy is older than the widget it loads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP, EXIT, FALLBACK, LAUNCHER, launch, newPage } from './harness.mjs';
import { startEndpoint } from './endpoint.mjs';
import { externalToInline } from '../../scripts/snippet.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOADER = 'safe-contact.js';

let browser, endpoint, server;
before(async () => {
  endpoint = await startEndpoint();
  server = endpoint.server;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await endpoint?.stop();
});

/** A copy of Livin's page whose snippet is `loader` pasted in; returns its path. */
function inlineCopy(name, loader) {
  const demo = path.join(endpoint.dir, 'dist', 'demo');
  const html = externalToInline(readFileSync(path.join(demo, 'livin.html'), 'utf8'), loader);
  assert.ok(html.includes(loader), 'the loader went into the page');
  writeFileSync(path.join(demo, `${name}.html`), html);
  return `/demo/${name}.html`;
}

/**
 * Every response for the loader in `page`, as the DevTools protocol saw it: whether it came
 * from the network or from the browser's cache.
 */
async function watchLoader(page) {
  const seen = [];
  const cached = new Set();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // Chromium says "served from cache" before the response, which then looks like any other.
  cdp.on('Network.requestServedFromCache', ({ requestId }) => cached.add(requestId));
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (new URL(response.url).pathname.endsWith(`/${LOADER}`)) {
      seen.push(cached.has(requestId) || response.fromDiskCache ? 'cache' : 'network');
    }
  });
  return seen;
}

describe('the external snippet on a later page view', () => {
  test('a second page of the site uses the cached loader and asks the network for nothing', async () => {
    // A context of its own, without the harness's request routing, which turns the cache off.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const seen = await watchLoader(page);
      await page.goto(server.url('/demo/livin.html'));
      await page.locator('div[data-safe-contact-exit]').waitFor({ state: 'attached' });
      assert.deepEqual(seen, ['network'], 'the first page view fetches the loader');
      await page.goto(server.url('/demo/chesterfield.html'));
      await page.locator('div[data-safe-contact-exit]').waitFor({ state: 'attached' });
      assert.deepEqual(seen, ['network', 'cache'], 'the second page view takes it from the cache');
    } finally { await context.close(); }
  });
});

describe('an inline snippet older than the widget', () => {
  // The loader's own source with its version taken back by one, pasted as it is: a landlord's
  // page that has not been updated since an earlier release.
  const source = readFileSync(path.join(ROOT, 'public', LOADER), 'utf8');
  const version = Number(source.match(/var SNIPPET = (\d+);/)[1]);

  for (const [name, snippet, warned] of [
    ['the current snippet', version, false],
    ['an older snippet', version - 1, true],
  ]) {
    test(`${name}: the panel works, and the console ${warned ? 'asks, in one line, for it to be updated' : 'says nothing'}`, async () => {
      const url = inlineCopy(`snippet-v${snippet}`, source.replace(/var SNIPPET = \d+;/, `var SNIPPET = ${snippet};`));
      const { context, page } = await newPage(browser, server);
      try {
        const lines = [];
        page.on('console', (m) => { if (/Safe Contact/.test(m.text())) lines.push([m.type(), m.text()]); });
        await page.goto(server.url(url));
        await page.locator(LAUNCHER).click();
        await page.locator(APP).waitFor({ state: 'visible' });
        if (warned) {
          assert.equal(lines.length, 1, JSON.stringify(lines));
          const [type, text] = lines[0];
          assert.equal(type, 'warning');
          assert.match(text, /snippet is older than the widget\. It still works, but please update it/);
          assert.ok(!text.includes('\n'), 'one line');
        } else {
          assert.deepEqual(lines, []);
        }
      } finally { await context.close(); }
    });
  }
});

describe('an inline snippet with a data-base that does not parse', () => {
  for (const base of ['http://', 'https://host:99999/', 'javascript:alert(1)']) {
    test(`data-base="${base}": the exit is armed, and the panel shows its 999 advice and says the rest did not load`, async () => {
      const loader = readFileSync(path.join(endpoint.dir, 'dist', LOADER), 'utf8');
      const demo = path.join(endpoint.dir, 'dist', 'demo');
      const name = `bad-base-${encodeURIComponent(base).replace(/%/g, '')}`;
      const html = externalToInline(readFileSync(path.join(demo, 'livin.html'), 'utf8'), loader)
        .replace('data-base="/"', `data-base="${base}"`);
      assert.ok(html.includes(`data-base="${base}"`));
      writeFileSync(path.join(demo, `${name}.html`), html);
      const { context, page } = await newPage(browser, server);
      try {
        await page.goto(server.url(`/demo/${name}.html`));
        assert.equal(await page.locator(EXIT).isVisible(), true, 'the exit is there');
        await page.locator(LAUNCHER).click();
        await page.getByText('The rest did not load. The numbers above still work.').waitFor();
        assert.match(await page.locator(FALLBACK).textContent(), /999/);
        await page.locator(EXIT).click();
        await page.waitForURL(/bbc\.co\.uk\/weather/);
      } finally { await context.close(); }
    });
  }
});
