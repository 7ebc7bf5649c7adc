// The staff inbox end to end, in Chromium against the real endpoint: a lead enrols by an invite
// link and gets the landlord key from the key file; a request sent from the Livin demo page
// e-mails the team (with nothing from the request) and opens only in staff browsers; the lead
// acts on it and brings in an officer, giving access only to the key whose security number the
// officer reads out (a key swapped in the database gets nothing); another landlord's member
// cannot reach it; an idle inbox forgets what it opened; an invite link with anything but a
// token the server makes sends nothing; and nothing typed, nor any passphrase, is left on the
// server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { launch } from './harness.mjs';
import { ROOT, keyFile, startEndpoint } from './endpoint.mjs';
import { startSmtpSink } from './smtp-sink.mjs';
import { seal } from './seal.mjs';
import { codeTracker } from './totp.mjs';
import {
  INVITE_LINK, TYPED, axe, enrol as enrolWith, openTheRequest, sendFromLivin as sendFromLivinWith, sqlOn, watchedPage,
} from './staff-helpers.mjs';

const IDLE_SECONDS = 20;
const TEAM_EMAIL = 'da-team@livin.example';
const LEAD = { email: 'lead@livin.example', passphrase: 'harbour lantern pebble orchard' };
const OFFICER = { email: 'officer@livin.example', passphrase: 'meadow violin copper tide' };
const OTHER = { email: 'lead@stoke-on-trent.example', passphrase: 'kettle summit ribbon plum' };
const RELIEF = { email: 'relief@livin.example', passphrase: 'willow anchor saffron drum' };

let browser, endpoint, server, sink;
let requestId;
const codes = codeTracker();

before(async () => {
  sink = await startSmtpSink();
  endpoint = await startEndpoint((text) => text
    .replace(/^id = "livin"$/m, `id = "livin"\nteam_email = "${TEAM_EMAIL}"`)
    .replace(/^idle_seconds = .*$/m, `idle_seconds = ${IDLE_SECONDS}`)
    + `\n[smtp]\nhost = "127.0.0.1"\nport = ${sink.port}\nsecurity = "none"\nfrom = "inbox@safe-contact.example"\n`);
  server = endpoint.server;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await endpoint?.stop();
  await sink?.close();
});


function staffPage(viewport) {
  return watchedPage(browser, server.origin, viewport);
}

const sql = (statement) => sqlOn(endpoint, statement);

/** Enrols `who` with the invite link and returns the security number to read out. */
const enrol = (page, link, who) => enrolWith(page, link, who, codes);

/** On the Team page: gives `email` access with the number typed, as a lead hears it. */
async function giveAccess(page, email, number) {
  await page.getByRole('button', { name: `Give access to ${email}` }).click();
  await page.getByRole('heading', { name: `Give access to ${email}` }).waitFor();
  await page.getByLabel('Their security number').fill(number);
  await page.getByRole('button', { name: 'Give access', exact: true }).click();
}

async function reloadTeam(page) {
  // Back and forth, so the team list is read again.
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  await page.getByRole('button', { name: 'Team', exact: true }).click();
}

const grantsOf = (email) => Number(sql(`SELECT count(*) FROM grants g JOIN members m ON m.member_id = g.member_id WHERE m.email = '${email}'`));

async function signIn(page, who) {
  await page.goto(server.url('/staff/'));
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Passphrase').fill(who.passphrase);
  await page.getByLabel('Code from your authenticator app').fill(await codes.next(who.email));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Requests', exact: true }).waitFor({ timeout: 30000 });
}

async function assertShowsTyped(page) {
  const text = await page.locator('main').innerText();
  // The widget keeps a phone number's digits only.
  const shown = { ...TYPED, contact: TYPED.contact.replace(/\s/g, '') };
  for (const [what, value] of Object.entries(shown)) assert.ok(text.includes(value), `the ${what} is shown as typed: ${value} in ${text}`);
  assert.match(text, /darlington/i, 'the area is shown');
}

const sendFromLivin = () => sendFromLivinWith(browser, server);

