// The content files the browser fetches, as it gets them:
// - each language's interface text (profile/content/ui.<lang>.json) and national content
//   (national.<lang>.json) joined into the one file the panel fetches when that language is
//   chosen: <dist>/lang/<lang>.json (English is built into the wasm and is not written);
// - the landlord profiles in <dist>/profiles/, which Trunk copied from public/profiles/.
// Each goes without the sources and dates behind its content: the validator checks them in the
// files people edit, the panel never shows them, and they are a third of each file.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What only the people who check the content read. Keep in step with profile/src/shown.rs. */
const NOT_SHOWN = new Set(["source", "checked", "source_date", "sources"]);

/** `value` without NOT_SHOWN members, at any depth. */
const shown = (value) =>
  Array.isArray(value) ? value.map(shown)
    : value && typeof value == "object"
      ? Object.fromEntries(Object.entries(value).filter(([k]) => !NOT_SHOWN.has(k)).map(([k, v]) => [k, shown(v)]))
      : value;

// Without spaces: the files cross the network on a phone that may be on a slow plan.
const write = (file, value) => writeFileSync(file, JSON.stringify(shown(value)));

const dist = process.argv[2] || "dist";
const content = new URL("../profile/content/", import.meta.url).pathname;
mkdirSync(join(dist, "lang"), { recursive: true });
for (const name of readdirSync(content)) {
  const lang = /^ui\.([a-z]+)\.json$/.exec(name)?.[1];
  if (!lang || lang == "en") continue;
  const ui = JSON.parse(readFileSync(join(content, name), "utf8"));
  const national = JSON.parse(readFileSync(join(content, `national.${lang}.json`), "utf8"));
  write(join(dist, "lang", `${lang}.json`), { ...ui, national });
  console.log(`lang/${lang}.json`);
}
for (const name of readdirSync(join(dist, "profiles")).filter((f) => f.endsWith(".json"))) {
  const file = join(dist, "profiles", name);
  write(file, JSON.parse(readFileSync(file, "utf8")));
  console.log(`profiles/${name}`);
}
