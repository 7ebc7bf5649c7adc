// The panel: each landlord's own local services, the launcher and exit, keyboard use from
// start to finish, the other ways to open it, and what still shows when parts fail.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newPage, blockWasm, profileOf, localServiceNames, waitForLauncher, snippetLabel,
  openPanel, openAllFolds, chooseArea, visibleTexts, deepActive, describeFocus as label,
  LANDLORDS, DEFAULT_EXIT, DEFAULT_LABEL, HELPLINE, HOST, EXIT, EXIT_HOST, LAUNCHER, PANEL, CLOSE, APP, FALLBACK,
} from './harness.mjs';
const LOCAL_NAMES = `${HOST} #sc-local .service h4`;

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Runs `body` with a fresh page, collecting page errors; closes the context afterwards. */
async function withPage(options, body) {
  const { context, page, offsite } = await newPage(browser, server, options.context);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    if (options.setup) await options.setup(context, page);
    await body(page, context);
    assert.deepEqual(offsite.map((r) => r.url), options.offsite || [], 'nothing else was requested off-site');
    if (!options.allowErrors) assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
  }
}

/** The services one area must not show once another is chosen (names shared with it excepted). */
function otherAreasOnly(profile, areaId) {
  const shown = new Set(localServiceNames(profile, areaId));
  return profile.areas.filter((a) => a.id !== areaId).flatMap((a) => a.services.map((s) => s.name))
    .filter((name) => !shown.has(name));
}

function assertIncludesAll(actual, expected, what) {
  const missing = expected.filter((n) => !actual.includes(n));
  assert.deepEqual(missing, [], `${what}: missing ${JSON.stringify(missing)}; shown ${JSON.stringify(actual)}`);
}

function assertIncludesNone(actual, forbidden, what) {
  const present = forbidden.filter((n) => actual.includes(n));
  assert.deepEqual(present, [], `${what}: should not show ${JSON.stringify(present)}`);
}

/** Size and position of the exit, and whether it is the element on top at its own centre. */
async function exitOnTop(page) {
  return page.locator(EXIT_HOST).evaluate((host) => {
    const exit = host.shadowRoot.querySelector('a.exit');
    const r = exit.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    const hit = host.shadowRoot.elementFromPoint(x, y);
    const inView = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    return { width: r.width, height: r.height, inView, onTop: !!(hit && hit.closest('a.exit')) };
  });
}

/**
 * Controls in the open panel that something else is drawn over, at either end of the panel's
 * scroll: at the top, those in its upper half; at the bottom, those in its lower half (a control
 * in the middle can always be scrolled clear, one at the very end cannot).
 */
function coveredControls(page) {
  return page.locator(HOST).evaluate((host) => {
    const root = host.shadowRoot;
    const panel = root.querySelector('#safe-contact-panel');
    // The floating panel scrolls below its top bar; the bar's own controls are checked too.
    const scroller = root.querySelector('.float .scroll') || panel;
    const name = (e) => `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''} "${(e.textContent || e.value || '').trim().slice(0, 40)}"`;
    const covered = [];
    for (const end of ['top', 'bottom']) {
      scroller.scrollTop = end === 'top' ? 0 : scroller.scrollHeight;
      const box = panel.getBoundingClientRect();
      const middle = box.top + panel.clientHeight / 2;
      for (const c of panel.querySelectorAll('a[href], button, input, select, textarea')) {
        const r = c.getBoundingClientRect();
        if (!r.width || !r.height || r.top < box.top || r.bottom > box.top + panel.clientHeight) continue;
        if (end === 'top' ? r.top > middle : r.bottom < middle) continue;
        const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const ok = hit && (c === hit || c.contains(hit) || [...(c.labels || [])].some((l) => l.contains(hit)));
        if (!ok) covered.push(`${name(c)} (${end} of the panel) is under ${hit ? name(hit) : 'nothing'}`);
      }
    }
    scroller.scrollTop = 0;
    return [...new Set(covered)];
  });
}

