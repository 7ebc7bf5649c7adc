// The support page's panel as plain HTML (scripts/static-panel.sh): every help section readable
// with JavaScript off, the same numbers and links as the app's panel on the same page, and a
// copy that the validator finds current.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { widgetViolations, assertNone } from './axe.mjs';
import { startServer, launch, newPage, blockWasm, profileOf, visibleTexts, DIST, HELPLINE, HOST, APP } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = '/demo/support.html';
const LANDLORD = 'livin';
const STATIC = '[data-safe-contact-static]';

const content = (name) => JSON.parse(readFileSync(path.join(ROOT, 'profile/content', name), 'utf8'));
const UI = content('ui.en.json').ui;
const NATIONAL = content('national.json');

/** A phone number as the app dials it: its digits, and a leading +. */
const tel = (value) => `tel:${value.trim().replace(/(?!^\+)\D/g, '')}`;

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function withPage(contextOptions, body, setup = async () => {}) {
  const { context, page } = await newPage(browser, server, contextOptions);
  try {
    await setup(context);
    await page.goto(server.url(PAGE));
    await body(page);
  } finally {
    await context.close();
  }
}

/** Every link's href under `root` (a selector), outside the call-back form's section (`form`). */
function hrefs(page, root, form) {
  return page.locator(`${root} a[href]`).evaluateAll(
    (links, form) => [...new Set(links.filter((a) => !a.closest(form)).map((a) => a.getAttribute('href')))].sort(),
    form,
  );
}

test('with JavaScript off, the support page shows every help section, 999, the helpline and the landlord\'s numbers', async () => {
  const profile = profileOf(LANDLORD);
  await withPage({ javaScriptEnabled: false, locale: 'en-GB' }, async (page) => {
    assert.equal(await page.locator('div[data-safe-contact]').count(), 0, 'no script ran');
    const headings = [
      NATIONAL.danger_now.heading,
      UI['panel.fold.callback'],
      UI['panel.fold.local'],
      UI['panel.fold.landlord'].replace('{landlord}', profile.name),
      UI['panel.fold.helplines'],
      ...['clares_law', 'covering_tracks', 'worried_about_someone', 'own_behaviour', 'children']
        .map((s) => NATIONAL[s].heading),
    ];
    assert.deepEqual(await visibleTexts(page, `${STATIC} h3`), headings);
    const danger = await visibleTexts(page, `${STATIC} section > p`);
    assert.ok(danger.some((p) => p.includes('call 999')), `999 is on screen: ${JSON.stringify(danger)}`);
    const numbers = [HELPLINE, ...profile.landlord_contacts.flatMap((s) => s.contacts)
      .filter((c) => c.kind === 'phone').map((c) => c.value)];
    assert.ok(numbers.length > 1, 'the landlord has numbers of its own');
    for (const number of numbers) {
      const links = page.locator(`${STATIC} a[href="${tel(number)}"]`, { hasText: number });
      assert.ok(await links.filter({ visible: true }).count(), `${number} is on screen as a link to dial`);
    }
    // Each folded section opens without a script, and has something to read.
    const folds = page.locator(`${STATIC} details`);
    for (let i = 0, n = await folds.count(); i < n; i++) {
      const fold = folds.nth(i);
      if (await fold.getAttribute('open') === null) await fold.locator(':scope > summary').click();
      const shown = await fold.locator(':scope > :not(summary)').first().innerText();
      assert.ok(shown.trim(), `${await fold.locator(':scope > summary').innerText()} shows its content`);
    }
    assert.equal(await page.locator(`${STATIC} details:not([open])`).count(), 0);
  });
});

// axe needs a script of its own in the page, so this page has JavaScript on and the wasm
// blocked: the copy then stays in place, as it does for anyone whose network drops the wasm.
test('the static panel, every section open, has no serious axe violation', async () => {
  await withPage({ locale: 'en-GB' }, async (page) => {
    const summaries = page.locator(`${STATIC} details:not([open]) > summary`);
    while (await summaries.count()) await summaries.first().click();
    assertNone(await widgetViolations(page, STATIC), 'the static panel');
  }, blockWasm);
});

test('the static panel has the same numbers, links and headings as the app\'s panel on the same page', async () => {
  const profile = profileOf(LANDLORD);
  await withPage({ locale: 'en-GB' }, async (page) => {
    // The app may take the copy's place as it draws: read both as they are in the page.
    await page.locator(APP).waitFor({ state: 'attached' });
    const copied = await hrefs(page, STATIC, '[data-fold="callback"]');
    // The app shows one area's services at a time: every area chosen in turn shows them all.
    const drawn = new Set(await hrefs(page, APP, '#sc-callback'));
    for (const area of profile.areas.length > 1 ? profile.areas : []) {
      await page.locator(`${HOST} input[name="sc-area"][value="${area.id}"]`).evaluate((radio) => radio.click());
      await page.locator(`${HOST} #sc-local h4.group`, { hasText: area.name }).waitFor({ state: 'attached' });
      for (const href of await hrefs(page, APP, '#sc-callback')) drawn.add(href);
    }
    const phones = (list) => list.filter((h) => h.startsWith('tel:'));
    assert.deepEqual(phones(copied), phones([...drawn].sort()), 'the same tel: links');
    assert.ok(phones(copied).includes(tel(HELPLINE)));
    assert.deepEqual(copied, [...drawn].sort(), 'the same links of every kind');
    const appHeadings = await page.locator(`${APP} .danger h3, ${APP} .fold-button`)
      .evaluateAll((els) => els.map((e) => e.textContent.trim()));
    const copyHeadings = await page.locator(`${STATIC} h3`).evaluateAll((els) => els.map((e) => e.textContent.trim()));
    assert.deepEqual(copyHeadings, appHeadings, 'the same sections in the same order');
  });
});

test('while the app loads the copy and the loader\'s 999 advice show, and once the app is drawn only its panel', async () => {
  // The loader's fallback stays beside the copy, so a copy the page got wrong cannot leave the
  // person without 999 and the helpline; with the wasm blocked it stays.
  await withPage({}, async (page) => {
    await page.locator(`${HOST} .fallback`).waitFor({ state: 'visible' });
    assert.equal(await page.locator(STATIC).isVisible(), true, 'the copy shows');
    assert.match(await page.locator(`${HOST} .fallback`).textContent(), new RegExp(`999[\\s\\S]*${HELPLINE}`));
  }, blockWasm);
  await withPage({}, async (page) => {
    await page.locator(APP).waitFor({ state: 'visible' });
    assert.equal(await page.locator(STATIC).isVisible(), false, 'the copy is hidden');
    assert.equal(await page.locator(`${HOST} .fallback`).count(), 0, 'the fallback gave way to the app');
  });
});

test('the validator finds the built support page\'s copy current', () => {
  const run = spawnSync('cargo', [
    'run', '--locked', '-q', '-p', 'safe-contact-validate', '--',
    '--check-panel-html', path.join(DIST, 'demo/support.html'), path.join(ROOT, `public/profiles/${LANDLORD}.json`),
  ], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, `--check-panel-html: ${run.stderr}`);
});
