// The panel in Polish, Urdu and Arabic: opened in the browser's language, or switched to from
// English without a trace; right to left for Urdu and Arabic, with every phone number still
// reading left to right; accessible; and the quick exit unchanged in every language.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { widgetViolations, assertNone } from './axe.mjs';
import {
  launch, newPage, openPanel, openAllFolds, storageTrace, profileOf, formFrame,
  NO_STORAGE, DEFAULT_EXIT, HOST, APP, EXIT, LAUNCHER, TITLE, CLOSE,
} from './harness.mjs';
import { startEndpoint } from './endpoint.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONTENT = path.join(here, '../../profile/content');
const SCREENSHOTS = path.join(here, '../../target/screenshots');

const catalogue = (name) => JSON.parse(readFileSync(path.join(CONTENT, name), 'utf8'));
const ENGLISH = catalogue('ui.en.json');

/** Each language on a different landlord's demo page. */
const LANGUAGES = [
  { code: 'pl', page: 'livin', rtl: false },
  { code: 'ur', page: 'stoke-on-trent', rtl: true },
  { code: 'ar', page: 'stockport-homes', rtl: true },
].map((l) => ({ ...l, ui: catalogue(`ui.${l.code}.json`), national: catalogue(`national.${l.code}.json`) }));

const SCROLL = `${HOST} .scroll`;

// The reference endpoint serves the pages and, from another origin, the call-back form's frame,
// which follows the panel's language.
let browser, server, endpoint;
before(async () => { endpoint = await startEndpoint(); server = endpoint.server; browser = await launch(); });
after(async () => { await browser?.close(); await endpoint?.stop(); });

/** The exit's address for a landlord: its profile's, or the default. */
const exitOf = (id) => profileOf(id).exit_url || DEFAULT_EXIT;

/** Waits until the panel is drawn in `code`. */
async function drawnIn(page, code) {
  await page.locator(`${SCROLL}[lang="${code}"] .sc`).waitFor({ state: 'visible' });
}

async function openIn(browser, l, extra = {}) {
  const s = await newPage(browser, server, { locale: l.code, ...extra });
  await s.page.goto(server.url(`/demo/${l.page}.html`));
  await openPanel(s.page);
  await drawnIn(s.page, l.code);
  return s;
}

/**
 * Every run of digit groups in the panel's text (0808 2000 247), with how its element's
 * direction and the DOM show it: in one text node, whose element lays it out left to right.
 */
function numbers(page) {
  return page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const found = [];
    const walk = document.createTreeWalker(root.querySelector('.scroll'), NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement.closest('style')) continue;
      for (const m of n.data.matchAll(/\d+(?: \d+)+/g)) {
        // Where the first and the last group are drawn: on one line, the first is on the left.
        const box = (from, to) => {
          const r = document.createRange();
          r.setStart(n, from);
          r.setEnd(n, to);
          return r.getBoundingClientRect();
        };
        const first = box(m.index, m.index + m[0].indexOf(' '));
        const last = box(m.index + m[0].lastIndexOf(' ') + 1, m.index + m[0].length);
        const oneLine = Math.abs(first.top - last.top) < 2;
        found.push({
          number: m[0],
          direction: getComputedStyle(n.parentElement).direction,
          drawn: first.width === 0 ? 'hidden' : !oneLine || first.left < last.left ? 'ltr' : 'backwards',
        });
      }
    }
    return found;
  }, HOST);
}

/**
 * Each phone and text link drawn under `host`'s shadow root (or in the whole page), with each
 * number in its text: its digits and "+" in the order the text holds them, and in the order
 * they are drawn, left to right and line by line, measured one character at a time.
 */
