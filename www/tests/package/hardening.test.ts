// @vitest-environment node
// The inputs that ever broke something (fuzz/regressions) and the fuzz corpus, through the
// WebAssembly package: reading, checking, validating and business-time arithmetic either
// answer or throw a FlowdrillError — never a trap (a Rust panic aborts the module) — and a
// long chain of nodes checks without running out of the browser's smaller stack.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Workflow, check, deadline, elapsed } from '../../pkg/flowdrill_wasm.js';
import './load';

const root = new URL('../../../', import.meta.url);

function inputs(target: string): [string, string][] {
    const out: [string, string][] = [];
    for (const dir of ['corpus', 'regressions']) {
        const url = new URL(`fuzz/${dir}/${target}/`, root);
        for (const f of readdirSync(url).sort()) out.push([`${dir}/${target}/${f}`, readFileSync(new URL(f, url), 'utf8')]);
    }
    return out;
}

/** Runs `f`; a throw must be a FlowdrillError, not a trap or a TypeError. */
function answersOrRefuses(what: string, f: () => unknown): void {
    try {
        f();
    } catch (e) {
        expect((e as Error).name, `${what}: ${String(e)}`).toBe('FlowdrillError');
    }
}

describe('every past failure and the fuzz corpus', () => {
    const workflows = [...inputs('check'), ...inputs('workflow')];
    test.each(workflows)('%s: check, read and validate', (_name, text) => {
        answersOrRefuses('check', () => check(text));
        answersOrRefuses('read + validate', () => {
            const w = Workflow.fromJson(text);
            w.validate();
            w.free();
        });
    });

    test.each(inputs('calendar'))('%s: deadline and elapsed', (_name, text) => {
        const [cal, rest = ''] = text.split('\n---\n');
        for (const line of rest.split('\n').filter(Boolean)) {
            const [start = '', within = ''] = line.split(/\s+/);
            answersOrRefuses('deadline', () => {
                const due = deadline(cal ?? '', start, within);
                elapsed(cal ?? '', start, due);
            });
        }
    });
});

describe('deep structures', () => {
    test('a 1,000,000-node chain checks without exhausting the stack', () => {
        const n = 1_000_000;
        const nodes: string[] = ['{"id":"s","kind":"start"}'];
        const edges: string[] = ['{"from":"s","to":"t0"}'];
        for (let i = 0; i < n; i++) {
            nodes.push(`{"id":"t${i}","kind":"task","role":"r"}`);
            edges.push(`{"from":"t${i}","to":"${i + 1 < n ? `t${i + 1}` : 'e'}"}`);
        }
        nodes.push('{"id":"e","kind":"end","outcome":"done"}');
        const text = `{"flowdrill":1,"id":"chain","roles":{"r":{"staff":1}},"nodes":[${nodes.join(',')}],"edges":[${edges.join(',')}]}`;
        const found = check(text) as { severity: string; code: string }[];
        expect(found.filter((d) => d.severity === 'error')).toEqual([]);
    }, 120_000);
});