/** The widget's own tab stops, in page order (its two hosts as they sit in the page). */
function widgetTabStops(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-safe-contact-exit], [data-safe-contact]')]
    .flatMap((host) => [...host.shadowRoot.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')])
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className}`));
}

/**
 * Text, links and controls of the open panel that pass under the exit at any point of the
 * panel's scroll, and the exit's own box. Only what is visible counts: text scrolled out of
 * the panel's scrolling part is clipped by it.
 */
function underTheExit(page) {
  return page.evaluate(() => {
    const exit = document.querySelector('[data-safe-contact-exit]').shadowRoot.querySelector('a.exit').getBoundingClientRect();
    const root = document.querySelector('[data-safe-contact]').shadowRoot;
    const panel = root.querySelector('#safe-contact-panel');
    const scroller = root.querySelector('.float .scroll') || document.scrollingElement;
    const found = new Set();
    const check = (rect, what) => {
      const clip = scroller.contains?.(what.node) ? scroller.getBoundingClientRect() : { top: -Infinity, bottom: Infinity };
      const top = Math.max(rect.top, clip.top);
      const bottom = Math.min(rect.bottom, clip.bottom);
      if (bottom <= top || rect.width === 0) return;
      if (rect.left < exit.right && rect.right > exit.left && top < exit.bottom && bottom > exit.top) found.add(what.name);
    };
    const look = () => {
      const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) check(r, { node: n, name: `text "${n.textContent.trim().slice(0, 40)}"` });
      }
      for (const c of panel.querySelectorAll('a[href], button, input, select, textarea')) {
        check(c.getBoundingClientRect(), { node: c, name: `${c.tagName.toLowerCase()} "${(c.textContent || c.value || '').trim().slice(0, 40)}"` });
      }
    };
    const step = Math.max(50, scroller.clientHeight / 2);
    for (let y = 0; y <= scroller.scrollHeight; y += step) {
      scroller.scrollTop = y;
      look();
    }
    scroller.scrollTop = 0;
    return { found: [...found], exit: { height: exit.height, width: exit.width }, scrolled: scroller.scrollHeight > scroller.clientHeight };
  });
}

describe('each landlord', () => {
  for (const id of LANDLORDS) {
    test(`${id}: the launcher opens the panel with this landlord's own local services`, async () => {
      const profile = profileOf(id);
      await withPage({}, async (page) => {
        await page.goto(server.url(`/demo/${id}.html`));
        await waitForLauncher(page);

        // The label comes from the snippet, so the launcher shows before any profile.
        const name = snippetLabel(id);
        const launcher = page.getByRole('button', { name, exact: true });
        assert.equal(await launcher.count(), 1, `one button is named "${name}"`);
        assert.equal(await launcher.evaluate((e) => e.classList.contains('launcher')), true);
        assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
        assert.equal(await page.locator(PANEL).isHidden(), true, 'the panel starts closed');

        const exit = page.getByRole('link', { name: 'Emergency Exit this page', exact: true });
        assert.equal(await exit.count(), 1, 'the exit link is named "Emergency Exit this page"');
        assert.equal(await exit.getAttribute('href'), DEFAULT_EXIT, 'before intent, no profile: the default exit');
        const stops = await widgetTabStops(page);
        assert.equal(stops[0], 'a.exit', `the exit is the widget's first tab stop: ${stops}`);
        assert.equal(await page.evaluate(() => document.body.firstElementChild.matches('[data-safe-contact-exit]')), true,
          "the exit comes first in the page's keyboard order");
        const closed = await exitOnTop(page);
        assert.ok(closed.width >= 44 && closed.height >= 44, `exit is at least 44x44 CSS px, got ${closed.width}x${closed.height}`);
        assert.ok(closed.inView && closed.onTop, 'the exit is in view and on top');

        await launcher.click();
        await page.locator(APP).waitFor({ state: 'visible' });
        // By class from here: a launcher hidden while the panel is open has no role to find it by.
        assert.equal(await page.locator(LAUNCHER).getAttribute('aria-expanded'), 'true');
        assert.equal((await deepActive(page)).id, 'safe-contact-title', 'focus moved to the panel title');
        assert.equal((await page.locator(`${HOST} .from`).textContent()).trim(), `From ${profile.name}`);
        assert.equal(await exit.getAttribute('href'), profile.exit_url || DEFAULT_EXIT, "with the profile: its exit, if it has one");
        assert.equal((await page.locator(`${HOST} #safe-contact-title`).textContent()), name, 'the panel title is the label too');
        assert.equal(await page.locator(`${HOST} .notice`).count(), 0, 'no failure notice with a good profile');
        assert.equal(await page.locator(`${HOST} #sc-local`).isVisible(), true, '"Support near you" is open');

        const opened = await exitOnTop(page);
        assert.ok(opened.inView && opened.onTop, 'the exit stays visible and on top while the panel is open');
        assert.equal((await widgetTabStops(page))[0], 'a.exit', 'the exit is still the first tab stop');

        if (profile.areas.length === 1) {
          assertIncludesAll(await visibleTexts(page, LOCAL_NAMES), localServiceNames(profile), id);
        } else {
          const before = await visibleTexts(page, LOCAL_NAMES);
          assertIncludesAll(before, profile.landlord_contacts.map((s) => s.name), `${id} before an area is chosen`);
          const radios = page.locator(`${HOST} input[name="sc-area"]`);
          assert.equal(await radios.count(), profile.areas.length, 'one radio per area');
          for (const area of profile.areas) {
            assert.equal(await page.getByRole('radio', { name: area.name, exact: true }).count(), 1,
              `a radio labelled "${area.name}"`);
          }
          for (const area of profile.areas) {
            await chooseArea(page, profile, area.id);
            const shown = await visibleTexts(page, LOCAL_NAMES);
            assertIncludesAll(shown, localServiceNames(profile, area.id), `${id}, ${area.name}`);
            assertIncludesNone(shown, otherAreasOnly(profile, area.id), `${id}, ${area.name}`);
          }
        }
      });
    });
  }
});

