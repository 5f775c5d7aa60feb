// Helpers shared by the browser tests.
import assert from 'node:assert/strict';
import { join } from 'node:path';

export { assert };

/** Opens the app and waits until the diagram is drawn. */
export async function openApp(page, baseURL, hash = '') {
  await page.goto(`${baseURL}${hash}`);
  await page.waitForSelector('.fd-app [data-panel] .node, .fd-app .routes, .fd-app .simulate', { timeout: 20_000 });
}

/** Switches view with its tab. */
export async function showView(page, id) {
  await page.click(`[role=tab][data-view=${id}]`);
  await page.waitForSelector(`[data-panel=${id}]:not([hidden])`);
}

/** Opens an example by id with the picker and waits for the full check. */
export async function openExample(page, id) {
  await page.selectOption('.example-picker', id);
  await page.waitForFunction((want) => document.querySelector('[data-testid=source]')?.textContent?.includes(want), id);
  await waitChecked(page);
}

/** Waits until the full check (with SLA feasibility) of the current document has run. */
export async function waitChecked(page) {
  await page.waitForSelector('.diagnostics[data-state=done]', { timeout: 20_000 });
}

/** The diagnostics shown: [{code, severity, text}]. */
export async function diagnostics(page) {
  return page.$$eval('[data-testid=diagnostics] .diag', (els) =>
    els.map((e) => ({ code: e.getAttribute('data-code'), severity: e.getAttribute('data-severity'), text: e.textContent })),
  );
}

/** Selects a node or an edge with the selection picker (`n:id` or `e:id`). */
export async function pick(page, value) {
  await page.selectOption('[data-testid=selection-picker]', value);
  await page.waitForSelector('[data-testid=properties] .props-title');
}

/**
 * Saves a screenshot into www/test-results/. With `whole`, the viewport grows to the
 * height of the visible view's content first (the views scroll inside the app).
 */
export async function screenshot(page, results, name, whole = false) {
  const path = join(results, name);
  const size = page.viewportSize();
  if (whole) {
    const height = await page.evaluate(() => {
      const panel = document.querySelector('.view-panel:not([hidden])');
      const bar = document.querySelector('.topbar');
      return Math.ceil((panel?.scrollHeight ?? 0) + (bar?.getBoundingClientRect().height ?? 0));
    });
    await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 6000)) });
    await page.waitForTimeout(400);
  }
  await page.screenshot({ path });
  if (whole) await page.setViewportSize(size);
  return path;
}

/** Fills the simulation run options. */
export async function simOptions(page, { horizon, replications, seed, warmup }) {
  if (horizon !== undefined) await page.fill('[data-field=horizon]', String(horizon));
  if (warmup !== undefined) await page.fill('[data-field=warmup]', String(warmup));
  if (replications !== undefined) await page.fill('[data-field=replications]', String(replications));
  if (seed !== undefined) await page.fill('[data-field=seed]', String(seed));
}

/** The visible buttons and fields under `scope` that have no accessible name (should be none). */
export async function unnamedControls(page, scope) {
  const sel = ['button', 'select', 'input:not([type=file])', 'textarea'].map((t) => `${scope} ${t}`).join(', ');
  return page.$$eval(sel, (els) =>
    els
      .filter((e) => !e.closest('[hidden]'))
      .filter((e) => {
        const label = e.getAttribute('aria-label') || (e.id && document.querySelector(`label[for="${e.id}"]`)) || e.closest('label') || (e.tagName === 'BUTTON' && e.textContent.trim());
        return !label;
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
}
