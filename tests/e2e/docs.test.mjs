// ARCHITECTURE.md names files so that a reader can go straight to them; a renamed or removed
// file must not leave the map pointing at nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('every path ARCHITECTURE.md names exists', () => {
  const text = readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  // `code` spans that look like a path in the tree: a folder ending in / or a file with an
  // extension, made of path characters only.
  const paths = [...text.matchAll(/`([\w.-]+(?:\/[\w.-]+)*(?:\/|\.\w+))`/g)].map((m) => m[1])
    .filter((p) => p.includes('/') || /\.(rs|mjs|js|md|toml|json|sh|css)$/.test(p));
  assert.ok(paths.length > 40, `found ${paths.length} paths`);
  const missing = paths.filter((p) => !existsSync(path.join(ROOT, p)));
  assert.deepEqual(missing, [], 'paths named in ARCHITECTURE.md that do not exist');
});
