// What the snippet costs a landlord's page in Lighthouse 12 (mobile, simulated throttling: its
// defaults), against the reference endpoint, so every file travels with the headers and the
// compression it would have in real use. Figures only: each is printed next to its goal,
// nothing passes or fails.
//   LIGHTHOUSE=target/bench-tools/node_modules/.bin/lighthouse node bench/lighthouse.mjs [runs]
// (after scripts/build.sh and cargo build --locked -p safe-contact-endpoint; scripts/bench.sh
// installs Lighthouse there and runs this). Without LIGHTHOUSE it prints that it was skipped.
//
// 1. The Livin page with no snippet, the inline snippet and the external snippet: LCP, FCP,
//    TBT and bytes, and each one's difference from no snippet.
// 2. A second page view with a warm cache: the Livin page, then another page of the same site,
//    in one browser; LCP and FCP of the second view against no snippet, and whether it fetched
//    the loader over the network.
// 3. The support page (inline mode) as served against the same page without the widget, and
//    with JavaScript off, whether the page's plain copy of the panel can be read.
//
// Every variant is made here at run time from the page in dist/ (nothing is committed): the
// proxy below serves /demo/NAME.VARIANT.html and passes every other request to the endpoint.
import { readFileSync, realpathSync, existsSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  CHROMIUM_ARGS, DIST, HELPLINE, launch, localServiceNames, profileOf, stubOffsite, withDeadline,
} from '../tests/e2e/harness.mjs';
import { kb, load, median, ms, startEndpoint } from './weight.mjs';

const RUNS = Number(process.argv[2] || 3);
const LIGHTHOUSE = process.env.LIGHTHOUSE;
const LANDLORD = 'livin';
// Another page of the same site (same origin, so the same HTTP cache) with a launcher snippet,
// for the second page view.
const SECOND = 'stockport-homes';
const SUPPORT = 'support';
// Bounds one Lighthouse navigation, so a stuck browser cannot hold the bench for ever.
const DEADLINE = 180_000;

// The loader as the build minified it: the external snippet's file, and the inline snippet's text.
const LOADER_JS = readFileSync(path.join(DIST, 'safe-contact.js'), 'utf8');
if (/<\/script|<!--/i.test(LOADER_JS)) throw new Error('dist/safe-contact.js cannot be pasted into a <script> as it is');

// --- The variants ---------------------------------------------------------------------------

// The loader's tag, in either form: <script src=".../safe-contact.js" data-profile=…></script>,
// or a pasted copy <script data-base=… data-profile=…>…</script>. Its leading indent and line end
// go with it when it is taken out.
const LOADER_TAG = /[ \t]*<script\b([^>]*\bdata-profile=[^>]*)>([\s\S]*?)<\/script>\n?/;

// The tag's attributes other than src and data-base, as written (a leading space each).
const snippetAttributes = (attrs) => attrs.replace(/\s+(src|data-base)="[^"]*"/g, '');

// The element `#id` (its opening tag's name) found by balancing that tag name after it: its
// contents are [start, end).
function contentsOf(html, id) {
  const open = new RegExp(`<([a-z][a-z0-9]*)\\b[^>]*\\bid="${id}"[^>]*>`, 'i').exec(html);
  if (!open) return null;
  const tags = new RegExp(`<(/?)${open[1]}\\b[^>]*>`, 'gi');
  tags.lastIndex = open.index + open[0].length;
  let depth = 1;
  for (let m; (m = tags.exec(html));) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return { start: open.index + open[0].length, end: m.index };
  }
  return null;
}

