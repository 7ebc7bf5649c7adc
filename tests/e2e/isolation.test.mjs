// The call-back form in its own origin, tried as a landlord's page's own scripts would: host
// scripts sit in the page's HTML right after the loader's tag, where a tag manager or chat
// widget would. The widget's shadow roots stay closed, as the widget made them: the tests reach
// the panel through the accessibility tree (Chromium's DevTools protocol, which sees through
// closed roots as a screen reader does) and the form inside its frame, as a person would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_EXIT, launch, newPage, profileOf } from './harness.mjs';
import { startEndpoint } from './endpoint.mjs';

const PHONE = '07700 900123';
const NAME = 'Zofia';
const TYPED = [PHONE, '7700', '900123', NAME];

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

/** A copy of Livin's demo page with `script` right after the loader's tag; returns its path. */
function hostPage(name, script) {
  const demo = path.join(endpoint.dir, 'dist', 'demo');
  const html = readFileSync(path.join(demo, 'livin.html'), 'utf8')
    .replace(/(<script src="\/safe-contact\.js"[^>]*><\/script>)/, `$1\n  <script>${script}</script>`);
  assert.ok(html.includes(script), 'the host script went into the page');
  writeFileSync(path.join(demo, `${name}.html`), html);
  return `/demo/${name}.html`;
}

/** Clicks the element with this role and accessible name, found through closed shadow roots. */
async function clickByRole(page, role, name) {
  const cdp = await page.context().newCDPSession(page);
  try {
    for (let i = 0; i < 100; i++) {
      const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
      const { nodes } = await cdp.send('Accessibility.queryAXTree', {
        backendNodeId: root.backendNodeId, role, accessibleName: name,
      });
      const found = nodes.find((n) => !n.ignored && n.backendDOMNodeId);
      if (found) {
        await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: found.backendDOMNodeId });
        const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: found.backendDOMNodeId });
        const [x1, y1, , , x3, y3] = model.content;
        await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
        return;
      }
      await page.waitForTimeout(100);
    }
    throw new Error(`no ${role} named "${name}"`);
  } finally {
    await cdp.detach();
  }
}

