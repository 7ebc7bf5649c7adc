// The inline snippet: the minified loader (dist/safe-contact.js) pasted into the landlord's
// <head> as it is, so no request blocks the page's first paint and nothing revalidates it on
// later page views. A pasted copy names where the widget's files are with data-base, and a
// page's Content-Security-Policy allows it by its hash.
//
//   node scripts/snippet.mjs [--base URL] [--profile ID] [--endpoint URL] [DIST]
//       prints the snippet for a landlord, and the CSP source that allows it
//   node scripts/snippet.mjs --demo [DIST]
//       pastes the loader into the demo pages that ask for the inline snippet (an empty
//       <script data-base …> tag), after scripts/build.sh has minified it
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An inline snippet's tag, empty in a page's source: `<script data-base=…></script>`. */
const EMPTY_INLINE = /<script (data-base="[^"]*"[^>]*)><\/script>/g;

/** The loader as it goes between <script> and </script>, checked to stay there. */
export function loaderText(dist) {
  const text = readFileSync(path.join(dist, 'safe-contact.js'), 'utf8').trimEnd();
  // Any of these would end the script early, or change how the HTML parser reads it.
  if (/<\/script|<!--|<script/i.test(text)) throw new Error('the minified loader cannot be pasted inline');
  return text;
}

/** The CSP source that allows exactly this copy of the loader. */
export function cspHash(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** `html` with the loader pasted into each empty inline snippet tag. */
export function pasteInline(html, text) {
  return html.replace(EMPTY_INLINE, (_, attributes) => `<script ${attributes}>${text}</script>`);
}

/**
 * `html` with its external snippet (`<script src="…/safe-contact.js" …>`) turned into the inline
 * one, for tests and benchmarks that try both on the same page.
 */
export function externalToInline(html, text) {
  return html.replace(/<script src="([^"]*)safe-contact\.js"([^>]*)><\/script>/, (_, dir, attributes) =>
    `<script data-base="${dir || './'}"${attributes}>${text}</script>`);
}

function main(args) {
  const flag = (name) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args.splice(i, 2)[1];
  };
  const demo = args.includes('--demo') && args.splice(args.indexOf('--demo'), 1);
  const base = flag('--base') || 'https://contact.example.org.uk/safe-contact/';
  const profile = flag('--profile') || 'your-landlord-id';
  const endpoint = flag('--endpoint');
  const dist = args[0] || 'dist';
  const text = loaderText(dist);
  if (demo) {
    const dir = path.join(dist, 'demo');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
      const file = path.join(dir, name);
      const html = readFileSync(file, 'utf8');
      const pasted = pasteInline(html, text);
      if (pasted != html) {
        writeFileSync(file, pasted);
        console.log(`demo/${name}: inline snippet`);
      }
    }
    return;
  }
  const attributes = [`data-base="${base}"`, `data-profile="${profile}"`]
    .concat(endpoint ? [`data-endpoint="${endpoint}"`] : []).join(' ');
  console.log(`<script ${attributes}>${text}</script>`);
  console.log();
  // As "Your Content Security Policy" in docs/embedding.md says: the hash for the snippet,
  // the files' origin for the app and its fetches, the endpoint's for the form's frame.
  const files = new URL(base).origin;
  const frames = endpoint ? new URL(endpoint).origin : files;
  console.log(`Content-Security-Policy: script-src ${cspHash(text)} ${files} 'wasm-unsafe-eval'; `
    + `connect-src ${files}; frame-src ${frames}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