// `html` as the variant: "served" (unchanged), "none" (no loader tag and, for an inline-mode
// page, its target emptied: the same page without the widget), "external" (the tag as a
// <script src>) or "inline" (the tag with data-base="/" and the minified loader as its text).
function variant(html, name, kind) {
  const tag = LOADER_TAG.exec(html);
  if (!tag) throw new Error(`no loader tag found in /demo/${name}.html`);
  const [whole, attrs] = tag;
  const indent = whole.match(/^[ \t]*/)[0];
  const put = (replacement) => html.slice(0, tag.index) + replacement + html.slice(tag.index + whole.length);
  const rest = snippetAttributes(attrs);
  switch (kind) {
    case 'served': return html;
    case 'external': return put(`${indent}<script src="/safe-contact.js"${rest}></script>\n`);
    case 'inline': return put(`${indent}<script data-base="/"${rest}>${LOADER_JS}</script>\n`);
    case 'none': {
      let out = put('');
      const target = attrs.match(/\bdata-target="#([\w-]+)"/)?.[1];
      const inside = target && contentsOf(out, target);
      if (inside) out = out.slice(0, inside.start) + out.slice(inside.end);
      return out;
    }
    default: throw new Error(`unknown variant ${kind}`);
  }
}

const KINDS = ['served', 'none', 'external', 'inline'];
const pageUrl = (name, kind) => `/demo/${name}.${kind}.html`;

// Serves /demo/NAME.KIND.html, made from dist/demo/NAME.html, compressed and with the headers
// the endpoint gives a page (no-store), and passes every other request to the endpoint
// untouched, with the endpoint's own headers: the loader's Cache-Control is the endpoint's.
// Every variant is served this way, so the extra hop costs them all the same.
async function startProxy(endpoint) {
  const target = new URL(endpoint.origin);
  const server = createServer((req, res) => {
    const m = /^\/demo\/([\w-]+)\.(\w+)\.html$/.exec(req.url);
    if (m && KINDS.includes(m[2]) && existsSync(path.join(DIST, 'demo', `${m[1]}.html`))) {
      const page = Buffer.from(variant(readFileSync(path.join(DIST, 'demo', `${m[1]}.html`), 'utf8'), m[1], m[2]));
      const accepts = String(req.headers['accept-encoding'] || '');
      const [encoding, body] = /\bbr\b/.test(accepts) ? ['br', brotliCompressSync(page)]
        : /\bgzip\b/.test(accepts) ? ['gzip', gzipSync(page, { level: 9 })] : [null, page];
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Vary: 'accept-encoding',
        ...(encoding && { 'Content-Encoding': encoding }),
      });
      return res.end(body);
    }
    const upstream = request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
    upstream.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (p) => origin + p,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

// --- Lighthouse -----------------------------------------------------------------------------

// Lighthouse's Node API and its own puppeteer-core, from where scripts/bench.sh installed the
// CLI: the API is needed for the second page view (a user flow: two navigations in one browser).
// Every run uses it, so all figures come from one way of running Lighthouse, with its default
// config: mobile, simulated throttling, as the CLI runs it.
async function loadLighthouse() {
  let dir = path.dirname(realpathSync(LIGHTHOUSE));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const api = await import(pathToFileURL(path.join(dir, 'core/index.js')).href);
  const puppeteer = createRequire(path.join(dir, 'package.json'))('puppeteer-core');
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { lighthouse: api.default, startFlow: api.startFlow, puppeteer, version };
}

const FLAGS = { logLevel: 'error', onlyCategories: ['performance'], output: 'json' };

// Debian's Chromium, headless, fresh profile: each run starts with an empty cache.
async function withBrowser(lh, fn) {
  const browser = await lh.puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    return await fn(await browser.newPage());
  } finally {
    await browser.close();
  }
}

