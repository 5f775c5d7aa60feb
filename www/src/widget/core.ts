/**
 * The widget's small WebAssembly modules, each loaded once per page, relative to this
 * script wherever it is hosted: `pkg/flowdrill_view.js` for the view mode (load, check, lay
 * out, guards in words) and `pkg/flowdrill_assist.js` for the assistant (load, check, the
 * route of a case at an instant, deadlines). A page with one view widget does not download
 * the route code, nor one with an assistant the drawing code. The app's module and the
 * drill's are only loaded by the simulate, edit and drill modes.
 */
import initView from '../../pkg/flowdrill_view.js';
import initAssist from '../../pkg/flowdrill_assist.js';

export { Workflow as ViewWorkflow, guardText } from '../../pkg/flowdrill_view.js';
export { Workflow as AssistWorkflow } from '../../pkg/flowdrill_assist.js';

/** One module's loader: the first call fetches and compiles it; a failed load can be retried. */
function loader(init: () => Promise<unknown>): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= init()
      .then(() => undefined)
      .catch((e: unknown) => {
        ready = undefined;
        throw e;
      });
    return ready;
  };
}

/** Loads the view mode's module. */
export const loadView = loader(() => initView({ module_or_path: new URL('../../pkg/flowdrill_view_bg.wasm', import.meta.url) }));

/** Loads the assistant mode's module. */
export const loadAssist = loader(() => initAssist({ module_or_path: new URL('../../pkg/flowdrill_assist_bg.wasm', import.meta.url) }));
