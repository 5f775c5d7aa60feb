// The app's first load to interactive on localhost, for BENCHMARKS.md: a fresh browser
// profile (nothing cached) opens the built app and waits until the diagram is drawn.
// Run from www/ after `npm run build`: node tests/bench/firstload.mjs
import { chromium } from 'playwright-core';
import { serve } from '../browser/server.mjs';

const server = await serve(new URL('../../dist', import.meta.url).pathname, { port: 8091 });
const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const times = [];
for (let i = 0; i < 7; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t = Date.now();
    await page.goto('http://127.0.0.1:8091/');
    await page.waitForSelector('.fd-app [data-panel] .node', { timeout: 20_000 });
    times.push(Date.now() - t);
    await context.close();
}
times.sort((a, b) => a - b);
console.log(`first load to a drawn diagram: median ${times[3]} ms (of ${times.join(', ')} ms)`);
await browser.close();
server.close();