// The figures of one navigation's report, and how its page got the loader.
function figures(lhr, devtoolsLog) {
  if (lhr.runtimeError) throw new Error(lhr.runtimeError.message);
  const a = lhr.audits;
  const element = a['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
  return {
    lcp: a['largest-contentful-paint'].numericValue,
    fcp: a['first-contentful-paint'].numericValue,
    tbt: a['total-blocking-time'].numericValue,
    bytes: a['total-byte-weight'].numericValue,
    lcpElement: element ? (element.selector || element.snippet) : 'n/a',
    loader: loaderFetch(devtoolsLog),
  };
}

// How the page's requests for the loader's file were served: not at all (a pasted copy),
// from the memory or disk cache (no request on the network), or over the network. A 304 is a
// revalidation: still a round trip before a blocking script can run. Chrome reports it in
// responseReceived as the cached 200; the status on the wire is in responseReceivedExtraInfo.
function loaderFetch(log) {
  const seen = new Map();
  for (const { method, params } of log || []) {
    if (method === 'Network.requestWillBeSent' && /\/safe-contact\.js$/.test(new URL(params.request.url).pathname)) {
      seen.set(params.requestId, {});
    }
    const r = seen.get(params?.requestId);
    if (!r) continue;
    if (method === 'Network.requestServedFromCache') r.memory = true;
    if (method === 'Network.responseReceivedExtraInfo') r.wire = params.statusCode;
    if (method === 'Network.responseReceived') {
      r.status = params.response.status;
      r.disk = params.response.fromDiskCache;
      r.cacheControl = Object.entries(params.response.headers || {}).find(([k]) => k.toLowerCase() === 'cache-control')?.[1];
    }
    if (method === 'Network.loadingFinished') r.bytes = params.encodedDataLength;
  }
  const requests = [...seen.values()];
  return {
    network: requests.some((r) => !r.memory && !r.disk),
    how: requests.length === 0 ? 'not requested'
      : requests.map((r) => (r.memory ? 'memory cache' : r.disk ? 'disk cache'
        : `network, ${r.wire ?? r.status ?? '?'}${r.wire === 304 ? ' (revalidated)' : ''}, ${r.bytes ?? '?'} B`)).join(' + '),
    cacheControl: requests.find((r) => r.cacheControl)?.cacheControl,
  };
}

// One cold navigation (Lighthouse resets storage and the cache first) in a fresh browser.
function coldRun(lh, url) {
  return withDeadline(withBrowser(lh, async (page) => {
    const result = await lh.lighthouse(url, FLAGS, undefined, page);
    return figures(result.lhr, result.artifacts.DevtoolsLog);
  }), DEADLINE, `Lighthouse did not finish ${url}`);
}

// Two navigations in one browser and tab, as a Lighthouse user flow: the first cold (storage
// and cache reset), the second with `disableStorageReset`, so it finds whatever the first left
// in the HTTP cache. Returns the figures of both.
//
// Why a flow, and not Playwright timing the page itself: the goal is stated in Lighthouse's
// terms (simulated LCP/FCP), and Lighthouse's simulation models a cache hit honestly: a file
// read from the disk cache costs it ~8 ms, a revalidation costs a round trip. One thing it
// cannot model: a file served from the memory cache is simulated as if it had been fetched;
// that is why how the loader was served is printed beside the figures.
function warmRun(lh, first, second) {
  return withDeadline(withBrowser(lh, async (page) => {
    const flow = await lh.startFlow(page, { flags: FLAGS });
    await flow.navigate(first, { disableStorageReset: false });
    await flow.navigate(second, { disableStorageReset: true });
    const { steps } = await flow.createFlowResult();
    const { gatherSteps } = flow.createArtifactsJson();
    return steps.map((step, i) => figures(step.lhr, gatherSteps[i].artifacts.DevtoolsLog));
  }), 2 * DEADLINE, `Lighthouse did not finish ${first} then ${second}`);
}

// --- With JavaScript off --------------------------------------------------------------------

// The support page as served, with JavaScript off: its plain copy of the panel, if it has one
// (`[data-safe-contact-static]`, pasted from safe-contact-validate --panel-html), each heading
// in it and whether it is drawn, and whether Livin's services and the two numbers are in it.
async function withoutJavaScript(url, origin) {
  const browser = await launch();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await stubOffsite(context, origin);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    return await page.evaluate(() => {
      const copy = document.querySelector('[data-safe-contact-static]');
      if (!copy) return null;
      const drawn = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
      };
      // Readable: drawn, or in a closed <details> whose summary is readable (a tap opens it,
      // with no script).
      const readable = (el) => {
        if (drawn(el)) return 'shown';
        // A summary's own <details> is not what hides it: look above that.
        const from = el.localName === 'summary' ? el.parentElement?.parentElement : el.parentElement;
        const summary = from?.closest('details:not([open])')?.querySelector(':scope > summary');
        return summary && readable(summary) ? 'behind a summary' : null;
      };
      return {
        drawn: drawn(copy),
        // Each section once: a summary, or a heading not inside one.
        headings: [...copy.querySelectorAll('h2, h3, summary')]
          .filter((h) => (h.localName === 'summary' ? !h.querySelector('h2, h3') : !h.closest('summary'))).map((h) => ({ text: h.textContent.trim().replace(/\s+/g, ' '), readable: readable(h) })),
        text: copy.textContent.replace(/\s+/g, ' '),
      };
    });
  } finally {
    await browser.close();
  }
}

