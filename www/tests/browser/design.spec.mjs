// The designer: loading, every example, decision coverage, autosave, undo, text safety.
import { assert, diagnostics, openApp, openExample, pick, screenshot, showView, waitChecked, unnamedControls } from './helpers.mjs';

export const tests = [
  {
    name: 'the app loads with the default example and no problems',
    async run({ page, baseURL, results }) {
      await openApp(page, baseURL);
      assert.equal(await page.title(), 'flowdrill');
      await waitChecked(page);
      assert.deepEqual(await diagnostics(page), []);
      assert.match(await page.textContent('[data-testid=source]'), /social-triage/);
      const tabs = await page.$$eval('[role=tab]', (els) => els.map((e) => e.textContent));
      assert.deepEqual(tabs, ['Design', 'Routes', 'Simulate', 'Drill']);
      assert.ok((await page.$$('.graph .node')).length > 30, 'the diagram has its nodes');
      // Select a node so the properties panel shows in the screenshot.
      await page.click('.graph [data-node=screen]');
      await page.waitForSelector('[data-testid=properties] [data-field=question]');
      await screenshot(page, results, 'design.png');
    },
  },
  {
    name: 'every example opens with no problems and no console errors',
    timeout: 90_000,
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      const ids = await page.$$eval('.example-picker option', (os) => os.map((o) => o.value).filter(Boolean));
      assert.ok(ids.length >= 6, `expected the example library, got ${ids.join(', ')}`);
      for (const id of ids) {
        await openExample(page, id);
        const d = await diagnostics(page);
        assert.deepEqual(d, [], `${id}: ${JSON.stringify(d)}`);
        assert.ok((await page.$$('.graph .node')).length > 3, `${id}: diagram drawn`);
        // Routes and Simulate views render for it too.
        await showView(page, 'routes');
        await page.waitForSelector('[data-testid=route-table] table');
        await showView(page, 'design');
      }
    },
  },
  {
    name: 'a decision branch that overlaps another gives decision-overlap, and deleting it clears it',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await waitChecked(page);
      // breach-where is an exclusive decision: brand page → remove, twitter or blog → report.
      await pick(page, 'n:breach-where');
      await page.selectOption('[data-field=connect-to]', 'let-stand');
      await page.click('[data-action=add-edge]');
      await page.waitForSelector('[data-testid=properties] [data-field=when]');
      let d = await diagnostics(page);
      assert.ok(d.some((x) => x.code === 'missing-guard'), `a branch without a guard is reported: ${JSON.stringify(d)}`);
      await page.fill('[data-field=when]', '{"channel": "twitter"}');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=diagnostics] .diag')].some((e) => e.getAttribute('data-code') === 'decision-overlap'));
      d = await diagnostics(page);
      const overlap = d.find((x) => x.code === 'decision-overlap');
      assert.equal(overlap.severity, 'error');
      assert.match(overlap.text, /channel=twitter/);
      // The edge is drawn as having an error.
      assert.ok(await page.$('.graph .edge.has-error'), 'the edge is marked');
      // Clicking the diagnostic selects the decision.
      await page.click('[data-testid=diagnostics] .diag[data-code=decision-overlap]');
      // Delete the new branch with the Delete key.
      assert.match(await page.inputValue('[data-testid=selection-picker]'), /breach-where/);
      await pick(page, 'e:breach-where->let-stand');
      await page.focus('.graph-svg');
      await page.keyboard.press('Delete');
      await page.waitForFunction(() => !document.querySelector('[data-testid=diagnostics] .diag[data-code=decision-overlap]'));
      await waitChecked(page);
      assert.deepEqual(await diagnostics(page), []);
    },
  },
  {
    name: 'a narrowed guard gives decision-gap with an example case; undo restores it',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await waitChecked(page);
      const edge = 'e:breach-where->report-post';
      await pick(page, edge);
      const before = await page.inputValue('[data-field=when]');
      // Leaves blog-or-forum posts with no branch.
      await page.fill('[data-field=when]', '{"channel": "twitter"}');
      await page.waitForSelector('[data-testid=diagnostics] .diag[data-code=decision-gap]');
      const gap = (await diagnostics(page)).find((x) => x.code === 'decision-gap');
      assert.match(gap.text, /channel=blog-or-forum/);
      await page.focus('.graph-svg');
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => !document.querySelector('[data-testid=diagnostics] .diag[data-code=decision-gap]'));
      await pick(page, edge);
      assert.deepEqual(JSON.parse(await page.inputValue('[data-field=when]')), JSON.parse(before));
      await page.keyboard.press('Control+Shift+z');
      await page.waitForSelector('[data-testid=diagnostics] .diag[data-code=decision-gap]');
    },
  },
  {
    name: 'an edited node name survives a reload',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await pick(page, 'n:discover');
      await page.fill('[data-field=name]', 'Discover, read the thread and tag it');
      await page.waitForFunction(() => document.querySelector('.graph [data-node=discover] title')?.textContent?.includes('read the thread'));
      assert.match(await page.textContent('[data-testid=source]'), /edited/);
      await page.reload();
      await page.waitForSelector('.graph .node');
      await pick(page, 'n:discover');
      assert.equal(await page.inputValue('[data-field=name]'), 'Discover, read the thread and tag it');
      assert.match(await page.textContent('.graph [data-node=discover] title'), /Discover, read the thread and tag it/);
      assert.match(await page.textContent('[data-testid=source]'), /social-triage.*edited/s);
    },
  },
  {
    name: 'markup in a node name is shown as text (no element, no dialog)',
    async run({ page, baseURL, dialogs }) {
      await openApp(page, baseURL);
      const evil = '<img src=x onerror=alert(1)>';
      await pick(page, 'n:screen');
      await page.fill('[data-field=name]', evil);
      await page.waitForTimeout(600);
      assert.equal(await page.$$eval('img', (x) => x.length), 0, 'no img element');
      const label = await page.textContent('.graph [data-node=screen] title');
      assert.ok(label.includes(evil), `label text: ${label}`);
      assert.ok((await page.textContent('[data-testid=properties] .props-title')).includes(evil));
      // And in the Routes view's steps and table.
      await showView(page, 'routes');
      await page.waitForSelector('.route-steps table');
      assert.ok((await page.textContent('.route-steps')).includes(evil));
      assert.equal(await page.$$eval('img', (x) => x.length), 0);
      // An edge label and an attribute value too.
      await showView(page, 'design');
      await pick(page, 'e:post->discover');
      await page.fill('[data-field=label]', '<script>alert(2)</script><b>bold</b>');
      await page.waitForTimeout(400);
      assert.equal(await page.$$eval('.fd-app script, .fd-app b', (x) => x.length), 0);
      assert.deepEqual(dialogs, []);
    },
  },
  {
    name: 'nodes can be added, connected, renamed and deleted from the keyboard and toolbar',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await openExample(page, 'triage-1');
      const before = (await page.$$('.graph .node')).length;
      await page.selectOption('.kind-select', 'notify');
      await page.click('[data-action=add-node]');
      await page.waitForSelector('.graph [data-node=notify]');
      assert.equal((await page.$$('.graph .node')).length, before + 1);
      // The new node is selected and its name field focused.
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'name');
      await page.keyboard.type('Tell the lead');
      // Connect mode: source then target.
      await page.click('.graph-tools button[aria-label^=Fit]');
      await page.click('[data-action=connect]');
      await page.click('.graph [data-node=notify]');
      const target = await page.$$eval('.graph [data-node]', (els) => els.map((e) => e.getAttribute('data-node')).find((id) => id !== 'notify' && id !== 'post'));
      await page.click(`.graph [data-node="${target}"]`);
      await page.waitForSelector(`.graph [data-edge="notify->${target}"]`);
      // Rename the node: the edge follows.
      await pick(page, 'n:notify');
      await page.fill('[data-field=id]', 'tell-lead');
      await page.press('[data-field=id]', 'Enter');
      await page.waitForSelector(`.graph [data-edge="tell-lead->${target}"]`);
      // Delete it with the toolbar.
      await page.click('[data-action=delete]');
      await page.waitForFunction(() => !document.querySelector('.graph [data-node=tell-lead]'));
      assert.equal((await page.$$('.graph .node')).length, before);
    },
  },
  {
    name: 'the views are reachable by keyboard (tabs with arrow keys)',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await page.focus('[role=tab][data-view=design]');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('[data-panel=routes]:not([hidden])');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-view')), 'routes');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('[data-panel=simulate]:not([hidden])');
      await page.keyboard.press('Home');
      await page.waitForSelector('[data-panel=design]:not([hidden])');
      // Every button and field has an accessible name.
      const unnamed = await unnamedControls(page, '.fd-app');
      assert.deepEqual(unnamed, []);
    },
  },
  {
    name: 'a section edited as JSON reports parse and schema errors with their place, and recovers',
    async run({ page, baseURL }) {
      await openApp(page, baseURL);
      await waitChecked(page);
      await page.click('[data-section-box=roles] > summary');
      const ta = '[data-section=roles]';
      const good = await page.inputValue(ta);
      // Not JSON: shown under the editor, the document is left as it was.
      await page.fill(ta, good.replace('"staff": 4', '"staff": 4,,'));
      await page.waitForSelector('[data-section-box=roles] .field-error:not(:empty)');
      assert.equal(await page.getAttribute(ta, 'aria-invalid'), 'true');
      assert.deepEqual(await diagnostics(page), []);
      // JSON the core rejects: a schema diagnostic with its path, the diagram stays.
      await page.fill(ta, good.replace('"staff": 4', '"staf": 4'));
      await page.waitForSelector('[data-testid=diagnostics] .diag[data-code=schema]');
      const d = (await diagnostics(page)).find((x) => x.code === 'schema');
      assert.match(d.text, /roles\.community-manager/);
      assert.match(d.text, /did you mean "staff"/);
      assert.ok((await page.$$('.graph .node')).length > 30);
      // Fixed again.
      await page.fill(ta, good);
      await page.waitForFunction(() => !document.querySelector('[data-testid=diagnostics] .diag'));
      await waitChecked(page);
      assert.deepEqual(await diagnostics(page), []);
    },
  },
  {
    name: 'a dropped file opens, and Export JSON downloads the document',
    async run({ page, baseURL, repo }) {
      await openApp(page, baseURL);
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(`${repo}/examples/workflows/fulfilment-list.json`, 'utf8');
      await page.evaluate((t) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], 'my-lists.json', { type: 'application/json' }));
        const target = document.querySelector('.graph');
        for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, text);
      await page.waitForFunction(() => document.querySelector('[data-testid=source]')?.textContent?.includes('my-lists.json'));
      await waitChecked(page);
      assert.deepEqual(await diagnostics(page), []);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export JSON")')]);
      assert.equal(download.suggestedFilename(), 'fulfilment-list.json');
      const saved = readFileSync(await download.path(), 'utf8');
      assert.deepEqual(JSON.parse(saved), JSON.parse(text));
      // Undo goes back to the document open before the drop.
      await page.click('button:has-text("Undo")');
      await page.waitForFunction(() => document.querySelector('[data-testid=source]')?.textContent?.includes('social-triage'));
    },
  },
  {
    name: 'a workflow file can be opened with Open file…',
    async run({ page, baseURL, repo }) {
      await openApp(page, baseURL);
      await page.setInputFiles('input[type=file]', `${repo}/examples/workflows/facebook-access.json`);
      await page.waitForFunction(() => document.querySelector('[data-testid=source]')?.textContent?.includes('facebook-access.json'));
      await waitChecked(page);
      assert.deepEqual(await diagnostics(page), []);
      assert.match(await page.textContent('[data-testid=source]'), /File: facebook-access\.json/);
    },
  },
];
