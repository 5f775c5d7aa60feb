// The <flow-drill> widget on an intranet page. The tests build the widget when
// www/dist-widget/ is missing or older than its sources (`npm run build:widget`), copy the
// intranet example (examples/intranet/index.html), the built widget and the example
// workflows into one temporary folder — the way a page owner would put them on a web
// server — add a few test pages there and serve it on 127.0.0.1:8091.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { serve } from './server.mjs';
import { assert } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, '..', '..');
const repo = join(www, '..');
const distWidget = join(www, 'dist-widget');
const workflows = join(repo, 'examples', 'workflows');
const HOST = '127.0.0.1';
const PORT = 8091;
const HOSTILE = '* { font: 20px serif; color: red; box-sizing: content-box } div, svg { display: none }';

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

function workflow(id) {
  return JSON.parse(readFileSync(join(workflows, `${id}.json`), 'utf8'));
}

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
<script type="module" src="./flowdrill-widget.js"></script></head>
<body style="margin: 20px; font-family: sans-serif">${body}</body></html>`;

/** Builds the widget if needed and serves the intranet folder; once per run. */
let site;
function intranet() {
  site ??= (async () => {
    const built = newest(join(distWidget, 'flowdrill-widget.js'));
    const sources = Math.max(newest(join(www, 'src')), newest(join(www, 'pkg')), newest(join(www, 'vite.widget.config.ts')));
    if (built < sources) {
      console.log(built ? '    www/dist-widget is older than its sources; building…' : '    no www/dist-widget; building…');
      const r = spawnSync('npm', ['run', 'build:widget'], { cwd: www, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('npm run build:widget failed');
    }
    const dir = mkdtempSync(join(tmpdir(), 'flowdrill-intranet-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    cpSync(distWidget, dir, { recursive: true });
    for (const f of readdirSync(workflows)) if (f.endsWith('.json')) cpSync(join(workflows, f), join(dir, f));
    cpSync(join(repo, 'examples', 'intranet', 'index.html'), join(dir, 'index.html'));
    // Broken files, and pages for the other tests.
    writeFileSync(join(dir, 'broken.json'), '{\n  "flowdrill": 1,\n  "id": "broken",\n  "nodes": [\n    {"id": "a", "kind": "start"},,\n  ]\n}\n');
    const schema = workflow('fulfilment-list');
    schema.nodes[1].kind = 'banana';
    writeFileSync(join(dir, 'schema-error.json'), JSON.stringify(schema, null, 2));
    writeFileSync(
      join(dir, 'errors.html'),
      page(
        'errors',
        `<flow-drill id="missing" src="missing.json"></flow-drill>
         <flow-drill id="broken" src="broken.json" mode="assistant"></flow-drill>
         <flow-drill id="schema" src="schema-error.json"></flow-drill>`,
      ),
    );
    writeFileSync(
      join(dir, 'two.html'),
      page(
        'two workflows',
        `<script type="module" src="./flowdrill-widget.js?again"></script>
         <flow-drill id="fb" src="facebook-access.json" mode="view" style="--flowdrill-chart-height: 360px"></flow-drill>
         <flow-drill id="smm" src="./smm-fulfilment.json" mode="assistant" theme="dark"></flow-drill>
         <flow-drill id="inline" mode="assistant"><script type="application/json">${JSON.stringify(workflow('fulfilment-list'))}</script></flow-drill>
         <section id="slot"></section>
         <script type="module">
           const el = document.createElement('flow-drill');
           el.id = 'prop';
           el.setAttribute('mode', 'view');
           el.labels = { slas: 'Our promises' };
           el.workflow = ${JSON.stringify(JSON.stringify(workflow('social-media-program')))};
           document.getElementById('slot').append(el);
         </script>`,
      ),
    );
    for (const mode of ['view', 'assistant']) {
      writeFileSync(join(dir, `one-${mode}.html`), page(`one ${mode} widget`, `<flow-drill src="social-triage.json" mode="${mode}"></flow-drill>`));
    }
    mkdirSync(join(dir, 'drills'), { recursive: true });
    cpSync(join(repo, 'examples', 'drills', 'viral-video.json'), join(dir, 'drills', 'viral-video.json'));
    writeFileSync(
      join(dir, 'modes.html'),
      page(
        'app modes',
        `<flow-drill id="edit" src="social-triage.json" mode="edit"></flow-drill>
         <flow-drill id="simulate" src="social-triage.json" mode="simulate" style="margin-top: 20px"></flow-drill>
         <flow-drill id="drill" src="social-triage.json" mode="drill" scenario="drills/viral-video.json" style="margin-top: 20px"></flow-drill>`,
      ),
    );
    const server = await serve(dir, { host: HOST, port: PORT });
    server.unref();
    return { dir, url: `http://${HOST}:${PORT}/` };
  })();
  return site;
}