test('a landlord team reads and acts on a request in the browser, and only they can', async () => {
  // The lead: an invite from the command line, enrolment in the browser, then the key file's
  // landlord key granted to them on the machine that holds it.
  const lead = await staffPage();
  const leadInvite = endpoint.staff('invite', 'livin', LEAD.email, '--role', 'lead').match(INVITE_LINK)[0];
  const leadNumber = await enrol(lead.page, leadInvite, LEAD);
  endpoint.staff('grant', 'livin', LEAD.email, '--key', keyFile('livin'), '--fingerprint', leadNumber);

  await sendFromLivin();
  [requestId] = endpoint.stored('livin').map((line) => line.split(/\s/)[0]);
  assert.ok(requestId, 'the request is stored');

  // The team's e-mail says only that something is waiting.
  for (let i = 0; i < 100 && sink.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
  assert.equal(sink.messages.length, 1, 'one e-mail to the team');
  const mail = sink.messages[0];
  assert.match(mail.to.join(), new RegExp(TEAM_EMAIL));
  assert.ok(mail.data.includes(server.url('/staff/')), 'the e-mail links to the inbox');
  for (const value of [...Object.values(TYPED), 'Darlington', requestId]) {
    assert.ok(!mail.data.includes(value), `the e-mail holds nothing from the request: ${value}`);
  }

  // Sign-in page, inbox list and opened request are accessible.
  await lead.page.goto(server.url('/staff/'));
  await lead.page.getByLabel('Email address').waitFor();
  assert.deepEqual(await axe(lead.page), [], 'axe: sign-in page');
  await signIn(lead.page, LEAD);
  assert.deepEqual(await axe(lead.page), [], 'axe: the list');
  await lead.page.getByText('Sealed with key livin-demo-1').waitFor();
  await openTheRequest(lead.page);
  await assertShowsTyped(lead.page);
  assert.deepEqual(await axe(lead.page), [], 'axe: an opened request');
  await lead.page.getByRole('button', { name: 'Mark as contacted' }).click();
  await lead.page.getByText(/Status: Contacted/).waitFor();

  // The lead invites an officer, who enrols; the lead's browser gives them the landlord key.
  await lead.page.getByRole('button', { name: 'Team', exact: true }).click();
  await lead.page.getByLabel('Their work email address').fill(OFFICER.email);
  await lead.page.getByLabel(/^Officer/).check();
  await lead.page.getByRole('button', { name: 'Create invite link' }).click();
  // The link is drawn when the endpoint answers, after the click has returned.
  await lead.page.locator('main').getByText(INVITE_LINK).waitFor();
  const officerInvite = (await lead.page.locator('main').innerText()).match(INVITE_LINK)?.[0];
  assert.ok(officerInvite, 'the lead sees the invite link');
  const officer = await staffPage({ width: 360, height: 740 });
  const officerNumber = await enrol(officer.page, officerInvite, OFFICER);

  // The landlord key the lead holds shows the number the staff tool prints for the profile.
  const profileNumber = endpoint.staff('fingerprint', path.join(ROOT, 'public/profiles/livin.json'))
    .match(/security number: (\d{4}(?: \d{4}){5})/)[1];
  await reloadTeam(lead.page);
  const keys = lead.page.locator('dl').filter({ hasText: 'Key livin-demo-1' });
  assert.match(await keys.innerText(), new RegExp(profileNumber), 'the landlord key\'s number is the profile\'s');

  // Someone with write access to the database puts their own key in the officer's place.
  const own = sql(`SELECT public_key FROM members WHERE email = '${OFFICER.email}'`);
  const swapped = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x;
  sql(`UPDATE members SET public_key = '${swapped}' WHERE email = '${OFFICER.email}'`);
  await reloadTeam(lead.page);
  const row = lead.page.getByRole('row').filter({ hasText: OFFICER.email });
  const shown = (await row.innerText()).match(/\d{4}( \d{4}){5}/)?.[0];
  assert.ok(shown && shown !== officerNumber, `the Team page shows the swapped key's own number: ${shown}`);
  // The officer reads out their number; the lead's browser refuses, sends no grant (the server
  // would refuse one too, but the check that counts is the browser's), and says so.
  const posted = [];
  const seen = (r) => { if (r.method() === 'POST') posted.push(new URL(r.url()).pathname.replace(/members\/[^/]+/, 'members/ID')); };
  lead.page.on('request', seen);
  await giveAccess(lead.page, OFFICER.email, officerNumber);
  await lead.page.getByRole('heading', { name: 'Do not give access until the numbers match' }).waitFor();
  await lead.page.getByText('This has been recorded in the audit trail.').waitFor();
  assert.match(await lead.page.locator('.error-summary').innerText(), /does not match their key/);
  assert.deepEqual(await axe(lead.page), [], 'axe: a security number that does not match');
  lead.page.off('request', seen);
  assert.deepEqual(posted, ['/staff/api/members/ID/grant-refused'], 'the browser sent no grant');
  assert.equal(grantsOf(OFFICER.email), 0, 'no grant row');
  assert.equal(sql(`SELECT actor || ' ' || action || ' ' || subject FROM audit WHERE action = 'grant refused'`),
    `${LEAD.email} grant refused ${OFFICER.email}`);
  await lead.page.getByRole('button', { name: 'Audit', exact: true }).click();
  await lead.page.getByRole('cell', { name: 'grant refused' }).waitFor();

  // With the officer's own key back, the same number gives them access.
  sql(`UPDATE members SET public_key = '${own}' WHERE email = '${OFFICER.email}'`);
  await lead.page.getByRole('button', { name: 'Team', exact: true }).click();
  await giveAccess(lead.page, OFFICER.email, officerNumber.replace(/ /g, ''));
  await lead.page.getByText(`${OFFICER.email} can now open requests.`).waitFor();
  await lead.page.getByRole('button', { name: `Give access to ${OFFICER.email}` }).waitFor({ state: 'detached' });
  assert.equal(grantsOf(OFFICER.email), 1, 'one grant row');

  // The officer, on a 360 px phone, opens it too.
  await signIn(officer.page, OFFICER);
  await openTheRequest(officer.page);
  await assertShowsTyped(officer.page);
  assert.ok(await officer.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');

  // A member of another landlord gets 404 for it, from the API itself.
  const other = await staffPage();
  const otherInvite = endpoint.staff('invite', 'stoke-on-trent', OTHER.email, '--role', 'lead').match(INVITE_LINK)[0];
  await enrol(other.page, otherInvite, OTHER);
  await signIn(other.page, OTHER);
  const status = await other.page.evaluate(async (id) => (await fetch(`/staff/api/requests/${id}`)).status, requestId);
  assert.equal(status, 404);
  assert.ok(!(await other.page.locator('main').innerText()).includes(TYPED.contact.replace(/\s/g, '')));

  // Left alone, the officer's inbox signs out and the opened request is gone from the page.
  await officer.page.waitForTimeout((IDLE_SECONDS + 3) * 1000);
  await officer.page.getByText(/You were signed out/).waitFor();
  const html = await officer.page.content();
  for (const value of [...Object.values(TYPED), TYPED.contact.replace(/\s/g, '')]) {
    assert.ok(!html.includes(value), `after the time-out the page no longer holds ${value}`);
  }

  // The only refusals: the probe above, and each idle inbox saying goodbye to a session the
  // server had already ended.
  const expected = new Map([[lead, []], [officer, []], [other, [`404 GET /staff/api/requests/${requestId}`]]]);
  for (const [p, refusals] of expected) {
    // Keys and opened requests live in the app's memory only, never in any browser storage.
    const stored = await p.page.evaluate(async () => ({
      local: localStorage.length, session: sessionStorage.length,
      databases: (await indexedDB.databases()).length, caches: (await caches.keys()).length,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, databases: 0, caches: 0 }, 'nothing in browser storage');
    // The session's, and the known device's that keeps sign-in open to this browser whatever
    // others try (both locked down like the session's).
    const cookies = await p.context.cookies();
    assert.deepEqual(cookies.map((c) => c.name).filter((n) => !['__Host-safe-contact-staff', '__Host-safe-contact-device'].includes(n)), [],
      'no cookie but the session and the known device');
    for (const c of cookies) {
      assert.deepEqual([c.httpOnly, c.secure, c.sameSite, c.path], [true, true, 'Strict', '/'], `${c.name} is locked down`);
    }
    assert.deepEqual(p.foreign, [], 'nothing was requested from another origin');
    assert.deepEqual(p.errors.filter((e) => e !== '401 DELETE /staff/api/session'), refusals, 'no other errors in the page');
    await p.context.close();
  }
});

test('an invite link with anything but a token the server makes sends nothing and says so', async () => {
  const token = 'q5mVJ0Xl2R8-kT_cZr1wW3yPn7oA9sHbD4eF6gUiLjM';
  const hostile = [
    '../requests/0b6f8a52-52d8-4e44-b4a3-0b8a7f5c1d2e',
    '../session',
    `${token.slice(0, 42)}/`,
    `${token.slice(0, 21)}?${token.slice(22)}`,
    `%2e%2e%2f${token.slice(9)}`,
    `${token}&role=lead`,
    token.slice(0, 42),
    '',
  ];
  for (const fragment of hostile) {
    const { context, page, errors } = await staffPage();
    const sent = [];
    page.on('request', (r) => sent.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(server.url(`/staff/#invite=${fragment}`));
    await page.getByRole('heading', { name: 'This invite link cannot be used' }).waitFor();
    await page.getByRole('alert').getByText('This invite link is not complete.').waitFor();
    assert.ok(!page.url().includes('#invite='), 'the link leaves the address bar');
    // Time for any request the app might still make.
    await page.waitForTimeout(500);
    const api = sent.filter((r) => r.includes('/staff/api/'));
    assert.deepEqual(api, [], `no request for #invite=${fragment}`);
    assert.ok(sent.every((r) => r.startsWith('GET /staff/')), `only the app's own files: ${sent}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
  // A token of the right shape that the server never made is looked up, in a POST body, and
  // the server's own refusal is shown.
  const { context, page } = await staffPage();
  const sent = [];
  page.on('request', (r) => sent.push(r));
  await page.goto(server.url(`/staff/#invite=${token}`));
  await page.getByRole('heading', { name: 'This invite link cannot be used' }).waitFor();
  const api = sent.filter((r) => new URL(r.url()).pathname.startsWith('/staff/api/'));
  assert.deepEqual(api.map((r) => [r.method(), new URL(r.url()).pathname, r.postData()]),
    [['POST', '/staff/api/invites/lookup', JSON.stringify({ token })]]);
  await context.close();
});

test('the inbox shows a request only if it is the one chosen, and flags one the form would refuse', async () => {
  assert.ok(requestId, 'runs after the request was sent');
  const { key_id: keyId, public_key: publicKey } =
    JSON.parse(readFileSync(path.join(ROOT, 'public/profiles/livin.json'), 'utf8')).callback.seal;
  const otherId = '9a1c4e7f-2b3d-4f5a-8c6e-0d1f2a3b4c5d';
  const request = (changes) => JSON.stringify({
    schema_version: 1, request_id: requestId, landlord: 'livin', area: 'darlington',
    contact_method: 'call', contact: '07700900999', safe_days: ['monday'], safe_times: ['morning'],
    leave_message: false, if_someone_else_answers: 'hang_up', consent: true, ...changes,
  });
  // What someone with write access to the database does: puts an envelope they sealed with
  // the profile's public key, as anyone can, in place of the stored one.
  const original = sql(`SELECT hex(enc) || ' ' || hex(ciphertext) FROM requests WHERE request_id = '${requestId}'`);
  const store = ([enc, ciphertext]) => sql(`UPDATE requests SET enc = x'${enc}', ciphertext = x'${ciphertext}' WHERE request_id = '${requestId}'`);
  const put = (json, bound) => {
    const e = seal(json, { publicKey, keyId, landlord: 'livin', requestId, ...bound });
    store([e.enc, e.ciphertext].map((b) => Buffer.from(b, 'base64url').toString('hex')));
  };

  const lead = await staffPage();
  await signIn(lead.page, LEAD);
  const main = lead.page.locator('main');
  const open = async (shows) => {
    await lead.page.getByRole('button', { name: /^Open request/ }).first().click();
    await lead.page.getByRole('alert').filter({ hasText: shows }).waitFor({ timeout: 30000 });
    const text = await main.innerText();
    await lead.page.getByRole('button', { name: 'Back to requests' }).click();
    return text;
  };
  const REFUSED = 'What the server sent is not the request you chose';
  for (const [what, json] of [
    ['another request id inside', request({ request_id: otherId })],
    ['another landlord inside', request({ landlord: 'stoke-on-trent' })],
  ]) {
    put(json);
    const text = await open(REFUSED);
    assert.ok(!text.includes('07700900999') && !text.includes('How to contact them safely'), `${what}: nothing of it is shown`);
  }
  // Sealed for another request: the seal binds its id, so it does not open in this one's place.
  put(request({ request_id: otherId }), { requestId: otherId });
  assert.ok(!(await open('This request could not be opened')).includes('07700900999'));

  // The form would refuse this one: it is shown, under a warning that says why.
  put(request({ area: 'narnia', contact: 'Call 0800 then visit https://example.org' }));
  const text = await open('Take care with this request');
  assert.ok(text.includes('How to contact them safely'), 'the request is still shown');
  assert.ok(text.includes('Choose your council area') && text.includes('Enter a UK phone number'), `the warning says what failed: ${text}`);

  store(original.split(' '));
  await openTheRequest(lead.page);
  await assertShowsTyped(lead.page);
  assert.ok(!(await main.innerText()).includes('Take care with this request'), 'the real request passes the form\'s checks');
  assert.deepEqual(lead.errors, []);
  await lead.context.close();
});

test('a copied number leaves the clipboard after a minute, at time-out and at sign-out', async () => {
  assert.ok(requestId, 'runs after the request was sent');
  const lead = await staffPage();
  const { page } = lead;
  await lead.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  // The page's own clock, so a minute can pass in a moment; the inbox's code is as it ships.
  await page.clock.install();
  const number = TYPED.contact.replace(/\s/g, '');
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const holds = async (value, what) => {
    for (let i = 0; i < 50 && (await clipboard()) !== value; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await clipboard(), value, what);
  };
  const copy = async () => {
    await page.getByRole('button', { name: /^Copy/ }).click();
    await holds(number, 'the number is copied');
  };
  // Time passes on the page; a member at work clicks now and then, so the inbox stays open.
  const pass = async (seconds, { working }) => {
    for (let s = 0; s < seconds; s += 5) {
      if (working) await page.locator('h1').click();
      await page.clock.runFor(5000);
    }
  };
  const instructions = page.getByRole('heading', { name: 'How to contact them safely' });

  await signIn(page, LEAD);
  await openTheRequest(page);
  await copy();
  await pass(55, { working: true });
  assert.equal(await clipboard(), number, 'still there before the minute is up');
  await pass(10, { working: true });
  await holds('', 'gone after a minute');
  assert.ok(await instructions.isVisible(), 'while the member is still at work on the request');

  // Something the member copied since is theirs, and stays.
  await copy();
  await page.evaluate(() => navigator.clipboard.writeText('a note of my own'));
  await pass(65, { working: true });
  await holds('a note of my own', 'what was copied since is left alone');

  await copy();
  await pass(IDLE_SECONDS + 5, { working: false });
  await page.getByText(/You were signed out/).waitFor();
  await holds('', 'gone at the time-out');

  await signIn(page, LEAD);
  await openTheRequest(page);
  await copy();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByText('You have signed out.').waitFor();
  await holds('', 'gone at sign-out');
  assert.deepEqual(lead.errors.filter((e) => e !== '401 DELETE /staff/api/session'), []);
  await lead.context.close();
});

test('a member sees their own security number, and is warned off when the server holds another key for them', async () => {
  const { context, page, errors } = await staffPage();
  const invite = endpoint.staff('invite', 'livin', RELIEF.email, '--role', 'officer').match(INVITE_LINK)[0];
  const number = await enrol(page, invite, RELIEF);
  // Whenever a lead asks, the member can read out the number of the key their passphrase opens.
  await signIn(page, RELIEF);
  await page.getByText('Your security number').click();
  assert.equal((await page.locator('#own-number').innerText()).trim(), number);
  assert.deepEqual(await axe(page), [], 'axe: the inbox with the member\'s own number shown');
  const [ink, paper] = await page.locator('#own-number').evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]);
  assert.notEqual(ink, paper, 'the number is not drawn in its own background colour');
  await page.setViewportSize({ width: 360, height: 740 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByText('You have signed out.').waitFor();

  // Someone with write access to the database puts their own key in the member's place, so that
  // a lead who checks the number the Team page shows, not the member's, seals grants to it.
  const swapped = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x;
  sql(`UPDATE members SET public_key = '${swapped}' WHERE email = '${RELIEF.email}'`);
  await page.getByLabel('Email address').fill(RELIEF.email);
  await page.getByLabel('Passphrase').fill(RELIEF.passphrase);
  await page.getByLabel('Code from your authenticator app').fill(await codes.next(RELIEF.email));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const warning = 'The key the server has for you is not the one your passphrase opens. Do not use the inbox; tell whoever runs it.';
  await page.locator('.error-summary').getByText(warning).waitFor({ timeout: 30000 });
  // The inbox goes no further: no list, no number, and the session the server started is ended.
  await page.getByRole('heading', { name: 'Sign in to the Safe Contact inbox' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Requests', exact: true }).count(), 0);
  assert.equal(await page.locator('#own-number').count(), 0);
  assert.equal(sql(`SELECT count(*) FROM sessions s JOIN members m ON m.member_id = s.member_id WHERE m.email = '${RELIEF.email}'`), '0');
  assert.deepEqual(await axe(page), [], 'axe: the warning');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the database, the logs and the e-mail hold nothing typed and no passphrase', () => {
  assert.ok(requestId, 'runs after the request was sent');
  const db = endpoint.databaseBytes();
  const places = { database: db, log: endpoint.log, email: sink.messages.map((m) => m.data).join('\n') };
  const secrets = [...Object.values(TYPED), TYPED.contact.replace(/\s/g, ''), LEAD.passphrase, OFFICER.passphrase, OTHER.passphrase, RELIEF.passphrase];
  for (const [where, text] of Object.entries(places)) {
    for (const value of secrets) assert.ok(!text.includes(value), `${where} holds ${value}`);
  }
  assert.ok(db.includes(requestId), 'the database was read (it holds the request id)');
});
