// The Drill view: a scenario at ×60 played by clicks, a reload mid-drill, the report and its
// downloads, two tabs in step, text safety and keyboard access.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, openApp, screenshot, showView, unnamedControls } from './helpers.mjs';

const DRILL = '[data-panel=drill]:not([hidden])';

/** Opens the app at the Drill view and waits until the scenario picker is filled. */
async function openDrill(page, baseURL) {
  await page.goto(`${baseURL}#drill`);
  await page.waitForSelector(`${DRILL} [data-field=drill-scenario] option[value=viral-video]`, { state: 'attached', timeout: 20_000 });
}

/** Loads an example drill with the picker. */
async function loadDrill(page, id) {
  await page.selectOption('[data-field=drill-scenario]', id);
  await page.click('[data-action=drill-load]');
  await page.waitForSelector('[data-action=drill-start]', { state: 'visible' });
}

/** Who plays in this tab. */
async function playAs(page, name, role) {
  await page.fill('[data-field=drill-name]', name);
  await page.selectOption('[data-field=drill-role]', role);
}

async function start(page, speed = '60') {
  await page.selectOption('[data-field=drill-speed]', speed);
  await page.click('[data-action=drill-start]');
  await page.waitForSelector('[data-action=drill-pause]', { state: 'visible' });
}

const post = (id) => `[data-testid=inbox] [data-case="${id}"]`;

/** The number of actions in the drill's log (as the view shows it). */
async function actions(page) {
  return Number(await page.getAttribute('[data-testid=drill]', 'data-actions'));
}

async function waitActions(page, n) {
  await page.waitForFunction((want) => Number(document.querySelector('[data-testid=drill]')?.getAttribute('data-actions')) === want, n);
}

/** Drill time now (ms since the epoch), from the clock. */
async function drillNow(page) {
  return Date.parse(await page.getAttribute('[data-testid=drill-clock]', 'data-now'));
}

async function savedLog(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('flowdrill.drill.v1') ?? 'null')?.log ?? null);
}

/** Ticks roles in a post's Notify box and clicks Notify. */
async function notify(page, id, roles) {
  const card = post(id);
  if (!(await page.$eval(`${card} details.more-actions`, (d) => d.open))) await page.click(`${card} details.more-actions > summary`);
  for (const r of roles) await page.check(`${card} .role-boxes input[value="${r}"]`);
  await page.click(`${card} [data-action=notify]`);
}

/** Clicks a download button and returns the file's name and text. */
async function download(page, testid) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