/** Records every `validation`, `route-changed`, `change` and `drill-ended` event on the document. */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__widgetEvents = [];
    for (const type of ['validation', 'route-changed', 'change', 'drill-ended']) {
      document.addEventListener(type, (e) => {
        const from = e.composedPath()[0];
        window.__widgetEvents.push({ type, id: from?.id || from?.getAttribute?.('mode') || '', detail: JSON.parse(JSON.stringify(e.detail ?? null)) });
      });
    }
  });
}

const events = (page, type) => page.evaluate((t) => window.__widgetEvents.filter((e) => e.type === t), type);

/** Starts recording the scripts, modules and workflow files a page downloads, uncached. */
async function recordDownloads(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const responses = [];
  page.on('response', (r) => {
    if (/\.(js|wasm|json)(\?|$)/.test(r.url())) responses.push(r);
  });
  return async (label) => {
    const rows = [];
    for (const r of responses) {
      const body = await r.body();
      rows.push({ file: new URL(r.url()).pathname.replace(/^\//, ''), raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    }
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
    const total = rows.reduce((a, r) => a + r.gzip, 0);
    console.log(`      downloaded by ${label}, gzip level 9:`);
    for (const r of rows) console.log(`        ${r.file.padEnd(36)} ${kb(r.raw).padStart(11)} raw ${kb(r.gzip).padStart(11)} gzip`);
    console.log(`        ${'total'.padEnd(36)} ${kb(rows.reduce((a, r) => a + r.raw, 0)).padStart(11)} raw ${kb(total).padStart(11)} gzip (${(total / 1000).toFixed(1)} KB)`);
    return { rows, total };
  };
}

/** The widget's budget for a page with a view or an assistant widget, its workflow file included. */
const BUDGET = 200 * 1000;

/** The widget assistant's WebAssembly module, in Node. */
function loadAssistModule() {
  return import(pathToFileURL(join(www, 'pkg', 'flowdrill_assist.js')).href).then((m) => {
    m.initSync({ module: readFileSync(join(www, 'pkg', 'flowdrill_assist_bg.wasm')) });
    return m;
  });
}

export const tests = [
  {
    name: 'widget: the intranet page shows the flowchart and the assistant, and downloads little',
    timeout: 120_000,
    async run({ page, results }) {
      const { url } = await intranet();
      await recordEvents(page);
      const downloads = await recordDownloads(page);
      await page.goto(url);
      const view = page.locator('flow-drill[mode=view]');
      const assistant = page.locator('flow-drill[mode=assistant]');
      await view.locator('svg .node').first().waitFor();
      await assistant.locator('[data-testid=question]').waitFor();
      // Every node of the workflow is drawn, inside the widget's shadow root.
      const triage = workflow('social-triage');
      assert.equal(await view.locator('svg .node').count(), triage.nodes.length);
      assert.equal(await page.evaluate(() => document.querySelectorAll('.node, svg').length), 0, 'nothing leaks into the page');
      assert.ok(await page.evaluate(() => document.querySelector('flow-drill[mode=view]').shadowRoot.querySelector('svg.graph-svg') !== null));
      // The same as a list, for screen readers.
      assert.equal(await view.locator('[data-testid=outline] li').count(), triage.nodes.length);
      assert.match(await view.locator('[data-testid=outline] [data-node=screen]').textContent(), /Crisis, breach of policy, troll or media\?.*crisis → Crisis: alert the fire response team/s);
      // The SLA rules beside it.
      const rules = view.locator('[data-testid=sla-list] > li');
      assert.equal(await rules.count(), triage.slas.length);
      assert.match(await rules.first().textContent(), /First response within one business hour.*within 1h.*Social desk hours \(Eastern\), America\/New_York/s);
      // The assistant asks its first question: the first decision's first attribute.
      assert.equal(await assistant.locator('[data-testid=question]').textContent(), triage.attributes.situation.question);
      assert.equal(await assistant.locator('[data-testid=question-box] button').count(), Object.keys(triage.attributes.situation.values).length);
      // Both told the page they read their workflow.
      const v = await events(page, 'validation');
      assert.equal(v.length, 2);
      for (const e of v) {
        assert.equal(e.detail.error, null);
        assert.equal(e.detail.workflow, 'social-triage');
        assert.deepEqual(e.detail.diagnostics.filter((d) => d.severity === 'error'), []);
      }
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => document.activeElement?.blur());
      await page.screenshot({ path: join(results, 'intranet.png'), fullPage: true });
      await view.screenshot({ path: join(results, 'widget-view.png') });

      // What the page downloaded for its view and assistant widgets: one copy of the
      // workflow file they share, none of the app's modules or chunks. (The 200 KB budget
      // is for a page with one widget: the next test.)
      const { rows } = await downloads('the intranet page (a view and an assistant widget)');
      assert.ok(rows.some((r) => r.file === 'flowdrill-widget.js'));
      assert.ok(rows.some((r) => /^flowdrill_view_bg-.*\.wasm$/.test(r.file)));
      assert.ok(rows.some((r) => /^flowdrill_assist_bg-.*\.wasm$/.test(r.file)));
      assert.equal(rows.filter((r) => r.file === 'social-triage.json').length, 1, 'both widgets share one download of their file');
      assert.deepEqual(rows.filter((r) => /flowdrill_wasm|flowdrill_drill|chunks\/(appModes|simulate|drill|design)-/.test(r.file)).map((r) => r.file), []);

    },
  },
  {
    name: 'widget: a page with one view or one assistant widget downloads at most 200 KB gzipped',
    timeout: 60_000,
    async run({ page }) {
      const { url } = await intranet();
      for (const mode of ['view', 'assistant']) {
        const downloads = await recordDownloads(page);
        await page.goto(`${url}one-${mode}.html`);
        await page.locator(`flow-drill[mode=${mode}]`).locator(mode === 'view' ? 'svg .node' : '[data-testid=question]').first().waitFor();
        await page.waitForLoadState('networkidle');
        const { rows, total } = await downloads(`a page with one ${mode} widget`);
        // The other mode's code and module are not part of it.
        const other = mode === 'view' ? /chunks\/assistant-|flowdrill_assist_bg-/ : /chunks\/(viewMode|graph)-|flowdrill_view_bg-/;
        assert.deepEqual(rows.filter((r) => other.test(r.file)).map((r) => r.file), []);
        assert.ok(total <= BUDGET, `a page with one ${mode} widget downloads ${total} bytes gzipped, over the ${BUDGET}-byte budget`);
        page.removeAllListeners('response');
      }
    },
  },
  {
    name: 'widget: the assistant asks the questions, then gives the route, the deadline and who to tell',
    timeout: 120_000,
    async run({ page, results }) {
      const { url } = await intranet();
      // Friday 20 November 2026, 19:30 in New York: the desk closes at 20:00 and opens on
      // Saturday at 10:00, so a one-business-hour deadline falls on Saturday at 10:30.
      const now = '2026-11-21T00:30:00Z';
      await page.clock.setFixedTime(new Date(now));
      await recordEvents(page);
      await page.goto(url);
      const w = page.locator('flow-drill[mode=assistant]');
      const question = w.locator('[data-testid=question]');
      await question.waitFor();
      const triage = workflow('social-triage');
      const answers = [
        ['situation', 'problem'],
        ['asker', 'customer'],
        // A problem goes to "unhappy customer" whatever its sentiment: not asked.
        ['wants_help', 'yes'],
        ['sensitive', 'no'],
        ['satisfied', 'yes'],
      ];
      for (const [i, [attr, value]] of answers.entries()) {
        // The question for the attribute the next decision needs, in plain words.
        assert.equal(await question.textContent(), triage.attributes[attr].question, `question ${i + 1}`);
        assert.equal(await w.locator('[data-testid=question-box] [role=group]').getAttribute('data-attribute'), attr);
        if (i % 2 === 0) {
          await w.locator(`[data-testid=question-box] button[data-value="${value}"]`).click();
        } else {
          // By keyboard: the focus is on the question; Tab to the answer, Enter.
          assert.equal(await page.evaluate(() => document.querySelector('flow-drill[mode=assistant]').shadowRoot.activeElement?.getAttribute('data-testid')), 'question');
          for (let n = 0; n < 10; n++) {
            await page.keyboard.press('Tab');
            const focused = await page.evaluate(() => document.querySelector('flow-drill[mode=assistant]').shadowRoot.activeElement?.getAttribute('data-value'));
            if (focused === value) break;
          }
          await page.keyboard.press('Enter');
        }
      }
      const result = w.locator('[data-testid=result]');
      await result.waitFor();
      // The route as the command-line tool gives it.
      const cli = JSON.parse(
        execFileSync(
          'cargo',
          ['run', '-q', '-p', 'flowdrill-cli', '--', 'route', 'examples/workflows/social-triage.json', ...answers.flatMap(([k, v]) => ['--set', `${k}=${v}`]), '--at', now, '--format', 'json'],
          { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 24 },
        ),
      );
      assert.equal(cli.route.outcome, 'resolved');
      assert.equal(await w.locator('[data-testid=outcome]').getAttribute('data-outcome'), cli.route.outcome);
      assert.match(await w.locator('[data-testid=outcome]').textContent(), /Outcome: Resolved and followed up/);
      assert.deepEqual(await w.locator('[data-testid=steps] > li').evaluateAll((els) => els.map((e) => e.dataset.node)), cli.route.steps.map((s) => s.node));
      // The deadline: one business hour from now on the desk's calendar, in its zone.
      const { deadline } = await loadAssistModule();
      const expected = deadline(JSON.stringify(triage.calendars['social-desk']), now, '1h');
      const due = w.locator('[data-rule=first-response] [data-testid=deadline]');
      assert.equal(Date.parse(await due.getAttribute('data-deadline')), Date.parse(expected));
      assert.equal(Date.parse(cli.slas.find((s) => s.rule === 'first-response').deadline), Date.parse(expected));
      assert.equal(await due.getAttribute('data-zone'), 'America/New_York');
      assert.equal(await due.textContent(), 'Due Sat 21 Nov 2026, 10:30 EST');
      assert.match(await w.locator('[data-rule=first-response] .fd-ladder').textContent(), /tell Social media lead/);
      // Screen readers hear the result; the focus moved to it.
      assert.match(await w.locator('[data-testid=assistant-live]').textContent(), /Route found: Resolved and followed up\. Due Sat 21 Nov 2026, 10:30 EST/);
      assert.equal(await page.evaluate(() => document.querySelector('flow-drill[mode=assistant]').shadowRoot.activeElement?.tagName), 'H3');
      // The page heard it.
      const changed = await events(page, 'route-changed');
      assert.equal(changed.length, 1);
      assert.deepEqual(changed[0].detail.attributes, Object.fromEntries(answers));
      assert.equal(changed[0].detail.route.outcome, 'resolved');
      assert.equal(changed[0].detail.deadlines[0].rule, 'first-response');
      assert.equal(Date.parse(changed[0].detail.deadlines[0].deadline), Date.parse(expected));
      await page.evaluate(() => document.activeElement?.blur());
      await w.screenshot({ path: join(results, 'widget-assistant.png') });
      // A crisis tells corporate communications, legal and senior management.
      await w.locator('[data-action=start-over]').click();
      assert.equal(await question.textContent(), triage.attributes.situation.question);
      assert.equal((await events(page, 'route-changed')).at(-1).detail.route, null);
      await w.locator('[data-testid=question-box] button[data-value=crisis]').click();
      await result.waitFor();
      assert.equal(await w.locator('[data-testid=outcome]').getAttribute('data-outcome'), 'crisis-managed');
      assert.match(await w.locator('[data-testid=who]').textContent(), /Corporate communications \(PR\), Legal \(on call 24\/7\), Senior management \(on call 24\/7\)/);
      assert.match(await w.locator('[data-rule=crisis-to-legal] [data-testid=deadline]').textContent(), /^Due Fri 20 Nov 2026, 19:45 EST$/);
      // Changing an earlier answer asks the later questions again.
      await w.locator('[data-action=change]').first().click();
      assert.equal(await question.textContent(), triage.attributes.situation.question);
    },
  },
  {
    name: 'widget: a hostile page stylesheet does not break it',
    timeout: 60_000,
    async run({ page, results }) {
      const { url } = await intranet();
      await page.goto(url);
      await page.addStyleTag({ content: HOSTILE });
      const view = page.locator('flow-drill[mode=view]');
      const assistant = page.locator('flow-drill[mode=assistant]');
      await view.locator('svg .node').first().waitFor();
      await assistant.locator('[data-testid=question]').waitFor();
      // The page's own divs are gone, the widgets' are not.
      assert.equal(await page.locator('.footer .inner').evaluate((e) => getComputedStyle(e).display), 'none');
      const svg = await view.locator('svg.graph-svg').boundingBox();
      assert.ok(svg && svg.width > 200 && svg.height > 200, `the flowchart is ${JSON.stringify(svg)}`);
      assert.ok(await view.locator('svg .node').first().isVisible());
      assert.ok(await assistant.locator('[data-testid=question-box] button').first().isVisible());
      const style = (loc) => loc.evaluate((e) => {
        const s = getComputedStyle(e);
        return { color: s.color, size: s.fontSize, family: s.fontFamily, sizing: s.boxSizing };
      });
      for (const loc of [assistant.locator('[data-testid=question]'), assistant.locator('.fd-intro'), view.locator('.fd-sla-name').first(), assistant.locator('[data-testid=question-box] button').first()]) {
        const s = await style(loc);
        assert.notEqual(s.color, 'rgb(255, 0, 0)');
        assert.doesNotMatch(s.family, /^serif$/);
        assert.notEqual(s.size, '20px');
        assert.equal(s.sizing, 'border-box');
      }
      const label = await view.locator('svg .node .label').first().evaluate((e) => getComputedStyle(e).fontSize);
      assert.equal(label, '11px');
      await page.screenshot({ path: join(results, 'intranet-hostile.png'), fullPage: true });
    },
  },
  {
    name: 'widget: several workflows on one page, from src, inline JSON and the workflow property',
    timeout: 60_000,
    async run({ page, results }) {
      const { url } = await intranet();
      await recordEvents(page);
      await page.goto(`${url}two.html`);
      const fb = page.locator('#fb');
      const smm = page.locator('#smm');
      const inline = page.locator('#inline');
      const prop = page.locator('#prop');
      await fb.locator('svg .node').first().waitFor();
      await smm.locator('[data-testid=question]').waitFor();
      await inline.locator('[data-testid=question]').waitFor();
      await prop.locator('svg .node').first().waitFor();
      assert.equal(await fb.locator('svg .node').count(), workflow('facebook-access').nodes.length);
      assert.equal(await prop.locator('svg .node').count(), workflow('social-media-program').nodes.length);
      assert.match(await fb.locator('h2').textContent(), /Obtain Facebook Access/);
      assert.match(await prop.locator('.fd-slas h3').textContent(), /Our promises/);
      // The fulfilment workflow has two ways in: the assistant asks which first.
      assert.equal(await smm.locator('[data-testid=question]').textContent(), 'Where does the case come in?');
      assert.equal(await smm.locator('.fd-root').evaluate((e) => e.classList.contains('fd-dark')), true);
      assert.equal(await inline.locator('[data-testid=question]').textContent(), workflow('fulfilment-list').attributes.frequency.question);
      // Each one told the page, with its own workflow.
      const ids = (await events(page, 'validation')).map((e) => [e.id, e.detail.workflow, e.detail.error]);
      assert.deepEqual(ids.sort(), [
        ['fb', 'facebook-access', null],
        ['inline', 'fulfilment-list', null],
        ['prop', 'social-media-program', null],
        ['smm', 'smm-fulfilment', null],
      ]);
      // The script loaded twice defined the element once, and nothing else is global.
      assert.equal(await page.evaluate(() => typeof customElements.get('flow-drill')), 'function');
      assert.deepEqual(await page.evaluate(() => Object.keys(window).filter((k) => /flow|drill|wasm/i.test(k) && k !== '__widgetEvents')), []);
      // Answering one assistant leaves the other alone.
      await smm.locator('[data-testid=question-box] button').first().click();
      await smm.locator('[data-testid=answers] li').first().waitFor();
      assert.equal(await inline.locator('[data-testid=answers] li').count(), 0);
      // Changing the mode remounts with the same workflow.
      await page.evaluate(() => document.getElementById('fb').setAttribute('mode', 'assistant'));
      await fb.locator('[data-testid=question]').waitFor();
      assert.equal(await fb.locator('[data-testid=question]').textContent(), workflow('facebook-access').attributes.intake.question);
      await page.screenshot({ path: join(results, 'widget-two.png'), fullPage: true });
    },
  },
  {
    name: 'widget: a missing file, broken JSON and a schema error show readable errors',
    allowConsoleErrors: true,
    timeout: 60_000,
    async run({ page, results, consoleErrors }) {
      const { url } = await intranet();
      await recordEvents(page);
      await page.goto(`${url}errors.html`);
      const err = (id) => page.locator(`#${id} [data-testid=widget-error]`);
      for (const id of ['missing', 'broken', 'schema']) await err(id).waitFor();
      assert.match(await err('missing').textContent(), /cannot be shown.*Could not load missing\.json: 404 Not Found.*File.*\/missing\.json/s);
      assert.equal(await err('broken').getAttribute('data-code'), 'syntax');
      assert.match(await err('broken').locator('[data-testid=widget-error-where]').textContent(), /^line 5, column \d+/);
      assert.match(await err('broken').textContent(), /broken\.json/);
      assert.equal(await err('schema').getAttribute('data-code'), 'schema');
      assert.match(await err('schema').textContent(), /banana/);
      assert.match(await err('schema').locator('[data-testid=widget-error-where]').textContent(), /line \d+, column \d+.*nodes\[1\]/);
      const v = await events(page, 'validation');
      assert.deepEqual(v.map((e) => [e.id, e.detail.error?.code]).sort(), [
        ['broken', 'syntax'],
        ['missing', '404'],
        ['schema', 'schema'],
      ]);
      // The only console errors are the browser's for the missing file.
      assert.ok(consoleErrors.every((m) => /404/.test(m)), consoleErrors.join('\n'));
      await page.screenshot({ path: join(results, 'widget-errors.png'), fullPage: true });
    },
  },
  {
    name: 'widget: edit, simulate and drill modes load the app views on demand and tell the page',
    timeout: 120_000,
    // The Drill view looks for the app's example library next to the page (./examples/):
    // an intranet page has none, and the browser logs the 404.
    allowConsoleErrors: true,
    async run({ page, results, consoleErrors }) {
      const { url } = await intranet();
      await recordEvents(page);
      const fetched = [];
      const missing = [];
      page.on('response', (r) => {
        fetched.push(new URL(r.url()).pathname);
        if (r.status() === 404) missing.push(new URL(r.url()).pathname);
      });
      await page.goto(`${url}modes.html`);
      const edit = page.locator('#edit');
      await edit.locator('.design svg .node').first().waitFor({ timeout: 30_000 });
      await page.locator('#simulate [data-action=run]').waitFor();
      await page.locator('#drill .drill').waitFor();
      assert.ok(fetched.some((p) => /flowdrill_wasm_bg-.*\.wasm$/.test(p)));
      assert.ok(!fetched.some((p) => /flowdrill_(view|assist)_bg/.test(p)), 'the view and assistant modules are not needed by these modes');
      // Editing in the designer tells the page.
      await edit.locator('[data-testid=selection-picker]').selectOption('n:discover');
      await edit.locator('[data-field=name]').fill('Discover and tag it');
      await page.waitForFunction(() => window.__widgetEvents.some((e) => e.type === 'change'));
      const change = (await events(page, 'change')).at(-1);
      assert.equal(change.detail.document.nodes.find((n) => n.id === 'discover').name, 'Discover and tag it');
      await edit.locator('[data-action=undo]').click();
      await page.waitForFunction(() => window.__widgetEvents.filter((e) => e.type === 'change').at(-1).detail.document.nodes[1].name !== 'Discover and tag it');
      // A short simulation runs in its worker.
      await page.locator('#simulate [data-field=horizon]').fill('1d');
      await page.locator('#simulate [data-field=replications]').fill('2');
      await page.locator('#simulate [data-action=run]').click();
      await page.locator('#simulate [data-testid=sim-results] canvas, #simulate [data-testid=sim-results] table').first().waitFor({ timeout: 60_000 });
      // The drill the page names (`scenario`) comes first in the list; loaded on the
      // widget's workflow, started and ended, the page gets the after-action report.
      const drill = page.locator('#drill');
      const chosen = drill.locator('[data-field=drill-scenario] option:checked');
      await page.waitForFunction(() => document.querySelector('#drill').shadowRoot.querySelector('[data-field=drill-scenario] option')?.textContent === 'A complaint video goes viral');
      assert.equal(await chosen.textContent(), 'A complaint video goes viral');
      await drill.locator('[data-action=drill-load]').click();
      await drill.locator('[data-action=drill-start]').click();
      await drill.locator('[data-action=drill-end]').click();
      await drill.locator('[data-action=drill-end-confirm]').click();
      await drill.locator('[data-testid=drill-report] [data-testid=report-objectives]').waitFor();
      await page.waitForFunction(() => window.__widgetEvents.some((e) => e.type === 'drill-ended'));
      const ended = (await events(page, 'drill-ended'))[0];
      assert.equal(ended.id, 'drill');
      assert.equal(ended.detail.report.title, 'A complaint video goes viral');
      assert.equal(ended.detail.report.workflow, 'social-triage');
      assert.ok(Array.isArray(ended.detail.report.score.objectives) && ended.detail.report.score.objectives.length > 0);
      assert.equal(ended.detail.restored, false);
      assert.match(ended.detail.run, /\S/);
      await page.evaluate(() => document.activeElement?.blur());
      await page.screenshot({ path: join(results, 'widget-modes.png'), fullPage: true });
      // After a reload the saved drill opens on its report; the page hears it again, marked
      // as restored, with the same run.
      await page.reload();
      await page.locator('#drill [data-testid=drill-report] [data-testid=report-objectives]').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => window.__widgetEvents.some((e) => e.type === 'drill-ended'));
      const again = (await events(page, 'drill-ended'))[0];
      assert.equal(again.detail.restored, true);
      assert.equal(again.detail.run, ended.detail.run);
      assert.deepEqual([...new Set(missing)], ['/examples/index.json']);
      assert.ok(consoleErrors.every((m) => /404/.test(m)), consoleErrors.join('\n'));
    },
  },
];
