// axe-core on the widget, open, on every demo page: no serious or critical violations.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import {
  startServer, launch, newPage, blockWasm, profileOf, openPanel, openAllFolds, chooseArea,
  waitForLauncher, DEMO_PAGES, HOST, LAUNCHER, PANEL, APP,
} from './harness.mjs';

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe on the widget host (and everything in its shadow root); returns serious+ violations.
 * axe checks colour contrast only for what is in view, and the floating panel scrolls, so it
 * runs a second time with the window made tall enough to show all of the panel and the page.
 */
async function widgetViolations(page, scope = HOST) {
  const first = await new AxeBuilder({ page }).include(scope).analyze();
  assert.ok(first.passes.length > 0, 'axe checked something inside the widget');
  const viewport = page.viewportSize();
  const needed = await page.evaluate((host) => {
    const panel = document.querySelector(host)?.shadowRoot?.querySelector('#safe-contact-panel');
    return Math.max(document.documentElement.scrollHeight, panel ? panel.scrollHeight : 0);
  }, scope);
  let all = first.violations;
  if (needed > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: Math.min(needed + 100, 20000) });
    try {
      const tall = await new AxeBuilder({ page }).include(scope).analyze();
      all = all.concat(tall.violations);
    } finally {
      await page.setViewportSize(viewport);
    }
  }
  const seen = new Map();
  for (const v of all.filter((x) => BLOCKING.has(x.impact))) {
    const have = seen.get(v.id);
    if (!have) { seen.set(v.id, { ...v, nodes: [...v.nodes] }); continue; }
    for (const n of v.nodes) {
      if (!have.nodes.some((m) => JSON.stringify(m.target) === JSON.stringify(n.target))) have.nodes.push(n);
    }
  }
  return [...seen.values()];
}

/** A readable list of violations, one node per line, for the failure message. */
function readable(violations) {
  return violations.map((v) => [
    `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.map((n) => `    at ${JSON.stringify(n.target)}: ${n.failureSummary.replace(/\s*\n\s*/g, ' | ')}`),
  ].join('\n')).join('\n');
}

function assertNone(violations, where) {
  assert.equal(violations.length, 0, `${where}: ${violations.length} serious or critical axe violation(s):\n${readable(violations)}`);
}

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
