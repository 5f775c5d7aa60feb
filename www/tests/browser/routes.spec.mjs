// The route explorer.
import { assert, openApp, screenshot, showView } from './helpers.mjs';

export const tests = [
  {
    name: 'routing a case shows its path, outcome and SLA deadline',
    async run({ page, baseURL, results }) {
      await openApp(page, baseURL, '#routes');
      await page.waitForSelector('[data-panel=routes]:not([hidden])');
      const set = async (attr, value) => page.selectOption(`[data-attribute=${attr}]`, value);
      await set('channel', 'twitter');
      await set('asker', 'customer');
      await set('sentiment', 'negative');
      await set('situation', 'problem');
      await set('sensitive', 'no');
      await set('wants_help', 'yes');
      await set('satisfied', 'yes');
      await page.fill('[data-field=arrival]', '2026-11-20T19:30');
      await page.dispatchEvent('[data-field=arrival]', 'change');
      await page.waitForFunction(() => document.querySelector('[data-testid=route-outcome]')?.textContent?.includes('Outcome'));
      assert.match(await page.textContent('[data-testid=route-outcome]'), /Outcome: resolved/);
      const deadline = await page.textContent('[data-rule=first-response] [data-testid=deadline]');
      assert.equal(deadline, 'Sat 21 Nov 2026, 10:30 EST');
      assert.match(await page.textContent('[data-rule=first-response]'), /A typical case meets it/);
      assert.match(await page.textContent('[data-rule=first-response] .ladder'), /tell Social media lead/);
      // The route is lit in the diagram and the rest dimmed.
      assert.ok((await page.$$('.routes .graph .node.lit')).length >= 8);
      assert.ok((await page.$$('.routes .graph .edge.lit')).length >= 7);
      // The table of every route.
      const rows = await page.$$('[data-testid=route-table] tbody tr');
      assert.ok(rows.length >= 10);
      await page.evaluate(() => {
        document.activeElement?.blur();
        document.querySelector('.routes-left').scrollTop = 0;
      });
      await screenshot(page, results, 'routes.png');
      // Show a route from the table: the form follows.
      await page.click('[data-testid=route-table] tbody tr:first-child button');
      assert.equal(await page.inputValue('[data-attribute=situation]'), 'crisis');
      assert.match(await page.textContent('[data-testid=route-outcome]'), /crisis-managed/);
      await screenshot(page, results, 'routes-full.png', true);
    },
  },
  {
    name: 'an incomplete case says what is missing instead of failing',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await showView(page, 'routes');
      await page.click('.case-form button:has-text("Clear all")');
      await page.waitForSelector('[data-testid=route-error]');
      assert.ok((await page.textContent('[data-testid=route-error]')).length > 5);
    },
  },
];
