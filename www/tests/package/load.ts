// Loads the built package (www/pkg) into Node the way a bundler-free host would: read the
// .wasm bytes and instantiate synchronously. Every test file gets its own instance.

import { readFileSync, readdirSync } from 'node:fs';
import { initSync } from '../../pkg/flowdrill_wasm.js';

const wasm = initSync({ module: readFileSync(new URL('../../pkg/flowdrill_wasm_bg.wasm', import.meta.url)) });

/** The module's linear memory (grows, never shrinks). */
export const memory: WebAssembly.Memory = wasm.memory;

const root = new URL('../../../', import.meta.url);

/** A file of the repository, as text. */
export function repoFile(path: string): string {
    return readFileSync(new URL(path, root), 'utf8');
}

/** The example workflows, by file name. */
export function exampleWorkflows(): [string, string][] {
    const dir = new URL('examples/workflows/', root);
    return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]);
}

/** Calls `f` and returns what it throws (failing the test when it returns). */
export function thrown(f: () => unknown): unknown {
    try {
        f();
    } catch (e) {
        return e;
    }
    throw new Error('expected an error, but the call returned');
}

