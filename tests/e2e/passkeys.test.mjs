// Passkeys in the staff inbox, in Chromium with its DevTools virtual authenticator, against the
// real endpoint served on http://localhost (browsers refuse an IP address as a passkey's
// domain). A lead adds a passkey, signs in with it and the passphrase, and opens a request (so
// the passphrase still unwrapped their key); a passkey that cannot check it is the person gives
// a plain message and no session; a lead requires passkeys and an officer can then only add
// one; a lost device's passkeys are removed by a lead; and the authenticator app stays the way
// in for a member without passkeys whenever the team does not require them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';
import { keyFile, startEndpoint } from './endpoint.mjs';
import { codeTracker } from './totp.mjs';
import { INVITE_LINK, axe, enrol, openTheRequest, sendFromLivin, sqlOn, watchedPage } from './staff-helpers.mjs';

const LEAD = { email: 'lead@livin.example', passphrase: 'harbour lantern pebble orchard' };
const OFFICER = { email: 'officer@livin.example', passphrase: 'meadow violin copper tide' };
const NOT_USED = 'The passkey was not used.';

let browser, endpoint, origin;
const codes = codeTracker();

before(async () => {
  endpoint = await startEndpoint((text, ip) => text
    .replace(/^base_url = .*$/m, `base_url = "${ip.replace('127.0.0.1', 'localhost')}"`));
  origin = endpoint.server.origin.replace('127.0.0.1', 'localhost');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await endpoint?.stop();
});

/** A watched page on the inbox's origin with a virtual authenticator that verifies its user. */
async function staffPage(viewport) {
  const p = await watchedPage(browser, origin, viewport);
  p.cdp = await p.context.newCDPSession(p.page);
  await p.cdp.send('WebAuthn.enable', { enableUI: false });
  ({ authenticatorId: p.authenticatorId } = await p.cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  }));
  p.credentials = async () => (await p.cdp.send('WebAuthn.getCredentials', { authenticatorId: p.authenticatorId })).credentials;
  return p;
}

const sql = (statement) => sqlOn(endpoint, statement);

async function fillSignIn(page, who) {
  await page.goto(`${origin}/staff/`);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Passphrase').fill(who.passphrase);
}

/** Signs in with the code from the authenticator app; waits for `heading`. */
async function signInWithCode(page, who, heading = 'Requests') {
  await fillSignIn(page, who);
  await page.getByLabel('Code from your authenticator app').fill(await codes.next(who.email));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (heading) await page.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 30000 });
}

/** Signs in with a passkey, by keyboard alone from the passphrase field. */
async function signInWithPasskey(page, who) {
  await fillSignIn(page, who);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
  await page.getByLabel('Passphrase').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Sign in with a passkey',
    'the passkey button is reached by Tab, after the code and "Sign in"');
  await page.keyboard.press('Enter');
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
}

async function addPasskey(page, who, name) {
  await page.getByLabel('Name for this passkey').fill(name);
  await page.getByLabel('Your passphrase').fill(who.passphrase);
  // Enter in the last field sends the form, as a keyboard user would.
  await page.getByLabel('Your passphrase').press('Enter');
  await page.getByRole('heading', { name: `Passkey added: ${name}` }).waitFor({ timeout: 30000 });
}

const hasSession = async (context) => (await context.cookies()).some((c) => c.name === '__Host-safe-contact-staff');
const audit = (action) => sql(`SELECT actor FROM audit WHERE action = '${action}' ORDER BY rowid`).split('\n').filter(Boolean);

