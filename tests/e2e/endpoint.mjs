// The real reference endpoint (built by `cargo test`), run for a browser test on a free port
// with a fresh SQLite database, serving the built widget and demo pages.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_FORM_ORIGIN, DIST, freePort } from './harness.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'target/debug');

// The demo config, pointed at a fresh database and this run's origin, with limits high enough
// for a whole test run from one address. `edit` may change the text further.
function writeConfig(dir, port, edit) {
  const origin = `http://127.0.0.1:${port}`;
  // The form's frame comes from another origin than the pages, as in the demo.
  const formOrigin = `http://localhost:${port}`;
  const demo = readFileSync(path.join(ROOT, 'endpoint/demo.toml'), 'utf8');
  const config = edit(demo
    .replace(/^bind = .*$/m, `bind = "127.0.0.1:${port}"`)
    .replace(/^database = .*$/m, `database = ${JSON.stringify(path.join(dir, 'requests.db'))}`)
    .replace(/^static_dir = .*$/m, `static_dir = ${JSON.stringify(demoCopy(dir, formOrigin))}`)
    .replace(/^per_client_per_hour = .*$/m, 'per_client_per_hour = 1000')
    .replace(/^origins = .*$/gm, `origins = ["${origin}"]`)
    .replace(/^origin = .*$/m, `origin = "${formOrigin}"`)
    .replace(/^profile = "\.\.\/(.*)"$/gm, (_, rest) => `profile = ${JSON.stringify(path.join(ROOT, rest))}`)
    .replace(/^base_url = .*$/m, `base_url = "${origin}"`), origin);
  const file = path.join(dir, 'endpoint.toml');
  writeFileSync(file, config);
  return { file, origin, formOrigin };
}

export function keyFile(landlord) {
  const file = path.join(ROOT, 'endpoint/demo-keys', `${landlord}.key`);
  chmodSync(file, 0o600); // git does not keep the owner-only mode the staff tool expects
  return file;
}

// The built site with its demo pages naming this run's endpoint, as the demo's name the demo's.
// A copy rather than rewriting pages in the browser: a page the test fulfils itself has no
// address, so Chromium would treat it as public and refuse its frame on a loopback address.
function demoCopy(dir, formOrigin) {
  const copy = path.join(dir, 'dist');
  cpSync(DIST, copy, { recursive: true });
  for (const name of readdirSync(path.join(copy, 'demo')).filter((n) => n.endsWith('.html'))) {
    const file = path.join(copy, 'demo', name);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(DEMO_FORM_ORIGIN, formOrigin));
    // The endpoint would send the build's compressed copies, which still name the demo's.
    for (const copy of [`${file}.gz`, `${file}.br`]) rmSync(copy, { force: true });
  }
  return copy;
}

class Endpoint {
  constructor(config, dir, server) { this.config = config; this.dir = dir; this.server = server; }

  async start() {
    this.child = spawn(path.join(BIN, 'safe-contact-endpoint'), ['--config', this.config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    this.log = this.log ?? '';
    this.child.stdout.on('data', (c) => { this.log += c; });
    this.child.stderr.on('data', (c) => { this.log += c; });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`endpoint did not start: ${out}`)), 20000);
      const seen = (chunk) => {
        out += chunk;
        if (out.includes('listening on')) { clearTimeout(timer); resolve(); }
      };
      this.child.stdout.on('data', seen);
      this.child.stderr.on('data', seen);
      this.child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`endpoint exited ${code}: ${out}`)); });
    });
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Runs the staff tool with this endpoint's config and returns what it printed. */
  staff(...args) {
    return execFileSync(path.join(BIN, 'safe-contact-staff'), ['--config', this.config, ...args],
      { encoding: 'utf8', stdio: 'pipe' });
  }

  // Requests stored for a landlord, read with the staff tool as a landlord's staff would.
  stored(landlord) {
    return this.staff('list', landlord, 'all').split('\n').filter((line) => /^[0-9a-f]{8}-/.test(line));
  }

  // Reads one request, opening it locally with the landlord's private key.
  show(landlord, id) {
    return this.staff('show', landlord, id, '--key', keyFile(landlord));
  }

  // What the staff tool says when it cannot open a request.
  refusal(landlord, id) {
    try {
      this.show(landlord, id);
    } catch (e) {
      return String(e.stderr) + String(e.stdout);
    }
    throw new Error(`the staff tool opened ${id}`);
  }

  databaseBytes() {
    return ['requests.db', 'requests.db-wal'].map((f) => path.join(this.dir, f))
      .filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('');
  }
}

/**
 * Starts an endpoint on the demo config. `edit(configText, origin)` may change the config;
 * `server.url(path)` is an address on it.
 */
export async function startEndpoint(edit = (text) => text) {
  const dir = mkdtempSync(path.join(tmpdir(), 'safe-contact-e2e-'));
  const port = await freePort();
  const { file, origin, formOrigin } = writeConfig(dir, port, edit);
  const endpoint = new Endpoint(file, dir, { origin, formOrigin, url: (p = '/') => origin + p });
  await endpoint.start();
  return endpoint;
}
