// @vitest-environment node
// WebAssembly memory: a Workflow object lives in the module's linear memory, which the
// JavaScript garbage collector does not see. Free it when done:
//
//     const w = Workflow.fromJson(text);
//     try { ... } finally { w.free(); }
//
// or, where `using` is available (TypeScript 5.2+, or a runtime with explicit resource
// management), let the block free it:
//
//     { using w = Workflow.fromJson(text); ... }   // w[Symbol.dispose]() === w.free()
//
// After free() the object is dead: any method, and a second free(), throws "null pointer
// passed to rust". Results (documents, diagnostics, routes, simulations) are plain JS
// objects and need no freeing. A FinalizationRegistry frees forgotten objects eventually,
// but only when the collector runs, so do not rely on it in loops.

import { describe, expect, test } from 'vitest';
import { Workflow } from '../../pkg/flowdrill_wasm.js';
import { memory, repoFile } from './load';

const text = repoFile('examples/benchmarks/triage-1.json');

function cycle(): void {
    const w = Workflow.fromJson(text);
    try {
        if (w.validate().length > 0) throw new Error('triage-1 should validate cleanly');
        w.simulate({ horizon: '1h', replications: 1 }, undefined, undefined);
    } finally {
        w.free();
    }
}

describe('memory', () => {
    test('1,000 load → validate → simulate → free cycles do not grow memory after a warm-up', () => {
        const initial = memory.buffer.byteLength;
        for (let i = 0; i < 50; i++) cycle();
        const warm = memory.buffer.byteLength;
        for (let i = 0; i < 1000; i++) cycle();
        const after = memory.buffer.byteLength;
        console.log(`memory: ${initial} bytes at start, ${warm} after 50 warm-up cycles, ${after} after 1,000 more`);
        expect(after).toBe(warm);
    }, 30_000);

    test('`using` frees the object at the end of its block', () => {
        let escaped: Workflow | undefined;
        {
            using w = Workflow.fromJson(text);
            expect(w.id).toBe('triage-1');
            escaped = w;
        }
        expect(() => escaped?.id).toThrow(/null pointer passed to rust/);
        expect(Workflow.prototype[Symbol.dispose]).toBe(Workflow.prototype.free);

        const warm = memory.buffer.byteLength;
        for (let i = 0; i < 100; i++) {
            using w = Workflow.fromJson(text);
            w.validate();
            w.simulate({ horizon: '1h', replications: 1 }, undefined, undefined);
        }
        expect(memory.buffer.byteLength).toBe(warm);
    });

    test('a freed object is dead: methods and a second free throw', () => {
        const w = Workflow.fromJson(text);
        w.free();
        expect(() => w.validate()).toThrow(/null pointer passed to rust/);
        expect(() => w.free()).toThrow(/null pointer passed to rust/);
    });

    test('control: objects that are never freed do grow memory', () => {
        // Proves the first test can fail: the same objects, held and not freed.
        const before = memory.buffer.byteLength;
        const held: Workflow[] = [];
        try {
            for (let i = 0; i < 1000; i++) held.push(Workflow.fromJson(text));
            expect(memory.buffer.byteLength).toBeGreaterThan(before);
        } finally {
            for (const w of held) w.free();
        }
    });
});
