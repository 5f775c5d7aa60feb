/** Loads the WebAssembly core once. */
import init from '../pkg/flowdrill_wasm.js';

export { Workflow, check, deadline, elapsed, significant, version } from '../pkg/flowdrill_wasm.js';

let ready: Promise<void> | undefined;

export function loadWasm(): Promise<void> {
  ready ??= init({ module_or_path: new URL('../pkg/flowdrill_wasm_bg.wasm', import.meta.url) }).then(() => undefined);
  return ready;
}

export { type ErrorInfo, errorInfo } from './errors';