describe('keyboard alone', () => {
  for (const id of LANDLORDS) {
    test(`${id}: Tab to the launcher, open, open every section${id === 'livin' ? ', choose areas' : ''}, close`, async () => {
      const profile = profileOf(id);
      await withPage({}, async (page) => {
        await page.goto(server.url(`/demo/${id}.html`));
        await waitForLauncher(page);

        // From the start of the page to the launcher.
        const path = [];
        let f;
        for (let i = 0; i < 100; i++) {
          await page.keyboard.press('Tab');
          f = await deepActive(page);
          path.push(label(f));
          if (f && f.inWidget && f.cls.includes('launcher')) break;
        }
        assert.ok(f && f.cls.includes('launcher'), `Tab reached the launcher: ${path.join(' > ')}`);
        const firstInWidget = path.findIndex((p) => p.startsWith('widget '));
        assert.match(path[firstInWidget], /^widget a\.exit/, `the exit is reached first in the widget: ${path.join(' > ')}`);

        await page.keyboard.press('Enter');
        await page.locator(PANEL).waitFor({ state: 'visible' });
        assert.equal((await deepActive(page)).id, 'safe-contact-title', 'Enter opened the panel and focused its title');
        await page.locator(APP).waitFor({ state: 'visible' });

        // Close sits in the bar above the title, so it comes just before it.
        await page.keyboard.press('Shift+Tab');
        f = await deepActive(page);
        assert.ok(f.cls.includes('close'), `Shift+Tab from the title reaches Close, got ${label(f)}`);
        await page.keyboard.press('Tab');

        const folds = page.locator(`${HOST} .fold-button`);
        const foldCount = await folds.count();
        const closedAtStart = await page.locator(`${HOST} .fold-button[aria-expanded="false"]`).count();
        assert.ok(foldCount >= 6, `the panel has its sections, got ${foldCount}`);
        const multi = profile.areas.length > 1;
        let opened = 0;
        const chosen = [];
        const visited = [];
        for (let i = 0; i < 400; i++) {
          await page.keyboard.press('Tab');
          f = await deepActive(page);
          if (!f || !f.inWidget) break;
          visited.push(label(f));
          if (f.cls.includes('fold-button') && f.expanded === 'false') {
            await page.keyboard.press('Enter');
            await page.locator(`${HOST} #${f.controls}`).waitFor({ state: 'visible' });
            assert.equal((await deepActive(page)).expanded, 'true', `Enter opened "${f.text}"`);
            opened += 1;
          }
          if (multi && f.name === 'sc-area' && chosen.length === 0) {
            // Nothing chosen yet: Tab lands on the first radio. Space chooses it; ArrowDown the next.
            const [first, second] = profile.areas;
            assert.equal(f.value, first.id, 'Tab lands on the first area');
            await page.keyboard.press('Space');
            await page.locator(`${HOST} #sc-local h4.group`, { hasText: first.name }).waitFor({ state: 'visible' });
            assertIncludesAll(await visibleTexts(page, LOCAL_NAMES), localServiceNames(profile, first.id), `Space chose ${first.name}`);
            chosen.push(first.id);
            await page.keyboard.press('ArrowDown');
            const now = await deepActive(page);
            assert.equal(now.value, second.id, 'ArrowDown moves to the next area');
            assert.equal(now.checked, true, 'ArrowDown chooses it');
            await page.locator(`${HOST} #sc-local h4.group`, { hasText: second.name }).waitFor({ state: 'visible' });
            const shown = await visibleTexts(page, LOCAL_NAMES);
            assertIncludesAll(shown, localServiceNames(profile, second.id), `ArrowDown chose ${second.name}`);
            assertIncludesNone(shown, otherAreasOnly(profile, second.id), `ArrowDown chose ${second.name}`);
            chosen.push(second.id);
          }
        }
        assert.equal(opened, closedAtStart, `every closed section was opened from the keyboard (visited ${visited.join(' > ')})`);
        assert.equal(await page.locator(`${HOST} .fold-button[aria-expanded="false"]`).count(), 0, 'all sections open');
        if (multi) assert.equal(chosen.length, 2, 'areas were chosen with Space and ArrowDown');

        // Back to Close with Shift+Tab, then Enter.
        for (let i = 0; i < 400; i++) {
          await page.keyboard.press('Shift+Tab');
          f = await deepActive(page);
          if (!f || f.cls.includes('close')) break;
        }
        assert.ok(f && f.cls.includes('close'), 'Shift+Tab reaches Close');
        await page.keyboard.press('Enter');
        await page.locator(PANEL).waitFor({ state: 'hidden' });
        f = await deepActive(page);
        assert.ok(f.cls.includes('launcher'), `focus returned to the launcher, got ${label(f)}`);
        assert.equal(await page.locator(LAUNCHER).getAttribute('aria-expanded'), 'false');
      });
    });
  }
});

