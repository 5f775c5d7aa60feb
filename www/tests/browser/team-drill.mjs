// A served team drill end to end, in three isolated browser contexts (separate storage, as
// three people at their own computers): the facilitator hosts the viral-video scenario on
// the workflow open in the designer, two participants join with the participants' link,
// pick names and roles, the facilitator starts the clock at ×60, the participants act on
// the posts (classify, take, route, notify, done, respond), the facilitator ends the drill
// and downloads the report.
//
// Throughout, the participants' pages must never hold the scenario's answer key: no
// inject's expected action (`Expects: route crisis-alert within 10m`, `"expect"`), no hidden
// (true) attribute value of a post (`asker=public`, `"truth"`), no facilitator panel or
// scoreboard, neither in the page's DOM text nor in any WebSocket frame they received.
//
//   import { teamDrill } from './team-drill.mjs';
//   const { report, facilitatorLink } = await teamDrill({ baseUrl: 'http://127.0.0.1:8080/', chromiumPath: '/usr/bin/chromium' });
//
// From the command line (www/):
//
//   node tests/browser/team-drill.mjs --base http://127.0.0.1:8080/   # a running `flowdrill serve --www www/dist`
//
// `baseUrl` is the server's address (the app at `/`, the API at `/api/`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');

/** The strings a participant must never receive: the scenario's answer key. */
export function forbiddenStrings(scenario, { classified = ['situation'], visible = ['channel'] } = {}) {
  const posts = [...scenario.injects, ...(scenario.contingencies ?? []).map((c) => c.post), ...(scenario.system ?? []).filter((s) => s.truth)];
  const dom = new Set(['Expects:']);
  const frames = new Set(['"expect"', '"truth"', '"setup"', '"score"']);
  for (const p of posts) {
    for (const e of p.expect ?? []) {
      // As the facilitator's panel writes an expected action.
      dom.add(`${e.action}${e.to ? ` ${e.to}` : ''} within ${e.within}`);
      frames.add(`"within":"${e.within}"`);
    }
    for (const [k, v] of Object.entries(p.truth ?? {})) {
      // A participant's own classification may show a pair; the others are hidden.
      if (classified.includes(k) || visible.includes(k)) continue;
      for (const s of [`${k}=${v}`, `${k}: ${v}`]) dom.add(s);
      for (const s of [`${k}=${v}`, `"${k}":"${v}"`, `"${k}": "${v}"`]) frames.add(s);
    }
  }
  return { dom: [...dom], frames: [...frames] };
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Waits until `sel`'s text includes `text` (polling: pages in the background get few frames). */
function hasText(page, sel, text, timeout = 20_000) {
  return page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent?.includes(t), [sel, text], { polling: 100, timeout });
}

const post = (id) => `[data-testid=inbox] [data-case="${id}"]`;

async function openMore(page, id) {
  if (!(await page.$eval(`${post(id)} details.more-actions`, (d) => d.open))) await page.click(`${post(id)} details.more-actions > summary`);
}

