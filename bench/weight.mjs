// What the widget weighs on a landlord's page, and how fast it answers on a slow phone, measured
// against the reference endpoint (so the files travel compressed, as they would in real use).
// Figures only: each is printed next to its goal, nothing passes or fails.
//   node bench/weight.mjs [runs]      (after scripts/build.sh and
//                                      cargo build --locked -p safe-contact-endpoint)
// Lighthouse on the demo pages is bench/lighthouse.mjs, which takes the helpers it shares with
// this file (the endpoint, medians, the printed lines) from here.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, HOST, LAUNCHER, freePort, launch, newPage } from '../tests/e2e/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] || 3);
const LANDLORD = 'livin';
const PAGE = `/demo/${LANDLORD}.html`;
// How long the pointer rests on the launcher before the click in a warm visit: about as long as
// a person takes to move onto a button, read it and press.
const HOVER = 1000;
// How long a person reads the open panel before asking for the form, in a warm visit.
const READ = 2000;

// The emulated slow phone: Lighthouse's mobile numbers (4x CPU slowdown, 150 ms round trip,
// 1.6 Mbps down, 750 Kbps up), applied by the DevTools protocol, with the cache off.
const PHONE = { cpu: 4, latency: 150, down: 1_600_000 / 8, up: 750_000 / 8 };

// The widget's own files, told apart from the host page's by path.
const WIDGET_FILE = /\/(safe-contact\.js|safe-contact-widget\.js|safe-contact-widget_bg\.wasm|profiles\/[^/]+\.json|lang\/[a-z]+\.json|v1\/form\/[^/]+|form\/[^/]+)$/;
// The call-back form's frame, from the endpoint's origin.
const FRAME_FILES = ['form/frame.js', 'form/form.css', 'form/safe-contact-form.js', 'form/safe-contact-form_bg.wasm'];

// What the timings wait for, inside the panel's shadow root. The 999 advice is the loader's
// fallback until the app mounts, then the app's own "danger" section; either counts. The app
// draws after the first frame, so even when it was fetched in advance the fallback shows first.
const LOADER_999 = '.fallback';
const APP_999 = '.sc .danger';
const LOCAL = '#sc-local';
const FORM = '.callback form';
const CALLBACK_BUTTON = `${HOST} .fold-button[aria-controls="sc-callback"]`;

// 1 KB = 1000 bytes here, so a goal reads the same in bytes as in KB.
export const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
export const ms = (v) => (v == null ? 'n/a' : `${Math.round(v)} ms`);
export const median = (values) => {
  const sorted = values.filter((v) => v != null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};
export const line = (label, figure, goal) => console.log(`  ${label.padEnd(46)} ${figure.padEnd(26)} ${goal ? `goal: ${goal}` : ''}`);

// --- The reference endpoint, as tests/e2e/callback.test.mjs starts it -----------------------

// The demo config on a free loopback port, with a database of its own in a temp folder.
export async function startEndpoint() {
  const dir = mkdtempSync(path.join(tmpdir(), 'safe-contact-bench-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = readFileSync(path.join(ROOT, 'endpoint/demo.toml'), 'utf8')
    .replace(/^bind = .*$/m, `bind = "127.0.0.1:${port}"`)
    .replace(/^database = .*$/m, `database = ${JSON.stringify(path.join(dir, 'requests.db'))}`)
    .replace(/^static_dir = .*$/m, `static_dir = ${JSON.stringify(DIST)}`)
    .replace(/^origins = .*$/gm, `origins = ["${origin}"]`)
    // The form's frame on its own origin, and the profiles by absolute path from the temp folder.
    .replace(/^origin = .*$/m, `origin = "http://localhost:${port}"`)
    .replace(/^profile = "\.\.\/(.*)"$/gm, (_, rest) => `profile = ${JSON.stringify(path.join(ROOT, rest))}`);
  const file = path.join(dir, 'endpoint.toml');
  writeFileSync(file, config);
  const child = spawn(path.join(ROOT, 'target/debug/safe-contact-endpoint'), ['--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`endpoint did not start: ${out}`)), 20_000);
    const seen = (chunk) => {
      out += chunk;
      if (out.includes('listening on')) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`endpoint exited ${code}: ${out}`)); });
  });
  return {
    origin,
    url: (p = '/') => origin + p,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- The slow phone -------------------------------------------------------------------------

// A fresh page on the slow phone. Counts the widget's files as they arrive: `encodedDataLength`
// is what came over the wire (compressed body plus response headers), as DevTools shows it.
async function slowPhonePage(browser, endpoint) {
  const { context, page } = await newPage(browser, endpoint);
  context.setDefaultTimeout(60_000); // the slow phone takes longer than the tests allow
  const cdp = await context.newCDPSession(page);
  const urls = new Map();
  const encodings = new Map();
  const files = [];
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    encodings.set(e.requestId, headers['content-encoding'] || 'identity');
  });
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (url && WIDGET_FILE.test(new URL(url).pathname)) {
      files.push({ path: new URL(url).pathname, encoding: encodings.get(e.requestId), bytes: e.encodedDataLength });
    }
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: PHONE.latency, downloadThroughput: PHONE.down, uploadThroughput: PHONE.up,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpu });
  // Notes when each click reaches the page, by the page's own clock (the event's time stamp
  // includes any wait for a busy main thread, which the person would feel too).
  await context.addInitScript(() => {
    window.__clicks = [];
    window.addEventListener('click', (e) => window.__clicks.push(e.timeStamp), true);
  });
  const transferred = () => files.reduce((sum, f) => sum + f.bytes, 0);
  return { context, page, files, transferred };
}

