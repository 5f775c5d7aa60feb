/**
 * The widget's small WebAssembly module (`pkg/flowdrill_view.js`: load, lay out, route,
 * deadlines, guards in words), loaded once per page, relative to this script wherever it
 * is hosted. The app's module and the drill's are only loaded by the simulate, edit and
 * drill modes.
 */
import init from '../../pkg/flowdrill_view.js';

export { Workflow, deadline, guardText } from '../../pkg/flowdrill_view.js';

let ready: Promise<void> | undefined;

export function loadCore(): Promise<void> {
  ready ??= init({ module_or_path: new URL('../../pkg/flowdrill_view_bg.wasm', import.meta.url) })
    .then(() => undefined)
    .catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
  return ready;
}
