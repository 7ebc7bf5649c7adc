// Writes FILE.gz (gzip level 9) and FILE.br (brotli, best quality) next to every compressible
// file under a folder, dist/ by default: node scripts/precompress.mjs [FOLDER]
//
// The reference endpoint serves these instead of the plain file when the browser accepts them,
// and so can any web server that supports precompressed files (nginx gzip_static, brotli_static).
// A copy is kept only when it is smaller; otherwise any old copy is removed, so a server never
// sends a copy left over from an earlier build.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = ['.js', '.wasm', '.json', '.css', '.html', '.svg'];

const encoders = {
  '.gz': (bytes) => gzipSync(bytes, { level: 9 }),
  '.br': (bytes) =>
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
};

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const root = process.argv[2] ?? 'dist';
if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`precompress: ${root} is not a folder`);
  process.exit(1);
}

let plain = 0;
const sent = { '.gz': 0, '.br': 0 };
for (const path of [...files(root)]) {
  if (!COMPRESSIBLE.some((ext) => path.endsWith(ext))) continue;
  const bytes = readFileSync(path);
  plain += bytes.length;
  for (const [ext, encode] of Object.entries(encoders)) {
    const packed = encode(bytes);
    if (packed.length < bytes.length) {
      writeFileSync(path + ext, packed);
      sent[ext] += packed.length;
    } else {
      rmSync(path + ext, { force: true });
      sent[ext] += bytes.length;
    }
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`precompress: ${root}: ${kb(plain)} plain, ${kb(sent['.gz'])} gzip, ${kb(sent['.br'])} brotli`);