// Starts watching, in the page, for each selector to become visible inside the widget's
// (opened) shadow roots; checked once a frame, so the time is when it could be painted.
function watch(page, selectors) {
  return page.evaluate((selectors) => {
    const seen = {};
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const started = performance.now();
    window.__seen = new Promise((resolve) => {
      const tick = () => {
        for (const s of selectors) {
          if (seen[s] != null) continue;
          for (const root of window.__testRoots) {
            const el = root.querySelector(s);
            if (el && visible(el)) { seen[s] = performance.now(); break; }
          }
        }
        // Bounded: gives up after 60 s, leaving what never showed as missing.
        if (selectors.every((s) => seen[s] != null) || performance.now() - started > 60_000) resolve(seen);
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }, selectors);
}

// Clicks `selector`, then returns, for each watched selector, the time from the click to it
// being visible (null if it never was).
async function clickAndTime(page, selector, selectors) {
  await watch(page, selectors);
  const before = await page.evaluate(() => window.__clicks.length);
  await page.locator(selector).click();
  const seen = await page.evaluate(() => window.__seen);
  const clickAt = await page.evaluate((i) => window.__clicks[i], before);
  return Object.fromEntries(selectors.map((s) => [s, seen[s] == null ? null : seen[s] - clickAt]));
}

// Clicks "Ask us to contact you safely" and returns the time until the form shows in its frame.
// The frame is another origin, in a process of its own, so it watches itself; both clocks are
// read as wall-clock time (timeOrigin + now), which the two documents share.
async function formReady(page) {
  const frame = await (async () => {
    for (let i = 0; i < 600; i++) {
      const f = page.frames().find((x) => x.url().includes('/v1/form/'));
      if (f) return f;
      await page.waitForTimeout(100);
    }
    return null;
  })();
  if (!frame) return null;
  // A frame in a closed fold is not drawn: its form has no size until the fold opens. A
  // ResizeObserver hears the first size at the frame's next rendering, when it could be painted.
  await frame.evaluate((form) => {
    window.__formSeen = new Promise((resolve) => {
      const seen = (el) => {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) { resolve(performance.timeOrigin + performance.now()); return true; }
        return false;
      };
      const watchForm = (el) => {
        if (seen(el)) return;
        const o = new ResizeObserver(() => { if (seen(el)) o.disconnect(); });
        o.observe(el);
      };
      const el = document.querySelector(form);
      if (el) return watchForm(el);
      // Not drawn yet: wait for the wasm to draw it.
      const m = new MutationObserver(() => {
        const found = document.querySelector(form);
        if (found) { m.disconnect(); watchForm(found); }
      });
      m.observe(document, { childList: true, subtree: true });
      setTimeout(() => resolve(null), 60_000);
    });
  }, FORM);
  const before = await page.evaluate(() => window.__clicks.length);
  await page.locator(CALLBACK_BUTTON).click();
  const seen = await frame.evaluate(() => window.__formSeen);
  const clickAt = await page.evaluate((i) => performance.timeOrigin + window.__clicks[i], before);
  return seen == null ? null : seen - clickAt;
}

// One visit. The person reads the page for 10 s without showing intent (what the widget costs
// a page nobody opens it on), then either clicks the launcher straight away (cold) or first
// rests the pointer on it for `hover` ms (warm: the hover starts the profile and the app).
async function visit(browser, endpoint, hover) {
  const { context, page, files, transferred } = await slowPhonePage(browser, endpoint);
  await page.goto(endpoint.url(PAGE), { waitUntil: 'load' });
  await page.locator(LAUNCHER).waitFor({ state: 'visible' });
  await page.waitForTimeout(10_000);
  const beforeIntent = transferred();
  if (hover) {
    await page.locator(LAUNCHER).hover();
    await page.waitForTimeout(hover);
  }
  const panel = await clickAndTime(page, LAUNCHER, [LOADER_999, APP_999, LOCAL]);
  const [loader999, app999] = [panel[LOADER_999], panel[APP_999]];
  // Cold runs ask for the form the moment the panel shows, the worst case; warm runs first
  // read the panel for READ ms, as a person would, while the frame goes on loading.
  if (hover) await page.waitForTimeout(READ);
  const form = await formReady(page);
  // Anything still arriving (nothing is expected) is given a moment to count.
  await page.waitForTimeout(500);
  const result = {
    beforeIntent, total: transferred(), files: [...files],
    fallback: loader999 ?? app999, fromLoader: loader999 != null, local: panel[LOCAL], form,
  };
  await context.close();
  return result;
}

// The machine may be busy with other work; its load says how far to trust the timings.
export const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');

// --- The run --------------------------------------------------------------------------------

async function main() {
  // Sizes straight from dist/: each widget file, plain and as its precompressed copies.
  console.log(`Widget files in dist/ (1 KB = 1000 B):`);
  const profileFiles = readdirSync(path.join(DIST, 'profiles')).filter((f) => f.endsWith('.json')).map((f) => `profiles/${f}`);
  const sizeOf = (f) => (existsSync(path.join(DIST, f)) ? readFileSync(path.join(DIST, f)).length : null);
  const sizes = {};
  console.log(`  ${'file'.padEnd(32)} ${'plain'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
  for (const f of ['safe-contact.js', 'safe-contact-widget.js', 'safe-contact-widget_bg.wasm', ...profileFiles, ...FRAME_FILES]) {
    sizes[f] = { plain: sizeOf(f), gzip: sizeOf(`${f}.gz`), br: sizeOf(`${f}.br`) };
    const cell = (v) => String(v ?? '-').padStart(9);
    console.log(`  ${f.padEnd(32)} ${cell(sizes[f].plain)} ${cell(sizes[f].gzip)} ${cell(sizes[f].br)}`);
  }
  // The whole widget one page needs: loader, glue, wasm and its landlord's profile. A file
  // without a compressed copy (it would not get smaller) counts at its plain size.
  const whole = ['safe-contact.js', 'safe-contact-widget.js', 'safe-contact-widget_bg.wasm', `profiles/${LANDLORD}.json`];
  const wholeGzip = whole.reduce((sum, f) => sum + (sizes[f].gzip ?? sizes[f].plain), 0);
  const wholeBr = whole.reduce((sum, f) => sum + (sizes[f].br ?? sizes[f].plain), 0);
  const frameGzip = FRAME_FILES.reduce((sum, f) => sum + (sizes[f].gzip ?? sizes[f].plain), 0);
  const frameBr = FRAME_FILES.reduce((sum, f) => sum + (sizes[f].br ?? sizes[f].plain), 0);
  line('loader, gzip', `${sizes['safe-contact.js'].gzip ?? sizes['safe-contact.js'].plain} B`, '≤ 3,600 B gzipped');
  line('loader, brotli', `${sizes['safe-contact.js'].br ?? sizes['safe-contact.js'].plain} B`, '≤ 3,300 B brotli');
  line(`panel for ${LANDLORD}, gzip`, `${wholeGzip} B (${kb(wholeGzip)})`);
  line(`panel for ${LANDLORD}, brotli`, `${wholeBr} B (${kb(wholeBr)})`);
  line('form frame, gzip', `${frameGzip} B (${kb(frameGzip)})`);
  line('form frame, brotli', `${frameBr} B (${kb(frameBr)})`);
  line('panel and frame together, gzip', `${wholeGzip + frameGzip} B (${kb(wholeGzip + frameGzip)})`, '≤ 120 KB gzipped');

  console.log(`\nLoad average at start (1, 5, 15 min): ${load()} on ${os.cpus().length} CPUs`);

  const endpoint = await startEndpoint();
  try {
    const browser = await launch();
    const warm = [];
    const cold = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        warm.push(await visit(browser, endpoint, HOVER));
        cold.push(await visit(browser, endpoint, 0));
      }
    } finally {
      await browser.close();
    }

    const med = (runs, key) => median(runs.map((r) => r[key]));
    const all = (runs, key) => runs.map((r) => (r[key] == null ? 'n/a' : Math.round(r[key]))).join(', ');
    console.log(`\nOn an emulated slow phone (CPU ${PHONE.cpu}x slower, ${PHONE.latency} ms RTT, 1.6 Mbps down, cache off),`);
    console.log(`${PAGE} from the reference endpoint; medians of ${RUNS} runs (each run's figure in brackets):`);
    const both = [...warm, ...cold];
    line('widget bytes before intent (10 s after load)', `${med(both, 'beforeIntent')} B (${kb(med(both, 'beforeIntent'))})`, '≤ 3 KB');
    console.log(`    [${all(both, 'beforeIntent')}]`);
    line('widget bytes in all (panel and form open)', `${med(warm, 'total')} B (${kb(med(warm, 'total'))})`);
    console.log(`    [${all(warm, 'total')}; clicked without hovering first: ${all(cold, 'total')}]`);
    console.log('  As transferred in the first run (body as sent plus response headers):');
    for (const f of warm[0].files) console.log(`    ${f.path.padEnd(40)} ${String(f.bytes).padStart(8)} B  ${f.encoding}`);
    for (const [label, runs] of [['clicked without hovering first (cold)', cold], [`clicked after ${HOVER} ms with the pointer on the launcher (warm)`, warm]]) {
      console.log(`  ${label}:`);
      line('  click → 999 advice visible', ms(med(runs, 'fallback')));
      console.log(`      [${all(runs, 'fallback')}] shown by the loader's fallback in ${runs.filter((r) => r.fromLoader).length}`
        + ` of ${runs.length} runs, else first by the app`);
      line('  click → full panel (#sc-local) visible', ms(med(runs, 'local')), '≤ 1.0 s, slow phone, empty cache');
      console.log(`      [${all(runs, 'local')}]`);
      line(runs === cold ? '  "Ask us…" at once → form ready' : `  "Ask us…" after ${READ} ms reading → form ready`,
        ms(med(runs, 'form')), '≤ 500 ms once the panel is open');
      console.log(`      [${all(runs, 'form')}]`);
    }
  } finally {
    await endpoint.stop();
  }
  console.log(`\nLoad average at end (1, 5, 15 min): ${load()}`);
}

// Run as a script, not when bench/lighthouse.mjs takes the helpers above.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