/** Runs the team drill; returns the facilitator's downloaded report (JSON text). */
export async function teamDrill({ baseUrl, chromiumPath = '/usr/bin/chromium', log = () => {} }) {
  const { chromium } = await import('playwright-core');
  const scenario = JSON.parse(readFileSync(join(repo, 'examples', 'drills', 'viral-video.json'), 'utf8'));
  const forbidden = forbiddenStrings(scenario);
  const base = new URL(baseUrl);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ARGS });
  const errors = [];
  try {
    async function person(label) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const frames = [];
      const requests = [];
      page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload : Buffer.from(f.payload).toString('utf8'))));
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(`${label}: page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && errors.push(`${label}: console: ${m.text()}`));
      page.on('dialog', (d) => {
        errors.push(`${label}: dialog: ${d.message()}`);
        void d.dismiss();
      });
      return { label, context, page, frames, requests };
    }
    const fac = await person('facilitator');
    const ana = await person('Ana');
    const bo = await person('Bo');

    /** A participant's page holds none of the answer key, and no facilitator's part. */
    async function checkClean(p) {
      const text = await p.page.evaluate(() => document.documentElement.textContent ?? '');
      for (const s of forbidden.dom) assert.ok(!text.includes(s), `${p.label}'s page shows ${JSON.stringify(s)}`);
      const parts = await p.page.$$eval('.facilitator, [data-testid=scoreboard], [data-testid=injects], [data-testid=report-objectives], [data-action=drill-start], [data-action=drill-end]', (els) => els.length);
      assert.equal(parts, 0, `${p.label}'s page has a facilitator's part`);
      for (const f of p.frames) for (const s of forbidden.frames) assert.ok(!f.includes(s), `${p.label} received ${JSON.stringify(s)} in a WebSocket frame: ${f.slice(0, 300)}`);
      // A participant's page loads no WebAssembly (it gets neither workflow nor scenario).
      assert.deepEqual(p.requests.filter((u) => /\.wasm(\?|$)/.test(u)), [], `${p.label} downloaded WebAssembly`);
    }

    // ---- the facilitator hosts the drill ----------------------------------------------------
    log('facilitator: hosting the viral-video drill');
    await fac.page.goto(new URL('#drill', base).href);
    await fac.page.waitForSelector('[data-panel=drill]:not([hidden]) [data-field=drill-scenario] option[value=viral-video]', { state: 'attached', timeout: 30_000 });
    await fac.page.waitForSelector('[data-action=drill-host]:not([hidden])', { timeout: 20_000 });
    await fac.page.selectOption('[data-field=drill-scenario]', 'viral-video');
    await fac.page.click('[data-action=drill-host]');
    await fac.page.waitForSelector('[data-testid=participant-link]', { timeout: 20_000 });
    const participantLink = await fac.page.inputValue('[data-testid=participant-link]');
    const facilitatorLink = await fac.page.inputValue('[data-testid=facilitator-link]');
    assert.match(participantLink, /#join=.+/);
    assert.notEqual(participantLink, facilitatorLink);
    assert.equal(new URL(participantLink).origin, base.origin);
    await fac.page.waitForSelector('[data-action=drill-start]', { state: 'visible', timeout: 20_000 });
    await fac.page.waitForSelector('[data-testid=connection][data-state=online]');
    // The address keeps the facilitator's link, so a reload comes back to the drill.
    assert.equal(new URL(fac.page.url()).hash, new URL(facilitatorLink).hash);

    // ---- two participants join --------------------------------------------------------------
    async function join(p, name, role) {
      log(`${name}: joining as ${role}`);
      await p.page.goto(participantLink);
      await p.page.waitForSelector('[data-testid=join-form]:not([hidden])', { timeout: 20_000 });
      await p.page.fill('[data-field=join-name]', name);
      // A server that tells the roles only to someone with a name: the name goes first.
      if (!(await p.page.isVisible('[data-field=join-role]'))) {
        await p.page.click('[data-action=join]');
        await p.page.waitForSelector('[data-field=join-role]', { state: 'visible' });
      }
      await p.page.selectOption('[data-field=join-role]', role);
      await p.page.click('[data-action=join]');
      await hasText(p.page, '[data-testid=you]', name);
      await p.page.waitForSelector('[data-testid=connection][data-state=online]');
      await p.page.waitForSelector('[data-testid=served-clock][data-now]', { state: 'attached' });
    }
    await join(ana, 'Ana', 'community-manager');
    await join(bo, 'Bo', 'corp-comms');
    // Everyone sees who is in, and online.
    for (const p of [fac, ana, bo]) {
      await p.page.waitForSelector('[data-testid=people] [data-person="Ana"][data-online=true]', { state: 'attached' });
      await p.page.waitForSelector('[data-testid=people] [data-person="Bo"][data-online=true]', { state: 'attached' });
    }
    await checkClean(ana);
    await checkClean(bo);

    // ---- the facilitator starts the clock at ×60 ---------------------------------------------
    log('facilitator: start at ×60');
    await fac.page.selectOption('[data-field=drill-speed]', '60');
    await fac.page.click('[data-action=drill-start]');
    await fac.page.waitForSelector('[data-action=drill-pause]', { state: 'visible' });
    await hasText(ana.page, '[data-testid=served-clock]', 'running at ×60');

    // ---- Ana (community manager) works the video ----------------------------------------------
    log('Ana: classify, take, route and notify the video');
    await ana.page.waitForSelector(post('video'), { timeout: 20_000 });
    assert.match(await ana.page.textContent(post('video')), /maya\.reviews/);
    // SLA countdowns on the server's clock, in words.
    await openMore(ana.page, 'video');
    await ana.page.selectOption(`${post('video')} [data-field=classify-attribute]`, 'situation');
    await ana.page.selectOption(`${post('video')} [data-field=classify-value]`, 'crisis');
    await ana.page.click(`${post('video')} [data-action=classify]`);
    await hasText(ana.page, `${post('video')} .post-where`, 'situation=crisis');
    await ana.page.click(`${post('video')} [data-action=take]`);
    await hasText(ana.page, `${post('video')} .post-where`, 'Ana');
    await ana.page.click(`${post('video')} [data-action=route][data-to=crisis-alert]`);
    await hasText(ana.page, `${post('video')} .post-where`, 'Crisis: alert the fire response team');
    await openMore(ana.page, 'video');
    for (const r of ['legal', 'senior-management', 'corp-comms']) await ana.page.check(`${post('video')} .role-boxes input[value="${r}"]`);
    await ana.page.click(`${post('video')} [data-action=notify]`);
    // The facilitator's replay follows the server's log.
    await hasText(fac.page, `${post('video')} .post-where`, 'Draft the crisis message');
    // Nothing refused (the post may have left Ana's inbox: it now waits for corporate communications).
    const annErr = await ana.page.$(`${post('video')} [data-testid=post-error]`);
    if (annErr) assert.equal(await annErr.textContent(), '');
    log('Bo: draft the crisis message (done)');
    await bo.page.waitForSelector(`${post('video')} [data-action=done]`, { timeout: 20_000 });
    await bo.page.click(`${post('video')} [data-action=done]`);
    await hasText(fac.page, `${post('video')} .post-where`, 'Legal approves');

    // ---- the journalist: Ana routes it to the media desk, Bo answers -------------------------
    log('Ana: route the journalist to the media desk');
    await ana.page.waitForSelector(post('journalist'), { timeout: 30_000 });
    await ana.page.click(`${post('journalist')} [data-action=route][data-to=media-desk]`);
    await hasText(fac.page, `${post('journalist')} .post-where`, 'Route to corporate communications');
    log('Bo: respond to the journalist and finish the media desk task');
    await bo.page.waitForSelector(post('journalist'), { timeout: 20_000 });
    await bo.page.fill(`${post('journalist')} [data-field=reply]`, 'Thank you, Dana: our press office will call you within the hour.');
    await bo.page.click(`${post('journalist')} [data-action=respond-public]`);
    await bo.page.waitForFunction((sel) => document.querySelector(sel)?.value === '', `${post('journalist')} [data-field=reply]`, { polling: 100 });
    // The reply finishes the media desk's task: the post is closed.
    await fac.page.waitForSelector(`${post('journalist')}.closed`, { timeout: 20_000 });

    // ---- the hashtag: Ana answers with empathy --------------------------------------------
    log('Ana: route the hashtag to empathy and respond in public');
    await ana.page.waitForSelector(post('hashtag'), { timeout: 30_000 });
    // Two decisions: the screening (everyone else), then the situation (empathy).
    await ana.page.click(`${post('hashtag')} [data-action=route][data-to=what-situation]`);
    await ana.page.waitForSelector(`${post('hashtag')} [data-action=route][data-to=empathy]`);
    await ana.page.click(`${post('hashtag')} [data-action=route][data-to=empathy]`);
    await hasText(ana.page, `${post('hashtag')} .post-where`, 'First show empathy');
    await ana.page.fill(`${post('hashtag')} [data-field=reply]`, 'Sam, we are sorry about your orders. Can we help?');
    await ana.page.click(`${post('hashtag')} [data-action=respond-public]`);
    await ana.page.waitForFunction((sel) => document.querySelector(sel)?.value === '', `${post('hashtag')} [data-field=reply]`, { polling: 100 });

    await checkClean(ana);
    await checkClean(bo);

    // ---- the facilitator ends the drill and downloads the report -----------------------------
    log('facilitator: end the drill');
    await fac.page.click('[data-action=drill-end]');
    await fac.page.click('[data-action=drill-end-confirm]');
    await fac.page.waitForSelector('[data-testid=drill-report] [data-testid=report-objectives]', { timeout: 20_000 });
    const [download] = await Promise.all([fac.page.waitForEvent('download'), fac.page.click('[data-testid=download-json]')]);
    const reportText = readFileSync(await download.path(), 'utf8');
    const report = JSON.parse(reportText);
    assert.equal(report.scenario, 'viral-video');
    assert.ok(report.score.participants.Ana, 'Ana is scored');
    assert.ok(report.score.participants.Bo, 'Bo is scored');
    // The participants see that it ended, and still none of the answer key.
    for (const p of [ana, bo]) await p.page.waitForSelector('[data-testid=drill-ended]:not([hidden])', { timeout: 20_000 });
    await checkClean(ana);
    await checkClean(bo);
    assert.deepEqual(errors, [], `errors in the pages:\n  ${errors.join('\n  ')}`);
    log(`done: ${ana.frames.length + bo.frames.length} frames checked`);
    return { report: reportText, facilitatorLink };
  } finally {
    await browser.close();
  }
}

// ---- from the command line ----------------------------------------------------------------

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--base');
  const baseUrl = i >= 0 ? args[i + 1] : undefined;
  if (!baseUrl) {
    console.error('usage: node tests/browser/team-drill.mjs --base http://127.0.0.1:8080/   (a running `flowdrill serve`)');
    process.exit(2);
  }
  const t0 = Date.now();
  try {
    const { report } = await teamDrill({ baseUrl, log: (m) => console.log(`  ${m}`) });
    const r = JSON.parse(report);
    console.log(`team drill: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; overall ${r.overall ?? 'not rated'}; participants ${Object.keys(r.score.participants).join(', ')}`);
  } catch (e) {
    console.error(`team drill: FAILED: ${e?.stack ?? e}`);
    process.exitCode = 1;
  }
}
