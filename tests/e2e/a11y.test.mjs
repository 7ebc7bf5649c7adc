// axe-core on the widget, open, on every demo page: no serious or critical violations.
import { describe, test, before, after } from 'node:test';
import { widgetViolations, assertNone } from './axe.mjs';
import {
  startServer, launch, newPage, blockWasm, profileOf, openPanel, openAllFolds, chooseArea,
  waitForLauncher, DEMO_PAGES, HOST, LAUNCHER, PANEL, APP,
} from './harness.mjs';

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

describe('accessibility (axe)', () => {
  for (const path of DEMO_PAGES) {
    test(`${path}: the open widget, every section open`, async () => {
      const { context, page } = await newPage(browser, server);
      try {
        await page.goto(server.url(path));
        if (path.endsWith('/support.html')) await page.locator(APP).waitFor({ state: 'visible' });
        else await openPanel(page);
        await openAllFolds(page);
        assertNone(await widgetViolations(page), path);
      } finally { await context.close(); }
    });
  }

  test('/demo/livin.html: with an area chosen', async () => {
    const profile = profileOf('livin');
    const { context, page } = await newPage(browser, server);
    try {
      await page.goto(server.url('/demo/livin.html'));
      await openPanel(page);
      await chooseArea(page, profile, profile.areas[0].id);
      assertNone(await widgetViolations(page), 'livin, area chosen, sections as they open');
      await openAllFolds(page);
      assertNone(await widgetViolations(page), 'livin, area chosen, every section open');
    } finally { await context.close(); }
  });

  test('/demo/support.html: with an area chosen', async () => {
    const profile = profileOf('livin');
    const { context, page } = await newPage(browser, server);
    try {
      await page.goto(server.url('/demo/support.html'));
      await page.locator(APP).waitFor({ state: 'visible' });
      await chooseArea(page, profile, profile.areas.at(-1).id);
      assertNone(await widgetViolations(page), 'support page, area chosen');
    } finally { await context.close(); }
  });

  test('the closed widget (exit and launcher only)', async () => {
    const { context, page } = await newPage(browser, server);
    try {
      await page.goto(server.url('/demo/stockport-homes.html'));
      await waitForLauncher(page);
      assertNone(await widgetViolations(page), 'closed widget');
    } finally { await context.close(); }
  });

  test('the fallback panel, with the WebAssembly app blocked', async () => {
    const { context, page } = await newPage(browser, server);
    try {
      await blockWasm(context);
      await page.goto(server.url('/demo/star-housing.html'));
      await waitForLauncher(page);
      await page.locator(LAUNCHER).click();
      await page.locator(PANEL).waitFor({ state: 'visible' });
      await page.locator(`${HOST} .status`, { hasText: 'did not load' }).waitFor();
      assertNone(await widgetViolations(page), 'fallback panel');
    } finally { await context.close(); }
  });
});