export const tests = [
  {
    name: 'drill: a scenario at ×60 played by clicks, a reload mid-drill continues it, and the report downloads',
    timeout: 120_000,
    async run({ page, baseURL, results }) {
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));
      await openApp(page, baseURL);
      // The first load does not fetch the drill module, and drills are not offered as workflows.
      assert.deepEqual(requests.filter((u) => u.includes('flowdrill_drill')), []);
      assert.equal(await page.$$eval('.example-picker option[value=viral-video], .example-picker option[value=silent-customer]', (x) => x.length), 0);
      const tabs = await page.$$eval('[role=tab]', (els) => els.map((e) => e.textContent));
      assert.deepEqual(tabs, ['Design', 'Routes', 'Simulate', 'Drill']);

      // The drill module loads with the Drill view (waited for: the scenario list can be
      // ready before the module's request starts).
      const drillWasm = page.waitForRequest((r) => /flowdrill_drill.*\.wasm/.test(r.url()), { timeout: 30_000 });
      await showView(page, 'drill');
      await page.waitForSelector(`${DRILL} [data-field=drill-scenario] option[value=viral-video]`, { state: 'attached' });
      await drillWasm;
      // Not served by `flowdrill serve` (its /api/health says so): no team drills offered.
      assert.equal(await page.isHidden('[data-action=drill-host]'), true);
      await loadDrill(page, 'viral-video');
      assert.match(await page.textContent('.drill-title'), /A complaint video goes viral/);
      // Before the start: every inject pending, the clock at the scenario's start.
      assert.match(await page.textContent('[data-testid=drill-clock]'), /Wed 16:30/);
      assert.match(await page.textContent('[data-testid=injects] [data-inject=journalist]'), /pending/);

      await playAs(page, 'alice', 'community-manager');
      await start(page, '60');
      await page.waitForSelector(post('video'));
      assert.match(await page.textContent(post('video')), /maya\.reviews/);
      // The video waits at the discovery task; its branches are the screening decision's.
      assert.match(await page.textContent(`${post('video')} .post-where`), /Discover and ascertain the situation/);
      const branches = await page.$$eval(`${post('video')} [data-action=route]`, (bs) => bs.map((b) => [b.getAttribute('data-to'), b.textContent]));
      assert.ok(branches.some(([to, label]) => to === 'crisis-alert' && label === 'crisis'), JSON.stringify(branches));

      await page.click(`${post('video')} [data-action=take]`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('alice'), `${post('video')} .post-where`);
      // Route it to the crisis alert with its branch button: it now waits at the notify step.
      await page.click(`${post('video')} [data-action=route][data-to=crisis-alert]`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('Crisis: alert the fire response team'), `${post('video')} .post-where`);
      // Notify with nothing ticked: said near the post, nothing recorded.
      const before = await actions(page);
      await page.click(`${post('video')} details.more-actions > summary`);
      await page.click(`${post('video')} [data-action=notify]`);
      assert.match(await page.textContent(`${post('video')} [data-testid=post-error]`), /Tick the roles/);
      assert.equal(await actions(page), before);
      // Notify legal, senior management and corporate communications (none is pre-ticked).
      assert.equal(await page.$$eval(`${post('video')} .role-boxes input:checked`, (x) => x.length), 0);
      await notify(page, 'video', ['legal', 'senior-management', 'corp-comms']);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('Draft the crisis message'), `${post('video')} .post-where`);
      assert.equal(await page.textContent(`${post('video')} [data-testid=post-error]`), '');
      // The crisis SLA clock is met, and says so in words.
      assert.match(await page.textContent(`${post('video')} .sla[data-rule=crisis-to-legal]`), /met/);

      // Pause, then jump from inject to inject with "Next inject".
      await page.click('[data-action=drill-pause]');
      await page.waitForSelector('[data-action=drill-resume]');
      const paused = await drillNow(page);
      await page.click('[data-action=drill-jump]');
      await page.waitForFunction((t) => Date.parse(document.querySelector('[data-testid=drill-clock]')?.getAttribute('data-now')) > t, paused);
      await page.waitForSelector(post('journalist'));
      // Route the journalist to the media desk.
      await page.click(`${post('journalist')} [data-action=route][data-to=media-desk]`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('Route to corporate communications'), `${post('journalist')} .post-where`);
      // Jump until the brand page goes down, then try a public reply there: refused, said
      // near the post, and the reply typed is kept.
      for (let i = 0; i < 12; i++) {
        if (/published/.test(await page.textContent('[data-testid=system-injects] [data-system=page-down]'))) break;
        const n = await actions(page);
        await page.click('[data-action=drill-jump]');
        await waitActions(page, n + 1);
      }
      assert.match(await page.textContent('[data-testid=system-injects] [data-system=page-down]'), /published/);
      assert.match(await page.textContent('.inbox-info'), /brand-page is down/);
      const reply = 'I’m sorry, Priya. Can we message you privately?';
      await page.fill(`${post('export-failure')} [data-field=reply]`, reply);
      const n0 = await actions(page);
      await page.click(`${post('export-failure')} [data-action=respond-public]`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.length > 0, `${post('export-failure')} [data-testid=post-error]`);
      assert.match(await page.textContent(`${post('export-failure')} [data-testid=post-error]`), /brand-page is down/);
      assert.doesNotMatch(await page.textContent(`${post('export-failure')} [data-testid=post-error]`), /^action \d/);
      assert.equal(await page.inputValue(`${post('export-failure')} [data-field=reply]`), reply);
      assert.equal(await actions(page), n0);
      // A private reply goes through.
      await page.click(`${post('export-failure')} [data-action=respond-private]`);
      await waitActions(page, n0 + 1);
      assert.equal(await page.inputValue(`${post('export-failure')} [data-field=reply]`), '');
      // SLA countdowns say how long is left (or that they breached), not colour alone.
      const slaTexts = await page.$$eval('[data-testid=inbox] .sla', (els) => els.map((e) => [e.getAttribute('data-level'), e.querySelector('.sla-left').textContent]));
      assert.ok(slaTexts.length > 0);
      for (const [level, text] of slaTexts) {
        if (level === 'breached') assert.match(text, /breached/);
        else if (level === 'warning' || level === 'ok') assert.match(text, /left|running|not started/);
      }
      // The inbox is newest first.
      const ids = await page.$$eval('[data-testid=inbox] [data-case]', (els) => els.map((e) => e.getAttribute('data-case')));
      assert.equal(ids[ids.length - 1], 'video');
      assert.equal(ids.indexOf('export-failure') < ids.indexOf('journalist'), true);
      await page.click('[data-action=drill-resume]');
      await page.waitForSelector('[data-action=drill-pause]');
      await page.waitForTimeout(1200);
      await page.evaluate(() => document.querySelector('[data-panel=drill]').scrollTo(0, 0));
      await screenshot(page, results, 'drill.png');
      await screenshot(page, results, 'drill-full.png', true);

      // Reload mid-drill: the same drill goes on.
      const logBefore = await savedLog(page);
      const countBefore = await actions(page);
      const casesBefore = await page.$$eval('[data-testid=inbox] [data-case]', (els) => els.map((e) => e.getAttribute('data-case')));
      const timeBefore = await drillNow(page);
      assert.equal(logBefore.length, countBefore);
      await page.reload();
      await page.waitForSelector(`${DRILL} [data-testid=drill-clock][data-now]`, { timeout: 20_000 });
      await page.waitForSelector(post('video'));
      assert.equal(await actions(page), countBefore);
      assert.deepEqual(await savedLog(page), logBefore);
      const casesAfter = await page.$$eval('[data-testid=inbox] [data-case]', (els) => els.map((e) => e.getAttribute('data-case')));
      for (const id of casesBefore) assert.ok(casesAfter.includes(id), `${id} is still there after the reload`);
      assert.ok((await drillNow(page)) >= timeBefore, 'the drill clock went on');
      assert.match(await page.textContent('[data-testid=drill-clock]'), /running at ×60/);
      assert.equal(await page.inputValue('[data-field=drill-name]'), 'alice');
      assert.match(await page.textContent(`${post('video')} .post-where`), /Draft the crisis message/);
      // The clock keeps moving.
      const t1 = await drillNow(page);
      await page.waitForFunction((t) => Date.parse(document.querySelector('[data-testid=drill-clock]')?.getAttribute('data-now')) > t, t1);

      // End the drill (with a confirmation) and read the report.
      await page.click('[data-action=drill-end]');
      await page.click('[data-action=drill-end-confirm]');
      await page.waitForSelector('[data-testid=drill-report] [data-testid=report-objectives]');
      assert.match(await page.textContent('[data-testid=drill-report] h2'), /After-action report: A complaint video goes viral/);
      const objectives = await page.$$eval('[data-testid=report-objectives] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-objective')));
      assert.deepEqual(objectives, ['crisis', 'media', 'customers', 'restraint', 'off-hours']);
      assert.equal(await page.textContent('[data-testid=report-objectives] [data-objective=crisis] .rating-chip'), 'P');
      await screenshot(page, results, 'drill-report.png', true);

      const md = await download(page, 'download-markdown');
      assert.equal(md.name, 'viral-video-report.md');
      assert.match(md.text, /^# After-action report: A complaint video goes viral/m);
      assert.match(md.text, /## Objectives/);
      assert.match(md.text, /Recognise a crisis, hold community engagement and loop legal in within 15 minutes/);
      assert.match(md.text, /Route the press to corporate communications/);
      const csv = await download(page, 'download-csv');
      assert.equal(csv.name, 'viral-video-events.csv');
      const lines = csv.text.trim().split('\n');
      assert.equal(lines[0], 'case_id,activity,timestamp,resource,lifecycle');
      assert.ok(lines.some((l) => l.startsWith('video,')), 'rows for the video case');
      assert.ok(lines.some((l) => l.startsWith('video,Crisis: alert the fire response team')), 'the video case went through the crisis alert');
      const json = await download(page, 'download-json');
      const report = JSON.parse(json.text);
      assert.equal(report.scenario, 'viral-video');
      assert.equal(report.score.objectives.length, 5);
      const log = await download(page, 'download-log');
      const actionsLog = JSON.parse(log.text);
      assert.equal(actionsLog[0].do, 'start');
      assert.equal(actionsLog[0].speed, 60);
      assert.equal(actionsLog[actionsLog.length - 1].do, 'end');
      assert.ok(actionsLog.some((a) => a.do === 'route' && a.case === 'video' && a.to === 'crisis-alert' && a.by === 'alice' && a.role === 'community-manager'));
      const told = actionsLog.find((a) => a.do === 'notify' && a.case === 'video');
      assert.deepEqual([...told.roles].sort(), ['corp-comms', 'legal', 'senior-management']);
      const html = await download(page, 'download-html');
      assert.match(html.text, /<h1>After-action report: A complaint video goes viral<\/h1>/);

      // The ended drill survives a reload too.
      await page.reload();
      await page.waitForSelector(`${DRILL} [data-testid=report-objectives]`, { timeout: 20_000 });
    },
  },
  {
    name: 'drill: a second tab sees what the first one does, and the other way round',
    timeout: 90_000,
    async run({ page, context, baseURL }) {
      await openDrill(page, baseURL);
      await loadDrill(page, 'viral-video');
      await playAs(page, 'alice', 'community-manager');
      await start(page, '60');
      await page.waitForSelector(post('video'));

      const other = await context.newPage();
      const errors = [];
      other.on('pageerror', (e) => errors.push(e.message));
      other.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await openDrill(other, baseURL);
      await other.waitForSelector(post('video'));
      await playAs(other, 'bob', 'community-manager');

      // Two tabs are open, one of them in the background: poll instead of waiting for frames.
      const has = (p, sel, text) => p.waitForFunction(([s, t]) => document.querySelector(s)?.textContent?.includes(t), [sel, text], { polling: 100, timeout: 10_000 });
      const count = (p, n) => p.waitForFunction((want) => Number(document.querySelector('[data-testid=drill]')?.getAttribute('data-actions')) === want, n, { polling: 100, timeout: 10_000 });
      // First tab acts: the second sees it.
      await page.click(`${post('video')} [data-action=route][data-to=crisis-alert]`);
      await has(other, `${post('video')} .post-where`, 'Crisis: alert the fire response team');
      // Second tab acts: the first sees it. Telling legal and senior management is not
      // enough to pass the crisis alert (it names corporate communications too).
      await notify(other, 'video', ['legal', 'senior-management']);
      await count(page, 3);
      await page.click('.recent-box > summary');
      await has(page, '[data-testid=recent]', 'bob: told legal, senior-management about video');
      assert.match(await page.textContent(`${post('video')} .post-where`), /Crisis: alert the fire response team/);
      // The first tab tells corporate communications: the post moves on in both.
      await notify(page, 'video', ['corp-comms']);
      await has(other, `${post('video')} .post-where`, 'Draft the crisis message');
      await has(page, `${post('video')} .post-where`, 'Draft the crisis message');
      // Both hold the same log, with each person's actions.
      await count(page, 4);
      await count(other, 4);
      const a = await savedLog(page);
      const b = await savedLog(other);
      assert.deepEqual(a, b);
      assert.deepEqual(
        a.map((x) => [x.by, x.do]),
        [
          ['facilitator', 'start'],
          ['alice', 'route'],
          ['bob', 'notify'],
          ['alice', 'notify'],
        ],
      );
      // The facilitator's clock is the same drill clock in both.
      await page.click('[data-action=drill-pause]');
      await other.waitForSelector('[data-action=drill-resume]', { timeout: 10_000 });
      assert.equal(await drillNow(page), await drillNow(other));
      // Each tab keeps its own player.
      assert.equal(await page.inputValue('[data-field=drill-name]'), 'alice');
      assert.equal(await other.inputValue('[data-field=drill-name]'), 'bob');
      assert.deepEqual(errors, []);
      await other.close();
    },
  },
  {
    name: 'drill: markup in a scenario file is shown as text, and the view works by keyboard',
    timeout: 60_000,
    async run({ page, baseURL, repo, dialogs }) {
      const scenario = JSON.parse(readFileSync(join(repo, 'examples/drills/viral-video.json'), 'utf8'));
      const evil = '<img src=x onerror=alert(1)>';
      scenario.name = '<b>Bold</b> drill';
      scenario.injects[0].author = '<script>alert(2)</script>';
      scenario.injects[0].text = `${evil} watch this`;
      const file = join(tmpdir(), 'flowdrill-evil-drill.json');
      writeFileSync(file, JSON.stringify(scenario));
      await openDrill(page, baseURL);
      await page.setInputFiles(`${DRILL} input[type=file]`, file);
      await page.waitForSelector('[data-action=drill-start]', { state: 'visible' });
      assert.match(await page.textContent('[data-testid=drill-message]'), /flowdrill-evil-drill\.json.*social-triage\.json/);
      assert.ok((await page.textContent('.drill-title')).includes('<b>Bold</b> drill'));
      // Keyboard: name, role, start, then act on the post with Enter and Space.
      await page.focus('[data-field=drill-name]');
      await page.keyboard.type('<i>kim</i>');
      await page.keyboard.press('Tab');
      await page.focus('[data-action=drill-start]');
      await page.keyboard.press('Enter');
      await page.waitForSelector(post('video'));
      // Start is gone: the keyboard is on Pause.
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-action')), 'drill-pause');
      assert.ok((await page.textContent(`${post('video')} .post-text`)).includes(evil));
      assert.ok((await page.textContent(`${post('video')} .post-author`)).includes('<script>alert(2)</script>'));
      await page.focus(`${post('video')} [data-action=take]`);
      await page.keyboard.press('Enter');
      await waitActions(page, 2);
      await page.focus(`${post('video')} [data-action=route][data-to=crisis-alert]`);
      await page.keyboard.press('Space');
      await waitActions(page, 3);
      // The branch buttons are gone: the keyboard stays on the post.
      assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-case]')?.getAttribute('data-case')), 'video');
      // The timeline shows the name typed as text.
      await page.click('.recent-box > summary');
      assert.ok((await page.textContent('[data-testid=recent]')).includes('<i>kim</i>'));
      assert.equal(await page.$$eval('.fd-app img, .fd-app b, .fd-app i, .fd-app [data-panel=drill] script', (x) => x.length), 0);
      assert.deepEqual(dialogs, []);
      // Every control of the view has an accessible name.
      await page.click(`${post('video')} details.more-actions > summary`);
      const unnamed = await unnamedControls(page, '[data-panel=drill]');
      assert.deepEqual(unnamed, []);
      // "New drill" asks first, then puts the drill away.
      await page.click('[data-action=drill-reset]');
      await page.click('[data-action=confirm-yes]');
      await page.waitForSelector('.drill-intro');
      assert.equal(await page.evaluate(() => localStorage.getItem('flowdrill.drill.v1')), null);
      await showView(page, 'design');
    },
  },
];