function dialledNumbers(page, host) {
  return page.evaluate((host) => {
    const root = host ? document.querySelector(host).shadowRoot : document;
    return [...root.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')]
      .filter((a) => a.getClientRects().length)
      .map((a) => {
        const chars = [];
        const walk = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          for (let i = 0; i < n.data.length; i++) {
            const r = document.createRange();
            r.setStart(n, i);
            r.setEnd(n, i + 1);
            chars.push({ c: n.data[i], box: r.getClientRects()[0] });
          }
        }
        const text = chars.map((x) => x.c).join('');
        const numbers = [...text.matchAll(/\+?\d+(?: \d+)*/g)].map((m) => {
          const drawn = chars.slice(m.index, m.index + m[0].length)
            .filter((x) => x.c !== ' ')
            .sort((p, q) => (Math.abs(p.box.top - q.box.top) > 2 ? p.box.top - q.box.top : p.box.left - q.box.left));
          return { logical: m[0].replaceAll(' ', ''), drawn: drawn.map((x) => x.c).join('') };
        });
        return { href: a.getAttribute('href'), text, numbers };
      });
  }, host);
}

/** Every dialled number reads left to right with its "+" at the left, the two found reversed in the second content check among them. */
function assertDrawnLeftToRight(links, where) {
  const hrefs = links.map((l) => l.href);
  for (const named of ['tel:+442070080151', 'tel:18000']) assert.ok(hrefs.includes(named), `${where}: ${named} is drawn`);
  for (const link of links) {
    const dials = link.href.replace(/^(tel|sms):/, '');
    assert.ok(link.numbers.some((n) => n.logical === dials), `${where}: "${link.text}" shows the number it dials`);
  }
  const wrong = links.flatMap((l) => l.numbers.filter((n) => n.drawn !== n.logical).map((n) => ({ text: l.text, ...n })));
  assert.deepEqual(wrong, [], `${where}: numbers drawn out of order`);
}

