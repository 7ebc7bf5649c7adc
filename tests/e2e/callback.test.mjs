// The safe call-back form, end to end: the widget in Chromium, the real reference endpoint
// (built by `cargo test`) serving the demo pages on one origin, the form's frame on another,
// and storing requests in SQLite. Everything about the form is reached inside its frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  APP, EXIT, HOST, LANDLORDS, LAUNCHER, NO_STORAGE, formDrawn, formFrame, launch, newPage,
  profileOf, storageTrace,
} from './harness.mjs';
import { startEndpoint } from './endpoint.mjs';
const FORM = '.callback form';
const SUMMARY = '.error-summary';
const SENT = '.panel-success';
const FAILED = '.send-failed';
const PHONE = '07700 900123';

let browser;
let endpoint;
let server;

before(async () => {
  endpoint = await startEndpoint();
  server = endpoint.server;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await endpoint?.stop();
});

async function openForm(page, id) {
  await page.goto(server.url(`/demo/${id}.html`));
  await page.locator(LAUNCHER).waitFor({ state: 'visible' });
  await page.locator(LAUNCHER).press('Enter');
  await page.locator(APP).waitFor({ state: 'visible' });
  const button = page.locator(`${HOST} .fold-button[aria-controls="sc-callback"]`);
  await button.press('Enter');
  await formFrame(page).locator(FORM).waitFor({ state: 'visible' });
  await button.focus();
}

// What has focus inside the form's frame (the page sees only the frame element).
async function frameActive(page) {
  const frame = await formDrawn(page);
  return frame.evaluate(() => {
    const a = document.activeElement;
    return a && { id: a.id, cls: typeof a.className === 'string' ? a.className : '', tag: a.tagName.toLowerCase() };
  });
}
const describeFocus = (f) => (f ? `${f.tag}#${f.id}.${f.cls}` : '(nothing)');

// Presses Tab until focus reaches the element with `id`, as a keyboard user would.
async function tabTo(page, id) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focus = await frameActive(page).catch(() => null);
    if (focus?.id === id) return;
  }
  throw new Error(`Tab never reached #${id}; focus is on ${describeFocus(await frameActive(page))}`);
}

// Fills the whole form with the keyboard alone, in the order the form shows it.
async function fillByKeyboard(page, profile) {
  if (profile.areas.length > 1) {
    await tabTo(page, 'sc-f-area');
    await page.keyboard.press('Space');
  }
  await tabTo(page, 'sc-f-contact_method');
  await page.keyboard.press('ArrowDown'); // Text message
  await tabTo(page, 'sc-f-contact');
  await page.keyboard.type(PHONE);
  await tabTo(page, 'sc-f-safe_days');
  await page.keyboard.press('Space'); // Monday
  await tabTo(page, 'sc-f-safe_times');
  await page.keyboard.press('Space'); // Morning
  await tabTo(page, 'sc-f-if_someone_else_answers');
  await page.keyboard.press('Space'); // End the call
  await tabTo(page, 'sc-f-consent');
  await page.keyboard.press('Space');
}

async function sendByKeyboard(page) {
  await formFrame(page).locator(`${FORM} button[type="submit"]`).focus();
  await page.keyboard.press('Enter');
}

function watchPosts(page) {
  const sealedPosts = [];
  const plainPosts = [];
  const foreign = [];
  page.on('request', (r) => {
    if (![server.origin, server.formOrigin].includes(new URL(r.url()).origin)) foreign.push(r.url());
    if (r.method() !== 'POST') return;
    if (r.url().endsWith('/v1/callbacks/sealed')) sealedPosts.push(r.postData());
    else if (r.url().endsWith('/v1/callbacks')) plainPosts.push(r.postData());
  });
  return { sealedPosts, plainPosts, foreign };
}

// Lets the widget seal and send, but changes the envelope on its way to the endpoint.
async function tamperWith(page, change) {
  await page.route('**/v1/callbacks/sealed', (route) => {
    const envelope = JSON.parse(route.request().postData());
    change(envelope);
    return route.continue({ postData: JSON.stringify(envelope) });
  });
}

