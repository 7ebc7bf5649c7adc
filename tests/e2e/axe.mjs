// axe-core on the widget: its serious and critical violations, shared by the accessibility
// and the languages tests.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { HOST } from './harness.mjs';

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe on the widget host (and everything in its shadow root); returns serious+ violations.
 * axe checks colour contrast only for what is in view, and the floating panel scrolls, so it
 * runs a second time with the window made tall enough to show all of the panel and the page.
 */
export async function widgetViolations(page, scope = HOST) {
  const first = await new AxeBuilder({ page }).include(scope).analyze();
  assert.ok(first.passes.length > 0, 'axe checked something inside the widget');
  const viewport = page.viewportSize();
  const needed = await page.evaluate((host) => {
    const panel = document.querySelector(host)?.shadowRoot?.querySelector('#safe-contact-panel');
    return Math.max(document.documentElement.scrollHeight, panel ? panel.scrollHeight : 0);
  }, scope);
  let all = first.violations;
  if (needed > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: Math.min(needed + 100, 20000) });
    try {
      const tall = await new AxeBuilder({ page }).include(scope).analyze();
      all = all.concat(tall.violations);
    } finally {
      await page.setViewportSize(viewport);
    }
  }
  const seen = new Map();
  for (const v of all.filter((x) => BLOCKING.has(x.impact))) {
    const have = seen.get(v.id);
    if (!have) { seen.set(v.id, { ...v, nodes: [...v.nodes] }); continue; }
    for (const n of v.nodes) {
      if (!have.nodes.some((m) => JSON.stringify(m.target) === JSON.stringify(n.target))) have.nodes.push(n);
    }
  }
  return [...seen.values()];
}

/** A readable list of violations, one node per line, for the failure message. */
function readable(violations) {
  return violations.map((v) => [
    `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.map((n) => `    at ${JSON.stringify(n.target)}: ${n.failureSummary.replace(/\s*\n\s*/g, ' | ')}`),
  ].join('\n')).join('\n');
}

export function assertNone(violations, where) {
  assert.equal(violations.length, 0, `${where}: ${violations.length} serious or critical axe violation(s):\n${readable(violations)}`);
}
