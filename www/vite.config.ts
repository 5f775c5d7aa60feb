/// <reference types="vitest/config" />
// The web app's build. `cargo xtask build` runs it after building the WebAssembly bindings
// into `pkg/` (wasm-bindgen, `--target web`); `cargo xtask serve` previews the result.
//
// - `pkg/` is imported like any module: `import init, * as fd from '../pkg/flowdrill_wasm.js'`.
//   The glue locates its module with `new URL('flowdrill_wasm_bg.wasm', import.meta.url)`,
//   which Vite emits as a hashed asset, in the page and in workers alike.
// - `base: './'`: every URL in the build is relative, so `dist/` works from any path.
// - The example library is generated into `pkg/examples/` (a copy of `examples/workflows`
//   and `examples/benchmarks` plus `index.json`). It is served as `./examples/` by the
//   development server and written to `dist/examples/` by the build; the app fetches
//   `./examples/index.json` relative to the page.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { configDefaults } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));
const examplesDir = join(here, 'pkg', 'examples');

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? filesUnder(path).map((f) => `${name}/${f}`)
      : [name];
  });
}

const types: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
};

/** Serves `pkg/examples/` as `examples/` in development and emits it into the build. */
function exampleLibrary(): Plugin {
  return {
    name: 'flowdrill-examples',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0] ?? '';
        const prefix = '/examples/';
        if (!url.startsWith(prefix)) return next();
        const rel = normalize(decodeURIComponent(url.slice(prefix.length)));
        const path = join(examplesDir, rel);
        if (rel.startsWith('..') || !path.startsWith(examplesDir + sep)) return next();
        let body: Buffer;
        try {
          body = readFileSync(path);
        } catch {
          return next();
        }
        res.setHeader('Content-Type', types[extname(path)] ?? 'application/octet-stream');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(body);
      });
    },
    generateBundle() {
      const files = filesUnder(examplesDir);
      if (files.length === 0) {
        this.warn(
          `no example library in ${relative(here, examplesDir)}/; run \`cargo xtask wasm\``,
        );
      }
      for (const file of files) {
        this.emitFile({
          type: 'asset',
          fileName: `examples/${file}`,
          source: readFileSync(join(examplesDir, file)),
        });
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [exampleLibrary()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: {
    format: 'es',
  },
  server: {
    host: '127.0.0.1',
    port: 8080,
    strictPort: true,
  },
  preview: {
    host: '127.0.0.1',
    port: 8080,
    strictPort: true,
  },
  test: {
    // Unit tests run in Node against the built package in `pkg/`; the browser tests
    // (`tests/browser/`) have their own runner (`npm run test:browser`).
    environment: 'node',
    exclude: [...configDefaults.exclude, 'tests/browser/**', 'dist/**', 'pkg/**'],
  },
});