// --- Printing -------------------------------------------------------------------------------

const med = (runs, key) => median(runs.map((r) => r[key]));
const each = (runs, key, f = Math.round) => runs.map((r) => (r[key] == null ? 'n/a' : f(r[key]))).join(', ');
const signed = (v) => (v == null ? 'n/a' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(Math.round(v))} ms`);

// One metric of one variant: median, difference from the reference's median, each run, goal.
function row(label, runs, key, base, goal) {
  const bytes = key === 'bytes';
  const value = med(runs, key);
  const fig = bytes ? kb(value) : ms(value);
  const diff = !base ? '' : bytes
    ? `${value - med(base, key) >= 0 ? '+' : '−'}${Math.abs(Math.round(value - med(base, key)))} B`
    : signed(value - med(base, key));
  const all = `[${each(runs, key)}]`;
  console.log(`    ${label.padEnd(5)} ${fig.padStart(9)} ${diff.padStart(9)}   ${all.padEnd(24)} ${goal ? `goal: ${goal}` : ''}`);
}

function variantBlock(title, runs, base, goals = {}) {
  console.log(`  ${title}${base ? ' (difference from no snippet)' : ''}:`);
  for (const key of ['lcp', 'fcp', 'tbt', 'bytes']) row(key.toUpperCase(), runs, key, base, goals[key]);
  const elements = [...new Set(runs.map((r) => r.lcpElement))];
  console.log(`    LCP element: ${elements.join(' | ')}`);
}

// --- The run --------------------------------------------------------------------------------

if (!LIGHTHOUSE || !existsSync(LIGHTHOUSE)) {
  console.log('Lighthouse: skipped (set LIGHTHOUSE to Lighthouse 12\'s CLI; scripts/bench.sh does).');
  process.exit(0);
}
const lh = await loadLighthouse();
const inlineTag = `<script data-base="/"${snippetAttributes(LOADER_TAG.exec(readFileSync(path.join(DIST, 'demo', `${LANDLORD}.html`), 'utf8'))[1])}>${LOADER_JS}</script>`;
console.log(`Lighthouse ${lh.version} (mobile, simulated throttling), against the reference endpoint;`
  + ` medians of ${RUNS} runs, each run's figure in brackets.`);
console.log(`Load average at start (1, 5, 15 min): ${load()} on ${os.cpus().length} CPUs`);
console.log(`\nThe inline snippet for /demo/${LANDLORD}.html (the whole minified loader in its tag):`);
console.log(`    ${Buffer.byteLength(inlineTag)} B plain, ${gzipSync(inlineTag, { level: 9 }).length} B gzip,`
  + ` ${brotliCompressSync(inlineTag).length} B brotli   goal: ≤ 1,500 B gzipped for a stub, or the loader's`
  + ' budget (3,600 B gzip, 3,300 B brotli) for the whole loader');

