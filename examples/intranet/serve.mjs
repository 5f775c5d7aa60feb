#!/usr/bin/env node
// Serves the intranet example the way an intranet would host it: this folder's page, the
// built widget (www/dist-widget/) and the example workflows (examples/workflows/) all as one
// folder. Nothing is copied: each request is looked up in the three folders in turn.
//
//   cd www && npm run build:widget && cd ..
//   node examples/intranet/serve.mjs            # http://127.0.0.1:8090/
//   node examples/intranet/serve.mjs 9000       # another port
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)));
const repo = join(here, '..', '..');
const ROOTS = [here, join(repo, 'www', 'dist-widget'), join(repo, 'examples', 'workflows')];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};
const host = '127.0.0.1';
const port = Number(process.argv[2] ?? 8090);

async function find(rel) {
  for (const root of ROOTS) {
    const path = join(root, rel);
    if (!path.startsWith(root + sep)) continue;
    const s = await stat(path).catch(() => null);
    if (s?.isFile()) return path;
  }
  return null;
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://${host}`);
  let rel = normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const path = await find(rel);
  if (!path) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  res.end(await readFile(path));
}).listen(port, host, () => {
  console.log(`The intranet example: http://${host}:${port}/ (Ctrl+C to stop)`);
});