describe('before the profile arrives', () => {
  test('the exit and the launcher show at once; intent fetches the profile; the panel opens with 999 and the helpline meanwhile', async () => {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let asked;
    const requested = new Promise((resolve) => { asked = resolve; });
    let profileRequests = 0;
    await withPage({
      setup: (context) => context.route('**/profiles/*.json', async (route) => {
        profileRequests += 1;
        asked();
        await held;
        await route.fallback();
      }),
    }, async (page) => {
      await page.goto(server.url('/demo/stockport-homes.html'), { waitUntil: 'domcontentloaded' });
      await page.locator(EXIT).waitFor({ state: 'visible' });
      await waitForLauncher(page);
      assert.equal(await page.locator(LAUNCHER).textContent(), snippetLabel('stockport-homes'), "the snippet's label, with no profile");
      assert.equal(profileRequests, 0, 'no profile before intent');
      await page.locator(LAUNCHER).hover();
      await requested;
      await page.locator(LAUNCHER).click();
      await page.locator(PANEL).waitFor({ state: 'visible' });
      const fallback = (await visibleTexts(page, FALLBACK)).join(' ');
      assert.match(fallback, /\b999\b/);
      assert.ok(fallback.includes(HELPLINE), 'the helpline shows while the profile is on its way');
      release();
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.equal((await page.locator(`${HOST} .from`).textContent()).trim(), `From ${profileOf('stockport-homes').name}`);
      assert.equal(profileRequests, 1, 'one profile request');
    });
  });
});