test('a team adds passkeys, signs in with them, can require them, and keeps the app code as the fallback', async () => {
  await sendFromLivin(browser, endpoint.server);

  // The lead enrols with the authenticator app, and gets the landlord key from the key file.
  const lead = await staffPage();
  const leadInvite = endpoint.staff('invite', 'livin', LEAD.email, '--role', 'lead').match(INVITE_LINK)[0];
  assert.ok(leadInvite.startsWith(`${origin}/staff/`), `the invite link is on the localhost origin: ${leadInvite}`);
  const leadNumber = await enrol(lead.page, leadInvite, LEAD, codes);
  endpoint.staff('grant', 'livin', LEAD.email, '--key', keyFile('livin'), '--fingerprint', leadNumber);

  // Signed in with the code, the lead adds a passkey on "Your passkeys".
  await signInWithCode(lead.page, LEAD);
  await lead.page.getByRole('button', { name: 'Your passkeys' }).click();
  await lead.page.getByRole('heading', { name: 'Your passkeys', exact: true }).waitFor();
  await lead.page.getByText('You have not added a passkey yet.').waitFor();
  assert.deepEqual(await axe(lead.page), [], 'axe: Your passkeys, none yet');
  // The form's own checks come first, in the error summary.
  await lead.page.getByRole('button', { name: 'Add a passkey' }).click();
  const summary = lead.page.locator('.error-summary');
  assert.match(await summary.innerText(), /Enter a name for the passkey[\s\S]*Enter your passphrase/);
  await addPasskey(lead.page, LEAD, 'Work laptop');
  const row = lead.page.getByRole('row').filter({ hasText: 'Work laptop' });
  assert.match(await row.innerText(), /\d{4} at \d\d:\d\d UTC\s+Not yet/, 'the list shows when it was added, and that it is not used yet');
  assert.deepEqual(await axe(lead.page), [], 'axe: Your passkeys, one added');
  const made = await lead.credentials();
  assert.equal(made.length, 1);
  assert.deepEqual([made[0].rpId, made[0].isResidentCredential, made[0].userName], ['localhost', true, LEAD.email]);
  assert.deepEqual(audit('added a passkey'), [LEAD.email]);

  // Signed out, the lead signs in with the passphrase and the passkey, by keyboard, and opens
  // the request: the passphrase still unwrapped their key.
  await signOut(lead.page);
  assert.deepEqual(await axe(lead.page), [], 'axe: sign-in with the passkey button');
  await signInWithPasskey(lead.page, LEAD);
  await lead.page.getByRole('heading', { name: 'Requests', exact: true }).waitFor({ timeout: 30000 });
  await openTheRequest(lead.page);
  await lead.page.getByRole('button', { name: 'Audit', exact: true }).click();
  await lead.page.getByRole('cell', { name: 'signed in with a passkey' }).waitFor();
  assert.match(sql(`SELECT last_used_at IS NOT NULL FROM passkeys`), /^1$/, 'the passkey\'s last use is kept');

  // A passkey that cannot check it is the person: a plain message, and no session.
  const second = await staffPage();
  await second.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: second.authenticatorId });
  await lead.cdp.send('WebAuthn.setUserVerified', { authenticatorId: lead.authenticatorId, isUserVerified: false });
  await lead.context.clearCookies();
  await signInWithPasskey(lead.page, LEAD);
  await summary.getByText(NOT_USED).waitFor({ timeout: 30000 });
  assert.match(await summary.innerText(), /Try again, or sign in with the code from your authenticator app/);
  assert.equal(await lead.page.evaluate(() => document.activeElement.id), 'error-summary', 'focus moves to the error summary');
  assert.ok(!(await hasSession(lead.context)), 'no session');
  assert.deepEqual(await axe(lead.page), [], 'axe: a passkey that was not used');
  // The summary's link takes focus back to the passkey button.
  await summary.getByRole('link').click();
  assert.equal(await lead.page.evaluate(() => document.activeElement.id), 'passkey-sign-in');
  await lead.cdp.send('WebAuthn.setUserVerified', { authenticatorId: lead.authenticatorId, isUserVerified: true });
  await signInWithPasskey(lead.page, LEAD);
  await lead.page.getByRole('heading', { name: 'Requests', exact: true }).waitFor({ timeout: 30000 });

  // The lead requires passkeys for the team.
  await lead.page.getByRole('button', { name: 'Team', exact: true }).click();
  await lead.page.getByRole('heading', { name: 'Require passkeys' }).waitFor();
  await lead.page.getByRole('button', { name: 'Require passkeys' }).click();
  await lead.page.getByText('Passkeys are required for your team.', { exact: true }).waitFor();
  assert.deepEqual(await axe(lead.page), [], 'axe: Team with passkeys required');
  assert.deepEqual(audit('required passkeys'), [LEAD.email]);
  // Now the lead's code alone is refused, in plain words.
  await signInWithCode(second.page, LEAD, null);
  await second.page.locator('.error-summary').getByText('Your team signs in with passkeys').waitFor({ timeout: 30000 });
  assert.ok(!(await hasSession(second.context)));
  await second.context.close();

  // An officer who enrols can only add a passkey, and nothing else, until they do.
  const officer = await staffPage({ width: 360, height: 740 });
  const officerInvite = endpoint.staff('invite', 'livin', OFFICER.email, '--role', 'officer').match(INVITE_LINK)[0];
  await enrol(officer.page, officerInvite, OFFICER, codes);
  await signInWithCode(officer.page, OFFICER, 'Add a passkey to carry on');
  await officer.page.getByText('Until you do, you can only add a passkey or sign out.').waitFor();
  const nav = await officer.page.getByRole('navigation').innerText();
  assert.ok(!nav.includes('Inbox') && nav.includes('Your passkeys') && nav.includes('Sign out'), `only passkeys and sign out: ${nav}`);
  const blocked = await officer.page.evaluate(async () => {
    const r = await fetch('/staff/api/requests');
    return [r.status, (await r.json()).must_add_passkey];
  });
  assert.deepEqual(blocked, [403, true], 'the server lets the session do nothing else');
  assert.deepEqual(await axe(officer.page), [], 'axe: the add-a-passkey screen');
  await addPasskey(officer.page, OFFICER, 'Phone');
  // Adding it does not open the inbox to this session, which a phished code could have made:
  // only a sign-in with the passkey does.
  const stillBlocked = await officer.page.evaluate(async () => (await fetch('/staff/api/requests')).status);
  assert.equal(stillBlocked, 403, 'the session that added the passkey still cannot read requests');
  await officer.page.getByRole('button', { name: 'Sign in with your passkey' }).click();
  await officer.page.getByText('Sign in with your passphrase and your new passkey.').waitFor();
  await signInWithPasskey(officer.page, OFFICER);
  await officer.page.getByRole('heading', { name: 'Requests', exact: true }).waitFor({ timeout: 30000 });
  assert.ok(await officer.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');

  // The officer loses the device: the lead removes their passkeys, after a confirmation, and
  // their session ends. With the team still requiring passkeys, they must add one again.
  await lead.page.getByRole('button', { name: 'Inbox', exact: true }).click();
  await lead.page.getByRole('button', { name: 'Team', exact: true }).click();
  await lead.page.getByRole('button', { name: `Remove passkeys of ${OFFICER.email}` }).click();
  await lead.page.getByText(`Remove all of ${OFFICER.email}'s passkeys?`).waitFor();
  // Focus moves to the question, so a screen reader reads it next.
  await lead.page.waitForFunction(() => document.activeElement.id.startsWith('remove-passkeys-'));
  assert.deepEqual(await axe(lead.page), [], 'axe: removing a member\'s passkeys');
  await lead.page.getByRole('button', { name: 'Yes, remove their passkeys' }).click();
  await lead.page.getByRole('button', { name: `Remove passkeys of ${OFFICER.email}` }).waitFor({ state: 'detached' });
  assert.equal(sql(`SELECT count(*) FROM passkeys p JOIN members m USING (member_id) WHERE m.email = '${OFFICER.email}'`), '0');
  assert.deepEqual(audit('removed passkeys'), [LEAD.email]);
  await officer.page.getByRole('button', { name: 'Check for new requests' }).click();
  await officer.page.getByText(/You were signed out/).waitFor();
  await signInWithCode(officer.page, OFFICER, 'Add a passkey to carry on');
  await signOut(officer.page);

  // The lead stops requiring passkeys: the app code is the way in again for a member without one.
  await lead.page.getByRole('button', { name: 'Stop requiring passkeys' }).click();
  await lead.page.getByText('Passkeys are not required for your team.', { exact: true }).waitFor();
  await signInWithCode(officer.page, OFFICER);
  await officer.page.getByText('You cannot open requests yet').waitFor();

  // The lead removes their own passkey (after a confirmation) and opens the request again
  // after signing in with the app code: nothing was lost with it.
  await lead.page.getByRole('button', { name: 'Your passkeys' }).click();
  await lead.page.getByRole('button', { name: 'Remove the passkey Work laptop' }).click();
  await lead.page.getByRole('button', { name: 'Yes, remove it' }).click();
  await lead.page.getByText('You have not added a passkey yet.').waitFor();
  assert.deepEqual(audit('removed a passkey'), [LEAD.email]);
  await signOut(lead.page);
  await signInWithCode(lead.page, LEAD);
  await openTheRequest(lead.page);

  // The only refusals are those provoked above, and nothing else went wrong in the pages.
  assert.deepEqual(lead.errors.filter((e) => !/^4\d\d /.test(e)), [], 'no page errors');
  assert.deepEqual(officer.errors, ['403 GET /staff/api/requests', '403 GET /staff/api/requests', '401 GET /staff/api/requests']);
  for (const p of [lead, officer]) {
    assert.deepEqual(p.foreign, [], 'nothing was requested from another origin');
    await p.context.close();
  }
});