async function sendOne(id, setup) {
  const { context, page } = await newPage(browser, server);
  await setup?.(page);
  await openForm(page, id);
  await fillByKeyboard(page, profileOf(id));
  await sendByKeyboard(page);
  await formFrame(page).locator(`${SENT}:visible, ${FAILED}:visible`).first().waitFor({ timeout: 30000 });
  const sent = await formFrame(page).locator(SENT).isVisible();
  const text = await formFrame(page).locator(sent ? SENT : FAILED).innerText();
  await context.close();
  return { sent, text };
}


for (const id of LANDLORDS) {
  test(`${id}: a request filled and sent by keyboard alone lands once in the endpoint's database`, async () => {
    const profile = profileOf(id);
    const already = endpoint.stored(id).length;
    const { context, page } = await newPage(browser, server);
    const { sealedPosts, plainPosts, foreign } = watchPosts(page);
    await openForm(page, id);
    await fillByKeyboard(page, profile);
    assert.deepEqual(await storageTrace(page), NO_STORAGE, 'nothing typed or chosen was stored, at any moment');
    await sendByKeyboard(page);
    await formFrame(page).locator(SENT).waitFor({ state: 'visible' });
    assert.match(await formFrame(page).locator(SENT).innerText(), new RegExp(profile.callback.next_steps.slice(0, 30)));
    const focus = await frameActive(page);
    assert.match(focus.cls, /panel-success/, `focus moves to the confirmation, not ${describeFocus(focus)}`);
    assert.deepEqual(await storageTrace(page), NO_STORAGE, 'a sent request leaves nothing behind');
    assert.equal(await formFrame(page).locator(`#sc-f-contact`).inputValue(), '', 'the answers are gone from the page');
    const rows = endpoint.stored(id);
    assert.equal(rows.length, already + 1, rows.join('\n'));
    const stored = endpoint.show(id, rows.at(-1).split(/\s+/)[0]);
    assert.match(stored, /7700 ?900 ?123/, 'opened with the private key, the number typed is the number stored');
    assert.ok(sealedPosts.length >= 1 && plainPosts.length === 0, 'the request left the browser sealed, never in plain text');
    // The whole number, not a part of it: four digits can turn up by chance in the base64 ciphertext.
    for (const post of sealedPosts) assert.doesNotMatch(post, /07700 ?900 ?123/);
    assert.deepEqual(foreign, [], 'sending talks only to the landlord\'s own origins');
    await context.close();
  });
}

test('bad input shows an error summary whose links move focus without changing the address', async () => {
  const { context, page } = await newPage(browser, server);
  await openForm(page, 'stockport-homes');
  const already = endpoint.stored('stockport-homes').length;
  const url = page.url();
  const historyLength = await page.evaluate(() => history.length);
  await tabTo(page, 'sc-f-contact_method');
  await page.keyboard.press('Space'); // Phone call
  await tabTo(page, 'sc-f-contact');
  await page.keyboard.type('12345');
  await sendByKeyboard(page);
  await formFrame(page).locator(SUMMARY).waitFor({ state: 'visible' });
  const focus = await frameActive(page);
  assert.match(focus.cls, /error-summary/, `focus moves to the summary, not ${describeFocus(focus)}`);
  const summary = await formFrame(page).locator(SUMMARY).innerText();
  assert.match(summary, /There is a problem/);
  assert.match(summary, /UK phone number/);
  assert.match(summary, /day/);
  assert.match(summary, /agree/);
  const message = formFrame(page).locator(`#sc-f-contact-error`);
  assert.match(await message.innerText(), /UK phone number/);
  assert.match(await formFrame(page).locator(`#sc-f-contact`).getAttribute('aria-describedby'), /sc-f-contact-error/);
  await formFrame(page).locator(`${SUMMARY} a`, { hasText: 'UK phone number' }).press('Enter');
  assert.equal((await frameActive(page)).id, 'sc-f-contact');
  assert.equal(page.url(), url, 'the summary link must not add a hash');
  assert.equal(await page.evaluate(() => history.length), historyLength);
  assert.equal(endpoint.stored('stockport-homes').length, already, 'nothing is sent while answers are wrong');
  await context.close();
});

test('every field is autocomplete=off and spellcheck=false', async () => {
  const { context, page } = await newPage(browser, server);
  await openForm(page, 'livin');
  const fields = await formFrame(page).locator(`${FORM} input`).evaluateAll((els) =>
    els.map((e) => ({ id: e.id, autocomplete: e.getAttribute('autocomplete'), spellcheck: e.getAttribute('spellcheck') })));
  assert.ok(fields.length >= 15, `expected the whole form, found ${fields.length} inputs`);
  for (const f of fields) {
    assert.equal(f.autocomplete, 'off', f.id);
    assert.equal(f.spellcheck, 'false', f.id);
  }
  await context.close();
});