describe('the first frame after a click', () => {
  test('shows 999 and the helpline from the loader, even when the app was fetched in advance', async () => {
    await withPage({}, async (page) => {
      await page.goto(server.url('/demo/livin.html'));
      // A pointer over the launcher fetches the app in advance; wait until it is all here.
      await page.locator(LAUNCHER).hover();
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')));
      await page.waitForLoadState('networkidle');
      const frame = await page.locator(HOST).evaluate((host) => {
        host.shadowRoot.querySelector('button.launcher').click();
        return new Promise((resolve) => requestAnimationFrame(() => resolve({
          fallback: host.shadowRoot.querySelector('.fallback')?.textContent ?? '',
          app: !!host.shadowRoot.querySelector('.sc'),
        })));
      });
      assert.equal(frame.app, false, 'the app draws after the first frame, not before it');
      assert.match(frame.fallback, /999/);
      assert.ok(frame.fallback.includes(HELPLINE), 'the helpline is in the first frame');
      await page.locator(APP).waitFor({ state: 'visible' });
    });
  });
});

describe('other ways in', () => {
  test("the page's [data-safe-contact-open] button opens the panel, and Close returns focus to it", async () => {
    await withPage({}, async (page) => {
      await page.goto(server.url('/demo/chesterfield.html'));
      await waitForLauncher(page);
      await page.locator('button[data-safe-contact-open]').click();
      await page.locator(PANEL).waitFor({ state: 'visible' });
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.equal((await deepActive(page)).id, 'safe-contact-title');
      assert.equal(await page.locator(LAUNCHER).getAttribute('aria-expanded'), 'true');
      await page.locator(CLOSE).click();
      await page.locator(PANEL).waitFor({ state: 'hidden' });
      assert.equal(await page.evaluate(() => document.activeElement.matches('[data-safe-contact-open]')), true,
        'focus went back to the button that opened it');
    });
  });

  test('SafeContact.open() and SafeContact.close() open and close it', async () => {
    await withPage({}, async (page) => {
      await page.goto(server.url('/demo/star-housing.html'));
      await waitForLauncher(page);
      await page.evaluate(() => window.SafeContact.open());
      await page.locator(PANEL).waitFor({ state: 'visible' });
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.equal(await page.locator(LAUNCHER).getAttribute('aria-expanded'), 'true');
      await page.evaluate(() => window.SafeContact.close());
      await page.locator(PANEL).waitFor({ state: 'hidden' });
      assert.equal(await page.locator(LAUNCHER).getAttribute('aria-expanded'), 'false');
    });
  });

  test('the inline support page shows the panel with no launcher', async () => {
    const profile = profileOf('livin');
    await withPage({}, async (page) => {
      await page.goto(server.url('/demo/support.html'));
      await page.locator(APP).waitFor({ state: 'visible' });
      assert.equal(await page.locator(LAUNCHER).count(), 0, 'no launcher');
      assert.equal(await page.locator(CLOSE).count(), 0, 'no Close button');
      assert.equal(await page.locator('#safe-contact-support > div[data-safe-contact]').count(), 1, 'the widget sits in its target');
      assert.equal(await page.locator(PANEL).getAttribute('role'), null, 'not a dialog when inline');
      assert.equal(await page.locator(PANEL).isVisible(), true);
      assert.equal(await page.locator(EXIT).isVisible(), true, 'the exit is there');
      const exit = await exitOnTop(page);
      assert.ok(exit.inView && exit.onTop, 'the exit is in view and on top');
      const area = profile.areas[1];
      await chooseArea(page, profile, area.id);
      assertIncludesAll(await visibleTexts(page, LOCAL_NAMES), localServiceNames(profile, area.id), 'inline, after choosing an area');
      // The page's own "get help" link target is the title when inline.
      assert.equal((await page.locator(`${HOST} .from`).textContent()).trim(), `From ${profile.name}`);
    });
  });
});