const endpoint = await startEndpoint();
const proxy = await startProxy(endpoint);
try {
  // 1. The first page view. Variants alternate, so a busy spell on the machine falls on all alike.
  const first = { none: [], inline: [], external: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const kind of Object.keys(first)) first[kind].push(await coldRun(lh, proxy.url(pageUrl(LANDLORD, kind))));
  }
  console.log(`\n1. First page view of /demo/${LANDLORD}.html, empty cache:`);
  variantBlock('no snippet', first.none);
  variantBlock('inline snippet', first.inline, first.none, { lcp: 'within 20 ms of no snippet', fcp: 'within 20 ms of no snippet' });
  variantBlock('external snippet', first.external, first.none, { lcp: 'within 50 ms of no snippet' });
  console.log(`    loader: ${[...new Set(first.external.map((r) => r.loader.how))].join(' | ')};`
    + ` Cache-Control: ${first.external[0].loader.cacheControl ?? 'n/a'}`);

  // 2. The second page view: /demo/livin.html, then another page of the site, each in the
  // same variant.
  const warm = { none: [], inline: [], external: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const kind of Object.keys(warm)) {
      const [, second] = await warmRun(lh, proxy.url(pageUrl(LANDLORD, kind)), proxy.url(pageUrl(SECOND, kind)));
      warm[kind].push(second);
    }
  }
  console.log(`\n2. Second page view, warm cache: /demo/${LANDLORD}.html, then /demo/${SECOND}.html in the same tab`
    + ' (figures of the second):');
  variantBlock('no snippet', warm.none);
  variantBlock('inline snippet', warm.inline, warm.none);
  variantBlock('external snippet', warm.external, warm.none);
  const fetched = warm.external.filter((r) => r.loader.network).length;
  console.log(`    loader on the second view: ${fetched ? `over the network in ${fetched} of ${RUNS} runs` : 'no network request'}`
    + ` [${warm.external.map((r) => r.loader.how).join('; ')}]   goal: no network request for the loader`);
  console.log(`    (served with Cache-Control: ${warm.external[0].loader.cacheControl ?? 'n/a'})`);
  if (warm.external.some((r) => /memory cache/.test(r.loader.how))) {
    console.log('    Note: Lighthouse simulates a file from the memory cache as if it were fetched, so the'
      + ' external snippet\'s LCP and FCP above overstate its cost on those runs.');
  }

  // 3. The support page, as served, against the same page without the widget.
  const support = { none: [], served: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const kind of Object.keys(support)) support[kind].push(await coldRun(lh, proxy.url(pageUrl(SUPPORT, kind))));
  }
  const servedTag = LOADER_TAG.exec(readFileSync(path.join(DIST, 'demo', `${SUPPORT}.html`), 'utf8'));
  const form = /\bsrc=/.test(servedTag[1]) ? 'external' : 'inline';
  console.log(`\n3. /demo/${SUPPORT}.html (inline mode, ${form} snippet as served), empty cache:`);
  variantBlock('without the widget (no loader tag, mount emptied)', support.none);
  console.log(`  with the widget (difference from without):`);
  row('LCP', support.served, 'lcp', support.none, 'within 100 ms of without the widget');
  row('FCP', support.served, 'fcp', support.none);
  row('TBT', support.served, 'tbt', support.none);
  row('BYTES', support.served, 'bytes', support.none);
  console.log(`    LCP element: ${[...new Set(support.served.map((r) => r.lcpElement))].join(' | ')}`);

  const off = await withoutJavaScript(proxy.url(pageUrl(SUPPORT, 'served')), proxy.origin);
  console.log('  with JavaScript off:');
  if (!off) {
    console.log('    no static panel (no [data-safe-contact-static] in the page)   goal: every help section readable');
  } else {
    const count = (state) => off.headings.filter((h) => h.readable === state).length;
    const services = localServiceNames(profileOf(LANDLORD));
    const missing = services.filter((s) => !off.text.includes(s.replace(/\s+/g, ' ')));
    const numbers = ['999', HELPLINE].filter((n) => !off.text.includes(n));
    console.log(`    static panel ${off.drawn ? 'shown' : 'NOT shown'}; ${off.headings.length} sections (h2, h3 or summary):`
      + ` ${count('shown')} shown, ${count('behind a summary')} behind a summary that opens without script,`
      + ` ${count(null)} unreadable   goal: every help section readable`);
    console.log(`      [${off.headings.map((h) => `${h.text}${h.readable === 'shown' ? '' : h.readable ? ' (behind a summary)' : ' (UNREADABLE)'}`).join(' | ')}]`);
    console.log(`    ${LANDLORD}'s services named: ${services.length - missing.length} of ${services.length}`
      + `${missing.length ? ` (missing: ${missing.join(', ')})` : ''}; 999 and ${HELPLINE}: `
      + `${numbers.length ? `missing ${numbers.join(', ')}` : 'both present'}`);
  }
} finally {
  await proxy.close();
  await endpoint.stop();
}
console.log(`\nLoad average at end (1, 5, 15 min): ${load()}`);
