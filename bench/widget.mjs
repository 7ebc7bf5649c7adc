// Prints the widget's sizes and how fast it responds in Debian's Chromium on this machine.
// Figures only: nothing here passes or fails, so a slow machine never turns CI red.
//   node bench/widget.mjs [runs]      (after scripts/build.sh)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, APP, EXIT, HOST, LAUNCHER, launch, newPage, startServer } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.argv[2] || 10);

function size(file) {
  const bytes = readFileSync(path.join(DIST, file));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms (${values.length} runs)`;
}

console.log('Sizes (gzip -9):');
for (const f of ['safe-contact.js', 'safe-contact-widget.js', 'safe-contact-widget_bg.wasm']) {
  const s = size(f);
  console.log(`  ${s.file.padEnd(30)} ${String(s.bytes).padStart(8)} B  ${String(s.gzip).padStart(7)} B gzipped`);
}

const server = await startServer();
const browser = await launch();
const page_url = server.url('/demo/livin.html');

// When the exit button is in the page, after the HTML arrived, by the page's own clock: an
// observer set up before any page script notes the moment the exit's host is added.
async function exitReady() {
  const { context, page } = await newPage(browser, server);
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-safe-contact-exit]')) {
        window.exitAddedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(page_url, { waitUntil: 'commit' });
  await page.locator(EXIT).waitFor({ state: 'attached' });
  const ms = await page.evaluate(() =>
    window.exitAddedAt - performance.getEntriesByType('navigation')[0].responseStart);
  await context.close();
  return ms;
}

// From the launcher click to the full panel on screen. Cold: the app has not been fetched yet.
// Warm: a pointer over the launcher has fetched the profile and the app first.
async function panelReady(warm) {
  const { context, page } = await newPage(browser, server);
  await page.goto(page_url, { waitUntil: 'domcontentloaded' });
  await page.locator(LAUNCHER).waitFor({ state: 'visible' });
  if (warm) {
    await page.locator(LAUNCHER).hover();
    await page.waitForLoadState('networkidle');
  }
  const start = await page.evaluate(() => performance.now());
  await page.locator(LAUNCHER).click();
  await page.locator(APP).waitFor({ state: 'visible' });
  const end = await page.evaluate(() => performance.now());
  await context.close();
  return end - start;
}

// From pressing Send to the request leaving the browser, sealed or (profile without a key)
// in plain text; the difference is what sealing costs. The request is answered here with 201,
// so no endpoint is needed and its speed does not count.
async function sendReady(sealed) {
  const { context, page } = await newPage(browser, server);
  let left;
  await page.route('**/v1/callbacks**', (route) => {
    left = Date.now();
    return route.fulfill({ status: 201, json: { status: 'received' } });
  });
  if (!sealed) {
    await page.route('**/profiles/livin.json', async (route) => {
      const profile = await (await route.fetch()).json();
      delete profile.callback.seal;
      return route.fulfill({ json: profile });
    });
  }
  await page.goto(page_url);
  await page.locator(LAUNCHER).click();
  await page.locator(APP).waitFor({ state: 'visible' });
  await page.locator(`${HOST} .fold-button[aria-controls="sc-callback"]`).click();
  for (const id of ['sc-f-area', 'sc-f-contact_method', 'sc-f-safe_days', 'sc-f-safe_times', 'sc-f-if_someone_else_answers', 'sc-f-consent']) {
    await page.locator(`${HOST} #${id}`).check();
  }
  await page.locator(`${HOST} #sc-f-contact`).fill('0114 496 0123');
  const start = Date.now();
  await page.locator(`${HOST} .callback button[type="submit"]`).click();
  await page.locator(`${HOST} .panel-success`).waitFor({ state: 'visible' });
  await context.close();
  return left - start;
}

const results = { exit: [], cold: [], warm: [], plain: [], sealed: [] };
for (let i = 0; i < RUNS; i++) {
  results.exit.push(await exitReady());
  results.cold.push(await panelReady(false));
  results.warm.push(await panelReady(true));
  results.plain.push(await sendReady(false));
  results.sealed.push(await sendReady(true));
}
console.log('Timings in Chromium (loopback server):');
console.log(`  exit button in the page after first byte: ${summary(results.exit)}`);
console.log(`  panel ready after click, cold:          ${summary(results.cold)}`);
console.log(`  panel ready after click, hovered first: ${summary(results.warm)}`);
console.log(`  Send to request out, plain text:      ${summary(results.plain)}`);
console.log(`  Send to request out, sealed (HPKE):   ${summary(results.sealed)}`);

await browser.close();
await server.close();
