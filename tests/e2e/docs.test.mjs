// The docs must not point at nothing. ARCHITECTURE.md names files so that a reader can go
// straight to them; a renamed or removed file must not leave the map pointing at nothing. The
// README is short and sends each reader to their own doc, and every link between the docs,
// #anchor included, must reach a file and a heading that exist. None of this needs a build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('every path ARCHITECTURE.md names exists', () => {
  const text = readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  // `code` spans that look like a path in the tree: a folder ending in / or a file with an
  // extension, made of path characters only. What the build makes (dist/, target/) is left out:
  // it is not there on a fresh clone.
  const paths = [...text.matchAll(/`([\w.-]+(?:\/[\w.-]+)*(?:\/|\.\w+))`/g)].map((m) => m[1])
    .filter((p) => p.includes('/') || /\.(rs|mjs|js|md|toml|json|sh|css)$/.test(p))
    .filter((p) => !/^(dist|target)\//.test(p));
  assert.ok(paths.length > 40, `found ${paths.length} paths`);
  const missing = paths.filter((p) => !existsSync(path.join(ROOT, p)));
  assert.deepEqual(missing, [], 'paths named in ARCHITECTURE.md that do not exist');
});

// The Markdown files whose links are checked, relative to the root.
function markdownFiles() {
  const docs = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', 'ARCHITECTURE.md', 'endpoint/README.md', ...docs];
}

// The text outside fenced code blocks, line by line: a `# ...` in a shell block is no heading,
// and a [x](y) in code is no link.
function proseLines(text) {
  const lines = [];
  let fence = null;
  for (const line of text.split('\n')) {
    const open = line.match(/^\s*(`{3,}|~{3,})/);
    if (fence) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = null;
    } else if (open) {
      fence = open[1];
    } else {
      lines.push(line);
    }
  }
  return lines;
}

// GitHub's heading ids: the heading's text as shown (no link syntax, backticks or emphasis
// stars), lowercased, with everything but letters, digits, spaces, '-' and '_' dropped and each
// space turned into '-'. A repeated id gets -1, -2, ... in the order the headings come.
function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

function headingIds(text) {
  const seen = new Map();
  const ids = new Set();
  for (const line of proseLines(text)) {
    const h = line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
    if (!h) continue;
    const base = slug(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

const anchors = (file) => headingIds(readFileSync(path.join(ROOT, file), 'utf8'));

// Every [text](target) outside code: inline code spans are taken out first.
function links(file) {
  const prose = proseLines(readFileSync(path.join(ROOT, file), 'utf8')).join('\n')
    .replace(/(`+)[\s\S]*?\1/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

function brokenLinks(file) {
  const broken = [];
  for (const target of links(file)) {
    if (/^(https?:|mailto:)/i.test(target)) continue;
    const hash = target.indexOf('#');
    const linkPath = decodeURI(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
    const resolved = linkPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), linkPath));
    const full = path.join(ROOT, resolved);
    if (resolved.startsWith('..') || !existsSync(full)) {
      broken.push(`${file}: ${target} (no file ${resolved})`);
    } else if (anchor !== null) {
      if (statSync(full).isDirectory() || !resolved.endsWith('.md')) {
        broken.push(`${file}: ${target} (an anchor into something that is not Markdown)`);
      } else if (!anchors(resolved).has(anchor)) {
        broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
  }
  return broken;
}

test('README.md is short, starts with the two commands and sends each reader to their doc', () => {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const lines = text.replace(/\n$/, '').split('\n');
  assert.ok(lines.length <= 80, `README.md has ${lines.length} lines; at most 80`);
  const firstBlock = text.match(/```sh\n([\s\S]*?)```/);
  assert.ok(firstBlock && text.indexOf(firstBlock[0]) < text.indexOf('\n## '), 'the commands come first');
  assert.match(firstBlock[1], /^scripts\/demo\.sh\s/m);
  assert.match(firstBlock[1], /^scripts\/test\.sh\s/m);
  const targets = links('README.md');
  for (const doc of ['docs/embedding.md', 'docs/profiles.md', 'docs/staff-inbox.md', 'docs/operating.md']) {
    assert.ok(targets.some((t) => t.split('#')[0] === doc), `README.md does not link to ${doc}`);
  }
});

test('every relative link between the docs reaches a file, and every #anchor a heading in it', () => {
  const files = markdownFiles();
  assert.ok(files.length >= 7, `found ${files.length} Markdown files`);
  const checked = files.reduce((n, f) => n + links(f).filter((t) => !/^(https?:|mailto:)/i.test(t)).length, 0);
  assert.ok(checked > 20, `found ${checked} relative links`);
  assert.deepEqual(files.flatMap(brokenLinks), [], 'links that lead nowhere');
});

test('heading ids follow GitHub: punctuation dropped, repeats numbered', () => {
  assert.equal(slug("The widget's files"), 'the-widgets-files');
  assert.equal(slug('Your own "Get help" link'), 'your-own-get-help-link');
  assert.equal(slug('Notices: webhook, e-mail or log'), 'notices-webhook-e-mail-or-log');
  assert.equal(slug('`data_mode` and [links](x.md)'), 'data_mode-and-links');
  assert.equal(slug('Who are you?'), 'who-are-you');
  const ids = headingIds('# Config\n\n```sh\n# Config\n```\n\n## Config\n### Config\n## API\n');
  assert.deepEqual([...ids], ['config', 'config-1', 'config-2', 'api']);
});