describe('the exit with the app loaded and the panel open', () => {
  const ways = {
    'clicking the exit link': (page) => page.locator(EXIT).click(),
    'Shift three times, focus in the panel': async (page) => {
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    },
  };
  for (const [how, act] of Object.entries(ways)) {
    test(`${how} leaves`, async () => {
      const profile = profileOf('livin');
      await withPage({ offsite: [profile.exit_url || DEFAULT_EXIT] }, async (page) => {
        await page.goto(server.url('/demo/livin.html'));
        await openPanel(page);
        await chooseArea(page, profile, profile.areas[0].id);
        assert.equal((await deepActive(page)).inWidget, true, 'focus is in the widget');
        await act(page);
        await page.waitForURL(profile.exit_url || DEFAULT_EXIT);
        assert.equal(await page.locator(HOST).count(), 0, 'the exit page has no widget');
      });
    });
  }
});

describe('when parts fail', () => {
  const brokenProfiles = {
    'a missing profile (404)': (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found' }),
    'a profile that is not JSON': (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"schema_version": 1, "id": "livin", "name": ' }),
    'a profile of the wrong shape': (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"schema_version": 1, "unexpected": true}' }),
  };
  for (const [what, fulfil] of Object.entries(brokenProfiles)) {
    test(`${what}: the panel still shows a notice, 999, the National Domestic Abuse Helpline and the exit`, async () => {
      await withPage({ setup: (context) => context.route('**/profiles/*.json', fulfil) }, async (page) => {
        await page.goto(server.url('/demo/livin.html'));
        await waitForLauncher(page);
        assert.equal(await page.getByRole('button', { name: DEFAULT_LABEL, exact: true }).count(), 1,
          "the launcher has the snippet's name (here the default), whatever the profile");
        await page.locator(LAUNCHER).click();
        await page.locator(APP).waitFor({ state: 'visible' });
        assert.equal(await page.locator(`${HOST} .notice`).isVisible(), true, 'a notice says local support could not be shown');
        const danger = await visibleTexts(page, `${HOST} .danger`);
        assert.match(danger.join(' '), /\b999\b/, '999 is shown');
        assert.equal(await page.locator(`${HOST} #sc-local`).count(), 0, 'no local section without a profile');
        // The helpline is in the panel; at most one section needs opening to see it.
        assert.ok((await page.locator(`${HOST} .sc`).textContent()).includes(HELPLINE), 'the helpline number is in the panel');
        const helplines = page.locator(`${HOST} .fold-button`, { hasText: 'National helplines' });
        if ((await helplines.getAttribute('aria-expanded')) === 'false') await helplines.click();
        const numbers = await visibleTexts(page, `${HOST} #sc-helplines a[href^="tel:"]`);
        assert.ok(numbers.includes(HELPLINE), `the helpline number is shown, got ${JSON.stringify(numbers)}`);
        const exit = await exitOnTop(page);
        assert.ok(exit.inView && exit.onTop, 'the exit is visible and on top');
        assert.equal(await page.locator(EXIT).getAttribute('href'), DEFAULT_EXIT);
      });
    });
  }

  test('with the WebAssembly app blocked, the panel shows the fallback numbers and says so', async () => {
    await withPage({ setup: (context) => blockWasm(context) }, async (page) => {
      await page.goto(server.url('/demo/stockport-homes.html'));
      await waitForLauncher(page);
      await page.locator(LAUNCHER).click();
      await page.locator(PANEL).waitFor({ state: 'visible' });
      const status = page.locator(`${HOST} .fallback .status[role="status"]`);
      await status.filter({ hasText: /did not load/ }).waitFor({ state: 'visible' });
      const fallback = (await visibleTexts(page, FALLBACK)).join(' ');
      assert.match(fallback, /\b999\b/);
      assert.ok(fallback.includes(HELPLINE), 'the National Domestic Abuse Helpline number is shown');
      assert.equal(await page.locator(`${HOST} a[href="tel:999"]`).isVisible(), true);
      assert.equal(await page.locator(`${HOST} a[href="tel:08082000247"]`).isVisible(), true);
      assert.equal(await page.locator(APP).count(), 0, 'the app did not mount');
      const exit = await exitOnTop(page);
      assert.ok(exit.inView && exit.onTop, 'the exit is visible and on top');
    });
  });
});

describe('a 320 px wide screen', () => {
  for (const id of LANDLORDS) {
    test(`${id}: the open panel, every section open, has no sideways scrolling`, async () => {
      const profile = profileOf(id);
      await withPage({ context: { viewport: { width: 320, height: 640 } } }, async (page) => {
        await page.goto(server.url(`/demo/${id}.html`));
        await openPanel(page);
        await openAllFolds(page);
        if (profile.areas.length > 1) {
          // The longest area's services, for the widest content.
          const longest = [...profile.areas].sort((a, b) => b.services.length - a.services.length)[0];
          await chooseArea(page, profile, longest.id);
        }
        const size = await page.locator(PANEL).evaluate((p) => ({
          scrollWidth: p.scrollWidth, clientWidth: p.clientWidth, width: p.getBoundingClientRect().width,
          pageScrollWidth: document.documentElement.scrollWidth, pageClientWidth: document.documentElement.clientWidth,
        }));
        assert.ok(size.scrollWidth <= size.clientWidth, `panel scrollWidth ${size.scrollWidth} <= clientWidth ${size.clientWidth}`);
        assert.ok(size.width <= 320, `panel fits the screen, ${size.width}px wide`);
        const exit = await exitOnTop(page);
        assert.ok(exit.inView && exit.onTop, 'the exit is visible and on top at 320px');
        assert.ok(exit.width >= 44 && exit.height >= 44);
      });
    });
  }

  test('support page (inline): no sideways scrolling with every section open', async () => {
    await withPage({ context: { viewport: { width: 320, height: 640 } } }, async (page) => {
      await page.goto(server.url('/demo/support.html'));
      await page.locator(APP).waitFor({ state: 'visible' });
      await openAllFolds(page);
      await chooseArea(page, profileOf('livin'), profileOf('livin').areas[0].id);
      const size = await page.locator(PANEL).evaluate((p) => ({
        scrollWidth: p.scrollWidth, clientWidth: p.clientWidth,
        pageScrollWidth: document.documentElement.scrollWidth, pageClientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(size.scrollWidth <= size.clientWidth, `panel scrollWidth ${size.scrollWidth} <= clientWidth ${size.clientWidth}`);
      assert.ok(size.pageScrollWidth <= size.pageClientWidth, `page scrollWidth ${size.pageScrollWidth} <= ${size.pageClientWidth}`);
    });
  });
});

describe('nothing of the widget covers the open panel', () => {
  for (const viewport of [{ width: 320, height: 640 }, { width: 1280, height: 720 }]) {
    for (const id of LANDLORDS) {
      test(`${id} at ${viewport.width}x${viewport.height}: every control at either end of the panel can be reached by pointer`, async () => {
        const profile = profileOf(id);
        await withPage({ context: { viewport } }, async (page) => {
          await page.goto(server.url(`/demo/${id}.html`));
          await openPanel(page);
          assert.deepEqual(await coveredControls(page), [], 'as the panel opens, every section closed');
          await openAllFolds(page);
          if (profile.areas.length > 1) {
            await page.locator(`${HOST} input[name="sc-area"][value="${profile.areas[0].id}"]`).press('Space');
          }
          assert.deepEqual(await coveredControls(page), [], 'with every section open');
        });
      });
    }
  }
});

describe('on a phone, the exit covers nothing in the open panel', () => {
  for (const id of LANDLORDS) {
    test(`${id} at 360x740: no text, link or control passes under the exit, every section open`, async () => {
      const profile = profileOf(id);
      await withPage({ context: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true } }, async (page) => {
        await page.goto(server.url(`/demo/${id}.html`));
        await openPanel(page);
        await openAllFolds(page);
        if (profile.areas.length > 1) await chooseArea(page, profile, profile.areas[0].id);
        const seen = await underTheExit(page);
        assert.ok(seen.scrolled, 'the panel is long enough to scroll under the exit');
        assert.ok(seen.exit.height >= 44, 'the exit is there');
        assert.deepEqual(seen.found, [], 'nothing passes under the exit');
        const exit = await exitOnTop(page);
        assert.ok(exit.inView && exit.onTop, 'the exit stays visible and on top');
      });
    });
  }
});

test('a web address becomes a link only when it is https, whatever the profile says', async () => {
  const bad = ['http://example.org/plain', 'javascript:alert(1)', 'data:text/html,hello'];
  const good = 'https://example.org/help';
  await withPage({
    setup: (context) => context.route('**/profiles/livin.json', async (route) => {
      const profile = await (await route.fetch()).json();
      profile.landlord_contacts[0].contacts.push(
        ...[...bad, good].map((value) => ({ kind: 'web', value, source: 'test', checked: '2026-11-23' })));
      return route.fulfill({ json: profile });
    }),
  }, async (page) => {
    await page.goto(server.url("/demo/livin.html"));
    await openPanel(page);
    await openAllFolds(page);
    const text = await page.locator(APP).innerText();
    const hrefs = await page.locator(`${APP} a[href]`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.includes(good), `the https address is a link: ${JSON.stringify(hrefs)}`);
    for (const value of bad) {
      assert.ok(text.includes(value), `${value} is still shown, as text`);
      assert.ok(!hrefs.some((h) => h.includes(value.slice(0, 12))), `${value} is not a link`);
    }
  });
});

test('the area choice, like every field, is autocomplete=off and spellcheck=false', async () => {
  await withPage({}, async (page) => {
    await page.goto(server.url("/demo/livin.html"));
    await openPanel(page);
    const radios = await page.locator(`${HOST} input[name="sc-area"]`).evaluateAll((els) =>
      els.map((e) => ({ value: e.value, autocomplete: e.getAttribute('autocomplete'), spellcheck: e.getAttribute('spellcheck') })));
    assert.equal(radios.length, profileOf('livin').areas.length);
    for (const r of radios) {
      assert.equal(r.autocomplete, 'off', r.value);
      assert.equal(r.spellcheck, 'false', r.value);
    }
  });
});

test('every number, email and web address shown as itself is isolated left to right', async () => {
  await withPage({}, async (page) => {
    await page.goto(server.url('/demo/livin.html'));
    await openPanel(page);
    await openAllFolds(page);
    const links = await page.locator(`${APP} a[href^="tel:"], ${APP} a[href^="sms:"], ${APP} a[href^="mailto:"], ${APP} .contacts a[href^="https:"]`)
      .evaluateAll((as) => as.map((a) => ({ text: a.textContent.trim(), dir: a.getAttribute('dir') })));
    const bare = links.filter((l) => /^[+\d\s()-]+$|@|^https:\/\//.test(l.text));
    assert.ok(bare.length >= 5, `found ${bare.length} numbers and addresses`);
    for (const l of bare) assert.equal(l.dir, 'ltr', l.text);
  });
});

describe('advice beside a commitment', () => {
  test('stoke-on-trent: our advice about a letter shows apart from the policy\'s promise, as a hint', async () => {
    const profile = profileOf('stoke-on-trent');
    const c = profile.commitments.find((x) => x.advice);
    assert.ok(c, 'the profile has a commitment with advice');
    await withPage({}, async (page) => {
      await page.goto(server.url('/demo/stoke-on-trent.html'));
      await openPanel(page);
      await openAllFolds(page);
      const item = page.locator(`${HOST} li`).filter({ hasText: c.text });
      const hint = item.locator('p.hint');
      assert.equal((await hint.textContent()).trim(), c.advice);
      const promise = (await item.evaluate((li) => li.firstChild.textContent)).trim();
      assert.equal(promise, c.text, 'the promise is the policy\'s words alone');
      assert.equal(await hint.isVisible(), true);
    });
  });
});
