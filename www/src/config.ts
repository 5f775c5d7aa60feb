/**
 * Where the example library is served, relative to the page. The only place that names it:
 * the build copies the library next to the app, and the example picker reads
 * `<EXAMPLES_BASE>index.json` (an array of `{id, name, file}`) and `<EXAMPLES_BASE><file>`.
 */
export const EXAMPLES_BASE = './examples/';

/** The localStorage key the open document is saved under after every edit. */
export const AUTOSAVE_KEY = 'flowdrill.autosave.v1';

/** How long after the last edit the full check (with SLA feasibility) runs, in ms. */
export const FULL_CHECK_DELAY_MS = 400;

/** Edits to the same field closer together than this become one undo step, in ms. */
export const UNDO_MERGE_MS = 1200;