/** The form's frame, once it has drawn the form. */
async function formFrame(page) {
  for (let i = 0; i < 150; i++) {
    const frame = page.frames().find((f) => f.url().includes('/v1/form/'));
    if (frame && await frame.locator('form').count()) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the form never drew in its frame');
}

/** Opens the panel and the form as a person would, and fills it with the keyboard. */
async function openAndFill(page, url) {
  await page.goto(server.url(url));
  await clickByRole(page, 'button', 'Domestic abuse support');
  await clickByRole(page, 'button', 'Ask us to contact you safely');
  const frame = await formFrame(page);
  await frame.getByRole('radio', { name: 'Darlington' }).check();
  await frame.getByRole('radio', { name: 'Text message' }).check();
  await frame.getByRole('textbox', { name: /safe phone number/i }).click();
  await page.keyboard.type(PHONE);
  await frame.getByRole('checkbox', { name: 'Monday' }).check();
  await frame.getByRole('checkbox', { name: 'Morning' }).check();
  await frame.getByRole('radio', { name: /End the call/ }).check();
  await frame.getByRole('textbox', { name: /name to ask for/i }).click();
  // A paste, as some phones' keyboards and a copied name give it.
  await page.keyboard.insertText(NAME);
  await frame.getByRole('checkbox', { name: /I agree/ }).check();
  return frame;
}

async function send(page, frame) {
  const before = endpoint.stored('livin').length;
  await frame.getByRole('button', { name: 'Send request' }).click();
  await frame.locator('.panel-success').waitFor({ state: 'visible', timeout: 30000 });
  const rows = endpoint.stored('livin');
  assert.equal(rows.length, before + 1, 'the request was stored');
  const stored = endpoint.show('livin', rows.at(-1).split(/\s+/)[0]);
  assert.match(stored, /7700 ?900 ?123/, 'the form sent what was typed');
  assert.match(stored, new RegExp(NAME), 'and what was pasted');
}

function assertNothingTyped(seen, what) {
  const text = JSON.stringify(seen);
  for (const value of TYPED) assert.ok(!text.includes(value), `${what} saw "${value}": ${text.slice(0, 300)}`);
}

test('no host listener sees what is typed into the form, and the form still sends it', async () => {
  const types = ['keydown', 'keypress', 'keyup', 'beforeinput', 'input', 'compositionend', 'paste'];
  const url = hostPage('host-listeners', `
    window.__seen = [];
    for (const target of [window, document]) for (const capture of [true, false])
      for (const type of ${JSON.stringify(types)}) target.addEventListener(type, (e) => {
        window.__seen.push([type, e.key, e.data, e.clipboardData && e.clipboardData.getData('text'),
          e.target && e.target.value, e.composedPath().map((n) => n.value).filter(Boolean)]);
      }, capture);`);
  const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
  try {
    const frame = await openAndFill(page, url);
    const seen = await page.evaluate(() => window.__seen);
    assert.ok(seen !== undefined, 'the host script ran');
    assertNothingTyped(seen, 'a host listener');
    await send(page, frame);
    assertNothingTyped(await page.evaluate(() => window.__seen), 'a host listener');
  } finally { await context.close(); }
});

test('a host that wraps attachShadow and the value accessor of inputs reads none of it', async () => {
  const url = hostPage('host-patches', `
    window.__read = [];
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      window.__read.push('root');
      return root;
    };
    const value = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
    Object.defineProperty(HTMLInputElement.prototype, 'value', {
      get() { const v = value.get.call(this); window.__read.push(v); return v; },
      set(v) { window.__read.push(v); value.set.call(this, v); },
    });`);
  const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
  try {
    const frame = await openAndFill(page, url);
    await send(page, frame);
    const read = await page.evaluate(() => window.__read);
    assert.ok(Array.isArray(read), 'the host script ran');
    assertNothingTyped(read, 'a patched prototype');
  } finally { await context.close(); }
});

test('the frame leaves no trace: no history entry, no storage in either origin, no cookie', async () => {
  const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
  try {
    await page.goto(server.url('/demo/livin.html'));
    const history = await page.evaluate(() => history.length);
    const frame = await openAndFill(page, '/demo/livin.html');
    await send(page, frame);
    assert.equal(await page.evaluate(() => history.length), history, 'using the form added no history entry');
    for (const f of [page.mainFrame(), frame]) {
      // A frame from another site may be refused storage altogether, which is as good.
      const trace = await f.evaluate(async () => {
        const keys = async (read) => { try { return await read(); } catch { return []; } };
        return {
          writes: window.__storageWrites,
          session: await keys(() => Object.keys(sessionStorage)),
          local: await keys(() => Object.keys(localStorage)),
          indexedDB: await keys(async () => (await indexedDB.databases()).map((d) => d.name)),
          caches: await keys(() => caches.keys()),
        };
      });
      assert.deepEqual(trace, { writes: [], session: [], local: [], indexedDB: [], caches: [] }, `storage in ${f.url()}`);
    }
    assert.deepEqual(await context.cookies(), [], 'no cookie in either origin');
  } finally { await context.close(); }
});

test('with the frame blocked, the panel says so and gives 999, the helpline and the landlord\'s numbers', async () => {
  const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
  try {
    await page.route('**/v1/form/**', (route) => route.abort('blockedbyclient'));
    await page.goto(server.url('/demo/livin.html'));
    await clickByRole(page, 'button', 'Domestic abuse support');
    await clickByRole(page, 'button', 'Ask us to contact you safely');
    const cdp = await context.newCDPSession(page);
    let text = '';
    for (let i = 0; i < 100 && !text.includes('could not open'); i++) {
      await page.waitForTimeout(100);
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      text = nodes.filter((n) => !n.ignored).map((n) => n.name?.value || '').join('\n');
    }
    assert.match(text, /The form could not open/);
    for (const c of profileOf('livin').landlord_contacts.flatMap((s) => s.contacts)) {
      if (c.kind === 'phone') assert.ok(text.includes(c.value), `the landlord's number ${c.value}`);
    }
    assert.match(text, /0808 2000 247/, 'the national helpline');
    assert.match(text, /999/);
  } finally { await context.close(); }
});

for (const how of ['Shift three times', 'the frame\'s own exit']) {
  test(`${how} inside the frame leaves the whole page, and Back does not return`, async () => {
    const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
    try {
      await page.goto(server.url('/'));
      const frame = await openAndFill(page, '/demo/livin.html');
      if (how === 'Shift three times') {
        await frame.getByRole('checkbox', { name: 'Monday' }).focus();
        for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
      } else {
        await frame.getByRole('link', { name: /Exit this page/ }).click();
      }
      await page.waitForURL(profileOf('livin').exit_url || DEFAULT_EXIT);
      await page.goBack().catch(() => {});
      assert.notEqual(new URL(page.url()).pathname, '/demo/livin.html', 'Back does not return to the page');
    } finally { await context.close(); }
  });
}

test('Escape twice in a text box of the form belongs to it; outside a text box it leaves', async () => {
  const { context, page } = await newPage(browser, server, {}, { closedRoots: true });
  try {
    const frame = await openAndFill(page, '/demo/livin.html');
    await frame.getByRole('textbox', { name: /safe phone number/i }).focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    assert.equal(new URL(page.url()).pathname, '/demo/livin.html', 'Escape in a text box did not exit');
    assert.equal(await frame.getByRole('textbox', { name: /safe phone number/i }).inputValue(), PHONE);
    await frame.getByRole('checkbox', { name: 'Monday' }).focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForURL(profileOf('livin').exit_url || DEFAULT_EXIT);
  } finally { await context.close(); }
});