test('with the endpoint down the answers stay on screen with numbers to call, and a retry stores exactly one request', async () => {
  const id = 'star-housing';
  const profile = profileOf(id);
  const already = endpoint.stored(id).length;
  const { context, page } = await newPage(browser, server);
  await openForm(page, id);
  await fillByKeyboard(page, profile);
  await endpoint.stop();
  try {
    await sendByKeyboard(page);
    await formFrame(page).locator(FAILED).waitFor({ state: 'visible', timeout: 30000 });
    const failed = await formFrame(page).locator(FAILED).innerText();
    assert.match(failed, /has not been sent/);
    assert.match(failed, /999/);
    assert.match(failed, /0808 2000 247/, 'the national helpline is offered');
    assert.equal(await formFrame(page).locator(`#sc-f-contact`).inputValue(), PHONE, 'what was typed is still there');
    assert.deepEqual(await storageTrace(page), NO_STORAGE, 'the unsent answers are on screen only, not stored');
    await page.locator(EXIT).waitFor({ state: 'visible' });
  } finally {
    await endpoint.start();
  }
  await sendByKeyboard(page);
  await formFrame(page).locator(SENT).waitFor({ state: 'visible', timeout: 30000 });
  assert.equal(endpoint.stored(id).length, already + 1);
  await context.close();
});

test('the answers live in the page only: a reload loses them', async () => {
  const { context, page } = await newPage(browser, server);
  await openForm(page, 'chesterfield');
  await tabTo(page, 'sc-f-contact');
  await page.keyboard.type(PHONE);
  assert.deepEqual(await storageTrace(page), NO_STORAGE);
  await page.reload();
  await openForm(page, 'chesterfield');
  assert.equal(await formFrame(page).locator(`#sc-f-contact`).inputValue(), '');
  await context.close();
});

/** Every input of the form with its value and whether it is checked. */
function formState(page) {
  return formFrame(page).locator(`${FORM} input`).evaluateAll((inputs) => inputs.map((i) => `${i.id}=${i.value}${i.checked ? ' (checked)' : ''}`));
}

test('Close forgets every answer: the form is as new when the panel opens again', async () => {
  const id = 'livin';
  const { context, page } = await newPage(browser, server);
  await openForm(page, id);
  const fresh = await formState(page);
  await fillByKeyboard(page, profileOf(id));
  await tabTo(page, 'sc-f-name_to_ask_for');
  await page.keyboard.type('Sam');
  assert.notDeepEqual(await formState(page), fresh, 'the form was filled');
  await page.locator(`${HOST} button.close`).press('Enter');
  const closed = await page.locator(HOST).evaluate((host) => ({
    frames: host.shadowRoot.querySelectorAll('iframe').length,
    text: host.shadowRoot.textContent,
  }));
  assert.equal(closed.frames, 0, 'the closed panel holds no form frame');
  assert.equal(page.frames().length, 1, 'the frame and its answers are gone');
  assert.doesNotMatch(closed.text, /Sam|7700/);
  await page.locator(LAUNCHER).press('Enter');
  await page.locator(APP).waitFor({ state: 'visible' });
  const button = page.locator(`${HOST} .fold-button[aria-controls="sc-callback"]`);
  await button.press('Enter');
  await formFrame(page).locator(FORM).waitFor({ state: 'visible' });
  assert.deepEqual(await formState(page), fresh, 'no answer survived Close');
  assert.deepEqual(await storageTrace(page), NO_STORAGE);
  await context.close();
});

test('when the endpoint asks for a long wait, the person is told when to send again and keeps the answers', async () => {
  const id = 'stockport-homes';
  const { context, page } = await newPage(browser, server);
  await page.route('**/v1/callbacks/sealed', (route) => route.fulfill({
    status: 429, headers: { 'Retry-After': '600', 'Content-Type': 'application/json' }, body: '{"error":"busy"}',
  }));
  await openForm(page, id);
  await fillByKeyboard(page, profileOf(id));
  await sendByKeyboard(page);
  await formFrame(page).locator(FAILED).waitFor({ state: 'visible' });
  assert.match(await formFrame(page).locator(FAILED).innerText(), /send it again in 10 minutes/);
  const focus = await frameActive(page);
  assert.match(focus.cls, /send-failed/, `focus moves to the note, not ${describeFocus(focus)}`);
  assert.equal(await formFrame(page).locator(`#sc-f-contact`).inputValue(), PHONE, 'what was typed is still there');
  await context.close();
});

