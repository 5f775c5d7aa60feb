// The `<flow-drill>` widget's build: `npm run build:widget` (after `cargo xtask wasm`).
//
// A library build of `src/widget/index.ts` into `dist-widget/`: `flowdrill-widget.js` (ES
// module, defines the element), its lazily loaded chunks under `chunks/` and the
// WebAssembly modules, every URL relative to the script (`new URL(..., import.meta.url)`),
// so the folder can be copied to any path of any web server and loaded with
//
//   <script type="module" src="/any/path/flowdrill-widget.js"></script>
//
// The view and assistant modes load the entry, their own small module
// (`flowdrill_view_bg-*.wasm`, `flowdrill_assist_bg-*.wasm`) and their own small chunks (the flowchart's drawing code for `view`, the questions for `assistant`);
// the simulate, drill and edit modes fetch the app's views, its module and the drill
// module on first use. Styles live in the shadow root (imported with `?inline`): the build emits no
// stylesheet for the page. `flowdrill-widget.d.ts` and `flowdrill-types.d.ts` are the types.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The app's views import stylesheets for the page (`import 'uplot/dist/uPlot.min.css'`);
 * in the widget those rules belong in the shadow root, where the widget puts them itself
 * (`?inline`), so the page-level imports are emptied here.
 */
function noPageCss(): Plugin {
  return {
    name: 'flowdrill-widget-no-page-css',
    enforce: 'pre',
    load(id) {
      if (/\.css$/.test(id) && !id.includes('?')) return '';
      return null;
    },
  };
}

/**
 * A library build inlines every asset as base64; the WebAssembly modules must stay files
 * (fetched with streaming compilation, cached on their own, not 33 % bigger in the JS).
 * `?no-inline` on every `new URL('….wasm', import.meta.url)` (the widget's, the app's and
 * the generated glue's own default) keeps them files with URLs relative to the chunk.
 */
function wasmAsFiles(): Plugin {
  return {
    name: 'flowdrill-widget-wasm-files',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.[cm]?[jt]s$/.test(id.split('?')[0] ?? '') || !code.includes('.wasm')) return null;
      const out = code.replace(/new URL\((['"])([^'"?]+\.wasm)\1,\s*import\.meta\.url\)/g, (_m, q: string, path: string) => `new URL(${q}${path}?no-inline${q}, import.meta.url)`);
      return out === code ? null : { code: out, map: null };
    },
  };
}

/**
 * The types for developers: the hand-written `src/widget/flowdrill-widget.d.ts` next to the
 * script, importing the core's types (the document, routes, diagnostics, drill reports)
 * from `flowdrill-types.d.ts`, the bindings crate's declarations (generated and hand-written).
 */
function declarations(): Plugin {
  return {
    name: 'flowdrill-widget-declarations',
    generateBundle() {
      const widget = readFileSync(join(here, 'src', 'widget', 'flowdrill-widget.d.ts'), 'utf8');
      const crate = join(here, '..', 'crates', 'flowdrill-wasm');
      // The generated declarations and the hand-written rest, as in each module's .d.ts.
      const types = ['generated.d.ts', 'flowdrill.d.ts'].map((f) => readFileSync(join(crate, f), 'utf8')).join('\n');
      this.emitFile({ type: 'asset', fileName: 'flowdrill-widget.d.ts', source: widget.replaceAll("'../../pkg/flowdrill_view.js'", "'./flowdrill-types.js'") });
      this.emitFile({ type: 'asset', fileName: 'flowdrill-types.d.ts', source: types });
      // The folder as a package: `npm install ./www/dist-widget`, then `import 'flowdrill-widget'`.
      const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as { version: string };
      const pkg = {
        name: 'flowdrill-widget',
        version,
        description: 'The <flow-drill> custom element: a flowdrill workflow as a flowchart, a route assistant, a simulator, a drill or an editor on any page',
        type: 'module',
        exports: { '.': { types: './flowdrill-widget.d.ts', default: './flowdrill-widget.js' } },
        types: './flowdrill-widget.d.ts',
        sideEffects: true,
      };
      this.emitFile({ type: 'asset', fileName: 'package.json', source: `${JSON.stringify(pkg, null, 2)}\n` });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  plugins: [noPageCss(), wasmAsFiles(), declarations()],
  build: {
    outDir: 'dist-widget',
    emptyOutDir: true,
    target: 'es2022',
    // Keep the .wasm files as files next to the script, never as base64 in the JS.
    assetsInlineLimit: 0,
    copyPublicDir: false,
    lib: {
      entry: 'src/widget/index.ts',
      formats: ['es'],
      fileName: () => 'flowdrill-widget.js',
    },
    rolldownOptions: {
      // Code the entry shares with the lazy chunks stays in the entry, which then exports a
      // little more than its own API.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // A library build in ES format keeps its whitespace; this one is for browsers.
        minify: true,
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
      },
    },
  },
  worker: {
    format: 'es',
    plugins: () => [wasmAsFiles()],
    rolldownOptions: {
      output: {
        entryFileNames: 'chunks/[name]-[hash].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
      },
    },
  },
});
