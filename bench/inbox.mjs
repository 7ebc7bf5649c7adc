// Prints how long the staff inbox takes to unlock and to enrol in Debian's Chromium on this
// machine, against the real endpoint, and the size of its wasm app. Both run Argon2id on the
// member's passphrase in the browser, so these are the waits a member sees.
// Figures only: nothing here passes or fails, so a slow machine never turns CI red.
//   node bench/inbox.mjs [runs]      (after scripts/build.sh and
//                                     cargo build --locked -p safe-contact-endpoint)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, launch } from '../tests/e2e/harness.mjs';
import { keyFile, ROOT, startEndpoint } from '../tests/e2e/endpoint.mjs';
import { codeTracker } from '../tests/e2e/totp.mjs';

const RUNS = Number(process.argv[2] || 5);
const THROTTLE = 4; // CPU slow-down for the "slow office laptop" figures
const PASSPHRASE = 'harbour lantern pebble orchard';
const INVITE_LINK = /https?:\/\/\S+#invite=[A-Za-z0-9_-]+/;
const WAIT = { timeout: 120_000 };

function size(file) {
  const bytes = readFileSync(path.join(DIST, 'staff', file));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (${values.length} runs)`;
}

// The costs the browser pays, as the crate says, so this line stays true if they change.
const source = readFileSync(path.join(ROOT, 'staff-keys/src/passphrase.rs'), 'utf8');
const params = source.match(/pub const PARAMS: Params = Params \{\s*m_kib:\s*(\d+),\s*t:\s*(\d+),\s*p:\s*(\d+)/);
if (!params) throw new Error('PARAMS not found in staff-keys/src/passphrase.rs');
const [m_kib, t, p] = params.slice(1).map(Number);
console.log(`Staff inbox, Argon2id m=${m_kib} KiB (${m_kib / 1024} MiB), t=${t}, p=${p} (staff-keys/src/passphrase.rs)`);

console.log('Sizes (gzip -9):');
for (const f of ['safe-contact-inbox_bg.wasm', 'safe-contact-inbox.js']) {
  const s = size(f);
  console.log(`  staff/${s.file.padEnd(30)} ${String(s.bytes).padStart(8)} B  ${String(s.gzip).padStart(7)} B gzipped`);
}

const codes = codeTracker();

async function throttle(page, rate) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

// Milliseconds from pressing `button` to an <h1> reading `heading` being in the page, by the
// page's own clock: a click listener and a mutation observer, both set up before the press.
// Also how much of that was the POST to `api` (a path under /staff/api/), from request sent to
// last byte of the answer: the server's share, which CPU throttling does not slow down.
async function timed(page, button, heading, api) {
  await page.evaluate((heading) => {
    const mark = (window.__bench = { start: 0, end: 0 });
    const shown = () => [...document.querySelectorAll('h1')].some((h) => h.textContent.trim() === heading);
    const observer = new MutationObserver(() => {
      if (mark.start && shown()) { mark.end = performance.now(); observer.disconnect(); }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    document.addEventListener('click', () => { mark.start = performance.now(); }, { capture: true, once: true });
  }, heading);
  const posted = page.waitForEvent('requestfinished', {
    predicate: (r) => r.method() === 'POST' && new URL(r.url()).pathname.startsWith(`/staff/api/${api}`),
    ...WAIT,
  });
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor(WAIT);
  const { start, end } = await page.evaluate(() => window.__bench);
  if (!start || !end) throw new Error(`no timing for ${button} → ${heading}`);
  return { ms: end - start, server: (await posted).timing().responseEnd };
}

/** Invites a lead from the command line, enrols them in a fresh browser, grants them the key. */
async function enrolLead(browser, endpoint, email, rate) {
  const link = endpoint.staff('invite', 'livin', email, '--role', 'lead').match(INVITE_LINK)[0];
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  if (rate > 1) await throttle(page, rate);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Set up your account' }).waitFor(WAIT);
  const secret = (await page.locator('.secret').innerText()).replace(/\s/g, '');
  codes.remember(email, secret);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Type your passphrase again').fill(PASSPHRASE);
  await page.getByLabel('Code from your authenticator app').fill(await codes.next(email));
  const timing = await timed(page, 'Finish setting up', 'Your account is set up', 'invites/accept');
  // What the lead would read out from this screen.
  const number = (await page.locator('.security-number').innerText()).trim();
  await context.close();
  endpoint.staff('grant', 'livin', email, '--key', keyFile('livin'), '--fingerprint', number);
  return timing;
}

/** Signs each lead in once on one page, signing out with the header's button in between. */
async function unlockTimes(browser, endpoint, emails, rate) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (rate > 1) await throttle(page, rate);
  await page.goto(endpoint.server.url('/staff/'));
  const times = [];
  for (const email of emails) {
    await page.getByLabel('Email address').waitFor(WAIT);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByLabel('Code from your authenticator app').fill(await codes.next(email));
    times.push(await timed(page, 'Sign in', 'Requests', 'session'));
    // The figure counts only if the grant was opened.
    if (await page.getByText('You cannot open requests yet').count()) throw new Error(`${email}: no landlord key after sign-in`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  }
  if (errors.length) throw new Error(`errors in the inbox: ${errors.join('; ')}`);
  await context.close();
  return times;
}

const endpoint = await startEndpoint();
const browser = await launch();
try {
  console.log(`Timings in Chromium ${browser.version()} (loopback endpoint, debug build as the tests use):`);
  const results = [];
  for (const rate of [1, THROTTLE]) {
    const emails = Array.from({ length: RUNS }, (_, i) => `bench-lead-${rate}x-${i + 1}@livin.example`);
    const enrol = [];
    for (const email of emails) enrol.push(await enrolLead(browser, endpoint, email, rate));
    const unlock = await unlockTimes(browser, endpoint, emails, rate);
    results.push({ rate, enrol, unlock });
  }
  const lines = results.flatMap(({ rate, enrol, unlock }) => {
    const cpu = rate > 1 ? `CPU throttled ${rate}×` : 'CPU as is';
    return [
      [`unlock, Sign in to "Requests" (${cpu}):`, unlock.map((r) => r.ms)],
      ['  of which POST /staff/api/session:', unlock.map((r) => r.server)],
      [`enrolment, Finish setting up to confirmation (${cpu}):`, enrol.map((r) => r.ms)],
      ['  of which POST /staff/api/invites/accept:', enrol.map((r) => r.server)],
    ];
  });
  const width = Math.max(...lines.map(([label]) => label.length));
  for (const [label, values] of lines) console.log(`  ${label.padEnd(width)} ${summary(values)}`);
} finally {
  await browser.close();
  await endpoint.stop();
}
