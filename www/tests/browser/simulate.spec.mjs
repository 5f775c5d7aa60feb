// The simulator: progress, charts, cancel, compare, and the same figures as the CLI.
import { execFileSync } from 'node:child_process';
import { assert, openApp, openExample, screenshot, showView, simOptions } from './helpers.mjs';

async function run(page) {
  await page.click('[data-action=run]');
}

async function waitResult(page, timeout = 60_000) {
  await page.waitForFunction(() => !document.querySelector('.simulate')?.classList.contains('running') && window.__flowdrillLastResult, null, { timeout });
}

export const tests = [
  {
    name: 'a simulation shows progress, then charts and figures',
    timeout: 120_000,
    async run({ page, baseURL, results }) {
      await openApp(page, baseURL);
      await openExample(page, 'social-triage');
      await showView(page, 'simulate');
      await simOptions(page, { horizon: '60d', replications: 20, seed: 3, warmup: '1d' });
      await run(page);
      await page.waitForSelector('[data-testid=progress]:not([hidden])');
      assert.equal(await page.isDisabled('[data-action=run]'), true);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress] progress')?.value) > 0, null, { timeout: 30_000 });
      await waitResult(page, 90_000);
      assert.equal(await page.isHidden('[data-testid=progress]'), true);
      const charts = await page.$$('.sim-results .chart canvas');
      assert.ok(charts.length >= 4, `charts drawn: ${charts.length}`);
      const r = await page.evaluate(() => window.__flowdrillLastResult);
      assert.equal(r.replications.length, 20);
      const att = await page.textContent('[data-testid=attainment-first-response]');
      assert.match(att, /%.*±/);
      await page.waitForTimeout(300);
      await screenshot(page, results, 'simulate.png', true);
    },
  },
  {
    name: 'a long simulation can be cancelled, and the next run works',
    timeout: 90_000,
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await openExample(page, 'triage-1');
      await showView(page, 'simulate');
      // Long, but within the kept-series limit (a run over it is refused before it starts).
      await simOptions(page, { horizon: '365d', replications: 100, seed: 1 });
      await run(page);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress] progress')?.value) > 0, null, { timeout: 30_000 });
      await page.click('[data-action=cancel]');
      await page.waitForSelector('[data-testid=progress]', { state: 'hidden' });
      assert.equal(await page.isEnabled('[data-action=run]'), true);
      assert.equal(await page.evaluate(() => window.__flowdrillLastResult), undefined);
      assert.match(await page.textContent('.status'), /cancelled/i);
      await simOptions(page, { horizon: '1d', replications: 2 });
      await run(page);
      await waitResult(page);
      assert.equal(await page.evaluate(() => window.__flowdrillLastResult.replications.length), 2);
    },
  },
  {
    name: 'the same seed gives the same figures in the browser as the CLI',
    timeout: 240_000,
    async run({ page, baseURL, repo }) {
      const cli = JSON.parse(
        execFileSync(
          'cargo',
          ['run', '-q', '-p', 'flowdrill-cli', '--', 'simulate', 'examples/benchmarks/triage-1.json', '--horizon', '2d', '--replications', '3', '--seed', '7', '--format', 'json'],
          { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
        ),
      );
      await openApp(page, baseURL);
      await openExample(page, 'triage-1');
      await showView(page, 'simulate');
      await simOptions(page, { horizon: '2d', replications: 3, seed: 7 });
      await run(page);
      await waitResult(page);
      const app = await page.evaluate(() => window.__flowdrillLastResult);
      assert.deepEqual(
        app.replications.map((r) => r.arrived),
        cli.replications.map((r) => r.arrived),
      );
      assert.equal(app.summary.attainment[0][1].mean, cli.summary.attainment[0][1].mean);
      assert.equal(app.summary.finished.mean, cli.summary.finished.mean);
      assert.deepEqual(app.summary, cli.summary);
      // And the page shows the same numbers.
      assert.equal(await page.textContent('[data-testid=arrived]'), cli.replications.map((r) => r.arrived).join(', '));
      const mean = Number(await page.getAttribute('[data-testid=attainment-first-response]', 'data-mean'));
      assert.equal(mean, cli.summary.attainment[0][1].mean);
    },
  },
  {
    name: 'compare mode shows A, B and the difference with significance',
    timeout: 120_000,
    async run({ page, baseURL, results }) {
      await openApp(page, baseURL);
      await openExample(page, 'social-triage');
      await showView(page, 'simulate');
      await page.check('[data-field=mode-compare]');
      await page.waitForSelector('[data-scenario=b]');
      await simOptions(page, { horizon: '30d', replications: 10, seed: 1 });
      await page.fill('[data-field=a-name]', 'Today');
      await page.fill('[data-field=b-name]', 'Two more community managers');
      await page.fill('[data-field=b-staff-community-manager]', '6');
      await run(page);
      await waitResult(page, 90_000);
      const c = await page.evaluate(() => window.__flowdrillLastResult);
      assert.equal(c.a_name, 'Today');
      assert.equal(c.b_name, 'Two more community managers');
      const table = await page.textContent('[data-testid=compare-table]');
      assert.match(table, /B − A/);
      assert.ok((await page.$$('[data-testid=compare-table] tr.significant')).length >= 1, 'some difference is significant');
      assert.ok((await page.$$('.sim-results .chart canvas')).length >= 2);
      await page.waitForTimeout(300);
      await screenshot(page, results, 'compare.png', true);
    },
  },
  {
    name: 'staffing, arrival factor and a surge change the run as asked',
    timeout: 90_000,
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await openExample(page, 'triage-1');
      await showView(page, 'simulate');
      await simOptions(page, { horizon: '2d', replications: 2, seed: 7 });
      await run(page);
      await waitResult(page);
      const base = await page.evaluate(() => window.__flowdrillLastResult.replications.map((r) => r.arrived));
      // Twice the arrivals.
      await page.fill('[data-field=single-arrival-factor]', '2');
      await run(page);
      await waitResult(page);
      const doubled = await page.evaluate(() => window.__flowdrillLastResult.replications.map((r) => r.arrived));
      doubled.forEach((n, i) => assert.ok(n > base[i] * 1.7 && n < base[i] * 2.3, `${n} vs ${base[i]}`));
      // A surge of ×5 for six hours on the first day (the run starts Monday 5 January 2026).
      await page.fill('[data-field=single-arrival-factor]', '1');
      await page.click('.surge > summary');
      await page.fill('[data-field=single-surge-from]', '2026-01-05T09:00');
      await page.fill('[data-field=single-surge-to]', '2026-01-05T15:00');
      await page.fill('[data-field=single-surge-factor]', '5');
      await run(page);
      await waitResult(page);
      const surged = await page.evaluate(() => window.__flowdrillLastResult.replications.map((r) => r.arrived));
      surged.forEach((n, i) => assert.ok(n > base[i] * 1.3, `${n} vs ${base[i]}`));
      // One more community manager: the same cases arrive (common random numbers).
      await page.fill('[data-field=single-surge-from]', '');
      await page.fill('[data-field=single-staff-community]', '4');
      await run(page);
      await waitResult(page);
      const r = await page.evaluate(() => window.__flowdrillLastResult);
      assert.deepEqual(r.replications.map((x) => x.arrived), base);
      assert.equal(r.replications[0].roles.find((x) => x.role === 'community').staff, 4);
    },
  },
];
