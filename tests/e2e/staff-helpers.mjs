// Helpers shared by the staff inbox's browser tests (staff.test.mjs, passkeys.test.mjs): a
// watched page, enrolment by invite link, sending a request from the Livin demo page, and axe.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { APP, HOST, LAUNCHER, formFrame, newPage } from './harness.mjs';

export const INVITE_LINK = /https?:\/\/\S+#invite=[A-Za-z0-9_-]+/;
// What the person types: distinctive, so it can be looked for everywhere afterwards.
export const TYPED = {
  contact: '07700 900456',
  note: 'Only after quarter past two',
  name: 'Robin Fairweather',
  language: 'Tigrinya',
  needs: 'Large print letters please',
};

/** A page on a new context that records page errors, refusals (4xx/5xx) and any request to an
 * origin other than `origin`. */
export async function watchedPage(browser, origin, viewport) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1024, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A failed fetch is reported as a console error too; which ones are expected is checked by the test.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`); });
  const foreign = [];
  page.on('request', (r) => { if (new URL(r.url()).origin !== origin) foreign.push(r.url()); });
  return { context, page, errors, foreign };
}

/** SQL run on the endpoint's database from outside, as someone with write access to it could. */
export function sqlOn(endpoint, statement) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(endpoint.dir, 'requests.db'), statement],
    { encoding: 'utf8' }).trim();
}

/** Enrols `who` with the invite link, as they would in their own browser, and returns the
 * security number their inbox shows them to read out to a lead. `codes`: a `codeTracker()`. */
export async function enrol(page, link, who, codes) {
  const token = link.split('#invite=')[1];
  const sent = [];
  const record = (r) => sent.push(r);
  page.on('request', record);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Set up your account' }).waitFor();
  assert.ok(!page.url().includes('#invite='), 'the invite token leaves the address bar');
  // Shown in groups of four, as people type it into an app.
  const secret = (await page.locator('.secret').innerText()).replace(/\s/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/, 'the key for the authenticator app is shown in text');
  codes.remember(who.email, secret);
  await page.getByLabel('Passphrase', { exact: true }).fill(who.passphrase);
  await page.getByLabel('Type your passphrase again').fill(who.passphrase);
  await page.getByLabel('Code from your authenticator app').fill(await codes.next(who.email));
  await page.getByRole('button', { name: 'Finish setting up' }).click();
  await page.getByRole('heading', { name: 'Your account is set up' }).waitFor({ timeout: 30000 });
  const number = (await page.locator('.security-number').innerText()).trim();
  assert.match(number, /^\d{4}( \d{4}){5}$/, 'the security number is 24 digits in groups of 4');
  page.off('request', record);
  // The token goes only in the bodies of the two POSTs, where no log or proxy keeps it.
  assert.ok(sent.every((r) => !r.url().includes(token)), 'no address holds the invite token');
  const carried = sent.filter((r) => r.postData()?.includes(token))
    .map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
  assert.deepEqual(carried, ['POST /staff/api/invites/lookup', 'POST /staff/api/invites/accept']);
  return number;
}

export async function openTheRequest(page) {
  await page.getByRole('button', { name: /^Open request/ }).first().click();
  await page.getByRole('heading', { name: 'How to contact them safely' }).waitFor({ timeout: 30000 });
}

/** Serious or critical axe violations on the whole page. */
export async function axe(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Sends a call-back request with `TYPED` from the Livin demo page, as a tenant would. */
export async function sendFromLivin(browser, server) {
  const { context, page } = await newPage(browser, server);
  await page.goto(server.url('/demo/livin.html'));
  await page.locator(LAUNCHER).click();
  await page.locator(APP).waitFor({ state: 'visible' });
  await page.locator(`${HOST} .fold-button[aria-controls="sc-callback"]`).click();
  // The form is in its frame, from the endpoint's origin.
  const form = formFrame(page);
  const field = (id) => form.locator(`#sc-f-${id}`);
  await field('area-1').check(); // Darlington
  await field('contact_method').check(); // Phone call
  await field('contact').fill(TYPED.contact);
  await field('safe_days-2').check(); // Wednesday
  await field('safe_times-1').check(); // Afternoon
  await field('safe_times_note').fill(TYPED.note);
  await field('if_someone_else_answers-2').check(); // ask for the name given
  await field('name_to_ask_for').fill(TYPED.name);
  await field('interpreter_language').fill(TYPED.language);
  await field('other_access_needs').fill(TYPED.needs);
  await field('consent').check();
  await form.locator('.callback form button[type="submit"]').click();
  await form.locator('.panel-success').waitFor({ timeout: 30000 });
  await context.close();
}
