#!/usr/bin/env node
// Runs the browser tests: builds the app when www/dist is missing or older than its
// sources, serves www/dist on 127.0.0.1:8080, launches headless Chromium
// (/usr/bin/chromium) and runs every test in tests/browser/*.spec.mjs, each in a fresh
// browser context (so a fresh localStorage). Exits non-zero when a test fails.
//
//   npm run test:browser                 # all tests
//   npm run test:browser -- cancel xss   # only tests whose name contains a word given
//
// Screenshots of each view go to www/test-results/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './server.mjs';

const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, '..', '..');
const dist = join(www, 'dist');
const results = join(www, 'test-results');
const HOST = '127.0.0.1';
const PORT = 8080;

function fail(message) {
  console.error(`test:browser: ${message}`);
  process.exit(1);
}

if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Chromium (e.g. apt-get install chromium) to run the browser tests`);

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const built = existsSync(join(dist, 'index.html')) ? statSync(join(dist, 'index.html')).mtimeMs : 0;
const sources = Math.max(newest(join(www, 'src')), newest(join(www, 'index.html')), newest(join(www, 'public')), newest(join(www, 'pkg')));
if (!existsSync(join(www, 'pkg', 'flowdrill_wasm.js'))) fail('www/pkg is missing: build the WebAssembly package first (cargo xtask wasm)');
if (!existsSync(join(www, 'pkg', 'examples', 'index.json'))) fail('www/pkg/examples is missing: run cargo xtask wasm (it copies the example library)');
if (built < sources) {
  console.log(built ? 'test:browser: www/dist is older than its sources; building…' : 'test:browser: no www/dist; building…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: www, stdio: 'inherit' });
  if (r.status !== 0) fail('npm run build failed');
}

const { chromium } = await import('playwright-core');
mkdirSync(results, { recursive: true });
for (const f of readdirSync(results)) if (f.startsWith('failure-')) rmSync(join(results, f));

let server;
try {
  server = await serve(dist, { host: HOST, port: PORT });
} catch (e) {
  fail(`cannot serve on ${HOST}:${PORT}: ${e.message} (is something else using the port?)`);
}
const baseURL = `http://${HOST}:${PORT}/`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const filters = process.argv.slice(2).map((s) => s.toLowerCase());
const specs = readdirSync(here).filter((f) => f.endsWith('.spec.mjs')).sort();
const tests = [];
for (const f of specs) {
  const mod = await import(pathToFileURL(join(here, f)).href);
  for (const t of mod.tests ?? []) tests.push({ ...t, file: f });
}
const chosen = filters.length ? tests.filter((t) => filters.some((w) => t.name.toLowerCase().includes(w))) : tests;

let failed = 0;
const started = Date.now();
for (const t of chosen) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleErrors = [];
  const dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const t0 = Date.now();
  const timeout = t.timeout ?? 60_000;
  page.setDefaultTimeout(Math.min(timeout, 30_000));
  let timer;
  try {
    await Promise.race([
      t.run({ page, context, baseURL, results, repo: join(www, '..'), consoleErrors, dialogs }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout);
      }),
    ]);
    if (!t.allowConsoleErrors && consoleErrors.length) throw new Error(`console errors:\n  ${consoleErrors.join('\n  ')}`);
    if (dialogs.length) throw new Error(`unexpected dialogs: ${dialogs.join(', ')}`);
    console.log(`  ✓ ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`  ✗ ${t.name} (${Date.now() - t0} ms)\n      ${String(e?.stack ?? e).split('\n').join('\n      ')}`);
    const shot = join(results, `failure-${t.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.log(`      screenshot: ${shot}`);
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => {});
  }
}

await browser.close();
server.close();

// A team drill on the real `flowdrill serve`, three browser contexts at once; then the
// report the facilitator downloaded must equal `flowdrill drill report` on the server's log.
let total = chosen.length;
if (!filters.length || filters.some((w) => 'team drill'.includes(w))) {
  total++;
  const t0 = Date.now();
  try {
    await teamDrillOnTheServer();
    console.log(`  ✓ team drill on flowdrill serve: three people, report = flowdrill drill report (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`  ✗ team drill on flowdrill serve (${Date.now() - t0} ms)\n      ${String(e?.stack ?? e).split('\n').join('\n      ')}`);
  }
}
console.log(`\n${total - failed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);

/** The `flowdrill` binary: FLOWDRILL_BIN, else the workspace's debug build (built if missing). */
function flowdrillBinary() {
  if (process.env.FLOWDRILL_BIN) return process.env.FLOWDRILL_BIN;
  const repo = join(www, '..');
  const bin = join(repo, 'target', 'debug', 'flowdrill');
  const r = spawnSync(process.env.CARGO ?? 'cargo', ['build', '--quiet', '-p', 'flowdrill-cli'], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('cargo build -p flowdrill-cli failed');
  if (!existsSync(bin)) throw new Error(`no ${bin} after cargo build`);
  return bin;
}

async function teamDrillOnTheServer() {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { createInterface } = await import('node:readline');
  const assert = (await import('node:assert/strict')).default;
  const { teamDrill } = await import('./team-drill.mjs');
  const bin = flowdrillBinary();
  const data = mkdtempSync(join(tmpdir(), 'flowdrill-team-'));
  const child = spawn(bin, ['serve', '--host', HOST, '--port', '0', '--www', dist, '--data', join(data, 'store')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`flowdrill serve exited (${code})`)));
    });
    const port = /listening on [^:]+:(\d+);/.exec(line)?.[1];
    if (!port) throw new Error(`no port in ${JSON.stringify(line)}`);
    const base = `http://${HOST}:${port}/`;
    const { report, facilitatorLink } = await teamDrill({ baseUrl: base, chromiumPath: CHROMIUM });
    const token = new URL(facilitatorLink).hash.replace(/^#join=/, '');
    const res = await fetch(new URL('api/log', base), { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, 'the facilitator reads the stored log');
    const stored = await res.json();
    // The files as `flowdrill drill report` reads them: the scenario names its workflow.
    const scenario = JSON.parse(stored.scenario);
    const scenarioPath = join(data, 'drills', 'scenario.json');
    const workflowPath = join(dirname(scenarioPath), scenario.workflow);
    mkdirSync(dirname(scenarioPath), { recursive: true });
    mkdirSync(dirname(workflowPath), { recursive: true });
    writeFileSync(scenarioPath, stored.scenario);
    writeFileSync(workflowPath, stored.workflow);
    writeFileSync(join(data, 'log.json'), JSON.stringify(stored.log));
    const r = spawnSync(bin, ['drill', 'report', scenarioPath, join(data, 'log.json'), '--format', 'json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `flowdrill drill report failed: ${r.stderr}`);
    assert.deepEqual(JSON.parse(report), JSON.parse(r.stdout), 'the downloaded report is the one the server\'s log gives');
  } finally {
    child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
}
