// Using the widget must leave nothing behind on the device and tell nobody else: no history
// entries, no change of address or title, no cookies or storage of any kind, and no request to
// anywhere but the landlord's own site.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newPage, profileOf, waitForLauncher, openAllFolds, chooseArea,
  DEMO_PAGES, HOST, LAUNCHER, CLOSE, PANEL, APP,
} from './harness.mjs';

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Everything a page could have left behind, read from inside the page. */
function footprint(page) {
  return page.evaluate(async () => ({
    historyLength: history.length,
    historyState: JSON.stringify(history.state),
    href: location.href,
    title: document.title,
    windowName: window.name,
    cookie: document.cookie,
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    sessionKeys: Object.keys(sessionStorage),
    localKeys: Object.keys(localStorage),
    indexedDB: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    serviceWorkers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
  }));
}

describe('no traces', () => {
  for (const path of DEMO_PAGES) {
    test(`${path}: opening the panel, every section and every area leaves no trace`, async () => {
      const { context, page, offsite } = await newPage(browser, server);
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));
      try {
        await page.goto(server.url(path));
        const inline = path.endsWith('/support.html');
        const id = inline ? 'livin' : path.match(/\/demo\/(.+)\.html$/)[1];
        const profile = profileOf(id);
        if (!inline) await waitForLauncher(page);
        await page.locator(PANEL).waitFor({ state: 'attached' });
        const start = await footprint(page);

        if (!inline) await page.locator(LAUNCHER).click();
        await page.locator(APP).waitFor({ state: 'visible' });
        const opened = await openAllFolds(page);
        assert.ok(opened >= 5, `sections were opened (${opened})`);
        for (const area of profile.areas.length > 1 ? profile.areas : []) await chooseArea(page, profile, area.id);
        // Back through the sections once more, closing and reopening: still nothing stored.
        const buttons = page.locator(`${HOST} .fold-button`);
        for (let i = 0; i < await buttons.count(); i++) await buttons.nth(i).press('Enter');
        if (!inline) await page.locator(CLOSE).click();

        const end = await footprint(page);
        assert.deepEqual(end, start, 'nothing about the page or its storage changed');
        assert.equal(end.cookie, '', 'document.cookie is empty');
        assert.equal(end.localStorage, 0, 'localStorage is empty');
        assert.equal(end.sessionStorage, 0, 'sessionStorage is empty');
        assert.deepEqual(end.indexedDB, [], 'no IndexedDB databases');
        assert.deepEqual(end.caches, [], 'no Cache Storage caches');
        assert.equal(end.serviceWorkers, 0, 'no service worker');
        assert.deepEqual(await context.cookies(), [], 'the browser holds no cookies');

        const foreign = requests.filter((u) => new URL(u).origin !== server.origin);
        assert.deepEqual(foreign, [], 'every request went to the page\'s own origin');
        assert.deepEqual(offsite, []);
        assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the app was loaded (so its requests were watched)');
        assert.ok(requests.some((u) => u.includes(`/profiles/${id}.json`)), 'the profile was loaded');
      } finally {
        await context.close();
      }
    });
  }
});
