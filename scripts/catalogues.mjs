// Joins each language's interface text (profile/content/ui.<lang>.json) and national content
// (national.<lang>.json) into the one file the panel fetches when that language is chosen:
// <dist>/lang/<lang>.json. English is built into the wasm and is not written.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = process.argv[2] || "dist";
const content = new URL("../profile/content/", import.meta.url).pathname;
mkdirSync(join(dist, "lang"), { recursive: true });
for (const name of readdirSync(content)) {
  const lang = /^ui\.([a-z]+)\.json$/.exec(name)?.[1];
  if (!lang || lang == "en") continue;
  const ui = JSON.parse(readFileSync(join(content, name), "utf8"));
  const national = JSON.parse(readFileSync(join(content, `national.${lang}.json`), "utf8"));
  // Without spaces: the file crosses the network on a phone that may be on a slow plan.
  writeFileSync(join(dist, "lang", `${lang}.json`), JSON.stringify({ ...ui, national }));
  console.log(`lang/${lang}.json`);
}