describe('languages', () => {
  for (const l of LANGUAGES) {
    describe(l.code, () => {
      test('with the browser set to it, the panel opens in it, with its notes and exit label', async () => {
        const { context, page, offsite } = await openIn(browser, l);
        try {
          assert.deepEqual(offsite, [], 'the catalogue comes from the widget\'s own origin');
          assert.ok(
            await page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/lang/'))),
            'the catalogue was fetched',
          );
          const heading = await page.locator(`${APP} .danger h3`).textContent();
          assert.equal(heading, l.national.danger_now.heading);
          assert.equal(
            await page.locator(`${APP} .notice`).first().textContent(),
            l.ui.ui['translation.unreviewed'],
            'the unreviewed-translation line comes first, in the language',
          );
          assert.equal(await page.locator(SCROLL).getAttribute('dir'), l.rtl ? 'rtl' : 'ltr');
          const direction = await page.locator(APP).evaluate((e) => getComputedStyle(e).direction);
          assert.equal(direction, l.rtl ? 'rtl' : 'ltr');
          const exit = page.locator(EXIT);
          assert.equal(await exit.getAttribute('lang'), l.code);
          assert.equal(await exit.textContent(), `${l.ui.ui['exit.cue']} ${l.ui.ui['exit.label']}`);
          assert.equal(await exit.locator('.vh').textContent(), `${l.ui.ui['exit.cue']} `, 'the cue stays for screen readers');
          assert.equal(await page.locator(CLOSE).textContent(), l.ui.ui['panel.close']);
          // The current language is marked; each other one is a button in its own language.
          assert.equal(await page.locator(`${APP} .language-control [aria-current]`).getAttribute('lang'), l.code);
          assert.equal(await page.locator(`${APP} .language-control button[lang="en"]`).textContent(), 'English');
          // The landlord's own words have no translation in the seed profiles: shown in
          // English, marked so, with a line that says why. Service names stay as they are.
          await page.locator(`${HOST} .fold-button[aria-controls="sc-landlord"]`).click();
          const commitments = page.locator(`${HOST} #sc-landlord li`);
          assert.ok(await commitments.count() > 0);
          for (const lang of await commitments.evaluateAll((els) => els.map((e) => e.lang))) assert.equal(lang, 'en');
          assert.equal(
            // The note, not the advice a commitment may carry beneath it (also a hint).
            await page.locator(`${HOST} #sc-landlord .hint:not(li .hint)`).textContent(),
            l.ui.ui['landlord.in_english'].replace('{landlord}', profileOf(l.page).name),
          );
          const names = await page.locator(`${HOST} .danger .service h4`).evaluateAll((els) => els.map((e) => e.lang));
          assert.deepEqual([...new Set(names)], ['en']);
          const about = page.locator(`${HOST} .danger .service p`).first();
          assert.equal(await about.getAttribute('lang'), null, 'national descriptions are translated');
        } finally { await context.close(); }
      });

      test('switching to it from English changes the text, keeps answers, and leaves no trace', async () => {
        const s = await newPage(browser, server, { locale: 'en-GB' });
        const { context, page } = s;
        try {
          await page.goto(server.url(`/demo/${l.page}.html`));
          await openPanel(page);
          await drawnIn(page, 'en');
          const before = {
            url: page.url(),
            title: await page.title(),
            history: await page.evaluate(() => history.length),
          };
          // Something typed and a section open, which the switch must keep.
          await page.locator(`${HOST} .fold-button[aria-controls="sc-callback"]`).click();
          const form = formFrame(page);
          await form.locator('#sc-f-contact_method').check();
          await form.locator('#sc-f-contact').fill('07700 900123');
          await page.locator(`${APP} .language-control button[lang="${l.code}"]`).click();
          await drawnIn(page, l.code);
          assert.equal(await page.locator(`${APP} .danger h3`).textContent(), l.national.danger_now.heading);
          // The frame hears the language and draws the form again in it, keeping the answers.
          await form.locator(`html[lang="${l.code}"] label[for="sc-f-contact"]`, { hasText: l.ui.ui['callback.contact.label_phone'] })
            .waitFor();
          assert.equal(await form.locator('html').getAttribute('dir'), l.rtl ? 'rtl' : 'ltr');
          assert.equal(await form.locator('#sc-f-contact').inputValue(), '07700 900123');
          assert.ok(await form.locator('#sc-f-contact_method').isChecked());
          assert.ok(await page.locator(`${HOST} #sc-callback`).isVisible(), 'the open section stays open');
          assert.deepEqual({
            url: page.url(),
            title: await page.title(),
            history: await page.evaluate(() => history.length),
          }, before, 'URL, title and history are unchanged');
          assert.deepEqual(await storageTrace(page), NO_STORAGE);
          assert.equal(await page.evaluate(() => document.cookie), '');
          // Back to English, and on a second open the language picked is still chosen.
          await page.locator(`${APP} .language-control button[lang="en"]`).click();
          await drawnIn(page, 'en');
          await page.locator(`${APP} .language-control button[lang="${l.code}"]`).click();
          await drawnIn(page, l.code);
          await page.locator(CLOSE).click();
          assert.equal(await page.locator(TITLE).textContent(), await page.locator(LAUNCHER).textContent());
          await page.locator(LAUNCHER).click();
          await drawnIn(page, l.code);
          assert.equal(await formFrame(page).locator('#sc-f-contact').inputValue(), '', 'Close still clears the answers');
          assert.deepEqual(await storageTrace(page), NO_STORAGE);
        } finally { await context.close(); }
      });

      test('every phone number reads left to right; no serious axe violations; no sideways scroll at 360 px', async () => {
        const { context, page } = await openIn(browser, l, { viewport: { width: 360, height: 740 } });
        try {
          if (l.rtl) {
            mkdirSync(SCREENSHOTS, { recursive: true });
            await page.screenshot({ path: path.join(SCREENSHOTS, `panel-${l.code}.png`) });
          }
          await openAllFolds(page);
          const found = await numbers(page);
          // Each number of the national content shows whole, in one text node.
          // What the panel shows of it: the sources behind it stay out of the browser's copy.
          const shownCopy = JSON.stringify(l.national, (k, v) => (['source', 'checked', 'source_date', 'sources'].includes(k) ? undefined : v));
          const expected = new Set(shownCopy.match(/\d+(?: \d+)+/g));
          const shown = new Set(found.map((n) => n.number));
          assert.ok(expected.has('0808 2000 247'));
          assert.deepEqual([...expected].filter((n) => !shown.has(n)), [], 'numbers not shown whole');
          const backwards = found.filter((n) => n.direction !== 'ltr' || n.drawn === 'backwards');
          assert.deepEqual(backwards, [], 'each number is laid out left to right');
          const wide = await page.evaluate((host) => {
            const scroll = document.querySelector(host).shadowRoot.querySelector('.scroll');
            return {
              page: document.documentElement.scrollWidth,
              panel: scroll.scrollWidth - scroll.clientWidth,
            };
          }, HOST);
          assert.ok(wide.page <= 360, `the page is ${wide.page} px wide`);
          assert.equal(wide.panel, 0, 'the panel does not scroll sideways');
          if (l.rtl) {
            await page.screenshot({ path: path.join(SCREENSHOTS, `panel-${l.code}-open.png`), fullPage: false });
          }
          assertNone(await widgetViolations(page), `${l.code} panel, every section open`);
        } finally { await context.close(); }
      });

      if (l.rtl) {
        test('every phone and text number is drawn left to right with its "+" at the left, labelled ones too', async () => {
          const { context, page } = await openIn(browser, l);
          try {
            await openAllFolds(page);
            assertDrawnLeftToRight(await dialledNumbers(page, HOST), `${l.code} panel`);
          const sheets = await page.evaluate((host) => [...document.querySelector(host).shadowRoot.querySelectorAll('style')]
            .map((s) => s.children.length), HOST);
          assert.ok(sheets.length && sheets.every((n) => n === 0), 'no number of the CSS is taken out of its style sheet');
          } finally { await context.close(); }
        });

        test('and so in the plain copy of the panel', async () => {
          const run = spawnSync('cargo', [
            'run', '--locked', '-q', '-p', 'safe-contact-validate', '--',
            '--panel-html', path.join(here, `../../public/profiles/${l.page}.json`), '--lang', l.code,
          ], { cwd: path.join(here, '../..'), encoding: 'utf8' });
          assert.equal(run.status, 0, `--panel-html: ${run.stderr}`);
          const page = await browser.newPage();
          try {
            await page.setContent(`<!doctype html><meta charset="utf-8"><body>${run.stdout}</body>`);
            await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
            assertDrawnLeftToRight(await dialledNumbers(page, null), `${l.code} plain copy`);
          } finally { await page.close(); }
        });
      }

      for (const [how, act] of [
        ['a click', (page) => page.locator(EXIT).click()],
        ['Shift three times', async (page) => { for (let i = 0; i < 3; i++) await page.keyboard.press('Shift'); }],
        ['Escape twice', async (page) => { await page.keyboard.press('Escape'); await page.keyboard.press('Escape'); }],
      ]) {
        test(`the quick exit leaves by ${how}`, async () => {
          const { context, page } = await openIn(browser, l);
          try {
            await page.locator(TITLE).focus();
            const entries = await page.evaluate(() => history.length);
            await act(page);
            await page.waitForURL(exitOf(l.page));
            assert.equal(await page.evaluate(() => history.length), entries, 'left by replace');
          } finally { await context.close(); }
        });
      }
    });
  }

  test('a catalogue that fails to load leaves the panel in English, and says so', async () => {
    const l = LANGUAGES[2];
    const { context, page } = await newPage(browser, server, { locale: l.code });
    try {
      await context.route('**/lang/*.json', (route) => route.abort('failed'));
      await page.goto(server.url(`/demo/${l.page}.html`));
      await openPanel(page);
      await drawnIn(page, 'en');
      assert.equal(
        await page.locator(`${APP} .language-failed`).textContent(),
        ENGLISH.ui['language.failed'],
      );
      assert.equal(await page.locator(`${APP} .danger h3`).textContent(), 'If you are in danger now');
    } finally { await context.close(); }
  });
});
