// Throughput of the WebAssembly build on the triage-1 workload, for BENCHMARKS.md.
// Run from www/ after `cargo xtask wasm`: node tests/bench/wasm.mjs
// (Node runs the same .wasm the browser loads; V8 compiles it the same way.)
import { readFileSync } from 'node:fs';
import { initSync, Workflow } from '../../pkg/flowdrill_wasm.js';

initSync({ module: readFileSync(new URL('../../pkg/flowdrill_wasm_bg.wasm', import.meta.url)) });
const text = readFileSync(new URL('../../../examples/benchmarks/triage-1.json', import.meta.url), 'utf8');
const w = Workflow.fromJson(text);
const rates = [];
let cases = 0;
for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = w.simulate({ horizon: '120d', replications: 1, seed: 7 });
    const secs = (performance.now() - t) / 1000;
    cases = r.replications[0].arrived;
    rates.push(cases / secs);
}
rates.sort((a, b) => a - b);
console.log(`triage-1 in WebAssembly (Node ${process.version}): ${Math.round(rates[2])} cases/s (median of 5, ${cases} cases per run)`);
const times = [];
for (const name of ['smm-fulfilment', 'social-triage']) {
    const doc = readFileSync(new URL(`../../../examples/workflows/${name}.json`, import.meta.url), 'utf8');
    const wf = Workflow.fromJson(doc);
    const runs = [];
    for (let i = 0; i < 21; i++) {
        const t = performance.now();
        wf.validateStructure();
        wf.layout();
        runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    times.push(`${name}: validateStructure + layout ${runs[10].toFixed(2)} ms`);
    wf.free();
}
console.log(times.join('\n'));
w.free();

// A recorded drill (37 actions) replayed, and one view of it, in the drill module.
{
    const drill = await import('../../pkg/flowdrill_drill.js');
    drill.initSync({ module: readFileSync(new URL('../../pkg/flowdrill_drill_bg.wasm', import.meta.url)) });
    const repo = (p) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');
    const workflow = repo('examples/workflows/social-triage.json');
    const scenario = repo('examples/drills/viral-video.json');
    const log = JSON.parse(repo('tests/fixtures/drills/viral-video.good.json'));
    const replay = [], view = [];
    for (let i = 0; i < 41; i++) {
        let t = performance.now();
        const s = new drill.DrillSession(workflow, scenario);
        for (const a of log) s.apply(a);
        replay.push(performance.now() - t);
        t = performance.now();
        s.view();
        view.push(performance.now() - t);
        s.free();
    }
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2);
    console.log(`drill viral-video: replay of ${log.length} actions ${med(replay)} ms, view() ${med(view)} ms`);
}

// Generated workflows of 1,000 and 10,000 nodes: `FLOWDRILL_BENCH_OUT=/some/dir cargo bench -p
// flowdrill-core --bench layout` writes them; pass that directory as the first argument.
const dir = process.argv[2];
if (dir) {
    for (const n of [1000, 10000]) {
        const doc = readFileSync(`${dir}/generated-${n}.json`, 'utf8');
        const wf = Workflow.fromJson(doc);
        const runs = { structure: [], full: [], layout: [] };
        for (let i = 0; i < (n > 5000 ? 7 : 21); i++) {
            let t = performance.now();
            wf.validateStructure();
            runs.structure.push(performance.now() - t);
            t = performance.now();
            wf.layout();
            runs.layout.push(performance.now() - t);
        }
        const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2);
        console.log(`generated ${n} nodes: validateStructure ${med(runs.structure)} ms, layout ${med(runs.layout)} ms`);
        wf.free();
    }
}