test('neither the database nor the server log holds anything that was typed', async () => {
  const bytes = endpoint.databaseBytes();
  assert.ok(bytes.length > 0, 'the database was read');
  for (const value of ['7700900123', '07700 900123', '7700 900123']) {
    assert.ok(!bytes.includes(value), `the database holds ${value}`);
    assert.ok(!endpoint.log.includes(value), `the log holds ${value}`);
  }
});

test('a tampered ciphertext is stored but the staff tool refuses to open it', async () => {
  const id = 'livin';
  const result = await sendOne(id, (page) => tamperWith(page, (e) => {
    e.ciphertext = (e.ciphertext[0] === 'A' ? 'B' : 'A') + e.ciphertext.slice(1);
  }));
  assert.ok(result.sent, 'the endpoint cannot tell, so it accepts the envelope');
  const row = endpoint.stored(id).at(-1).split(/\s+/)[0];
  assert.match(endpoint.refusal(id, row), /could not|cannot|tamper|changed/i);
});

test('wrong associated data (a moved request id) is refused by the staff tool', async () => {
  const id = 'chesterfield';
  const moved = '11111111-2222-4333-8444-555555555555';
  const result = await sendOne(id, (page) => tamperWith(page, (e) => { e.request_id = moved; }));
  assert.ok(result.sent);
  assert.match(endpoint.refusal(id, moved), /could not|cannot|tamper|changed|request id/i);
});

test('an unknown key id is refused by the endpoint and the person is told, with numbers to call', async () => {
  const id = 'stockport-homes';
  const already = endpoint.stored(id).length;
  const result = await sendOne(id, (page) => tamperWith(page, (e) => { e.key_id = 'stockport-homes-unknown-9'; }));
  assert.equal(result.sent, false);
  assert.match(result.text, /has not been sent/);
  assert.match(result.text, /0808 2000 247/);
  assert.equal(endpoint.stored(id).length, already);
});

test('when sealing fails nothing is sent, not even in plain text, and the person is told', async () => {
  const id = 'stoke-on-trent';
  let posts = 0;
  const result = await sendOne(id, async (page) => {
    page.on('request', (r) => { if (r.method() === 'POST') posts += 1; });
    // The seal key comes from the endpoint's frame page, never from the landlord's page.
    await page.route(`**/v1/form/${id}*`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(/"public_key":"[^"]*"/, `"public_key":"${'A'.repeat(43)}"`);
      return route.fulfill({ response, body: html }); // a well-formed but unusable (all-zero) key
    });
  });
  assert.equal(result.sent, false);
  assert.match(result.text, /could not protect your request/);
  assert.match(result.text, /999/);
  assert.equal(posts, 0, 'no request of any kind left the browser');
});

test('the interpreter hint makes the stronger promise only for a landlord whose profile opts in', async () => {
  const { ui } = JSON.parse(readFileSync(new URL('../../profile/content/ui.en.json', import.meta.url), 'utf8'));
  const id = 'stockport-homes';
  const hint = async (optIn) => {
    const { context, page } = await newPage(browser, server);
    let opted = false;
    if (optIn) {
      // The form reads the profile from the endpoint's page, never from the landlord's.
      await page.route(`**/v1/form/${id}*`, async (route) => {
        const response = await route.fetch();
        const html = await response.text();
        const changed = html.replace('"next_steps":', '"professional_interpreters_only":true,"next_steps":');
        opted = changed !== html;
        return route.fulfill({ response, body: changed });
      });
    }
    await openForm(page, id);
    const text = await formFrame(page).locator('#sc-f-interpreter_language-hint').textContent();
    await context.close();
    assert.equal(opted, optIn, 'the profile in the frame\'s page opts in');
    return text;
  };
  assert.equal(await hint(false), ui['callback.interpreter_language.hint']);
  assert.equal(ui['callback.interpreter_language.hint'], 'You can ask for a professional interpreter.');
  assert.equal(await hint(true), ui['callback.interpreter_language.hint_professionals_only']);
});
