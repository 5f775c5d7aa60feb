// A small static file server over www/dist for the browser tests (the same files
// `vite preview` would serve), with the MIME types the app needs.
//
// `/api/health` answers 204 No Content: this is not `flowdrill serve`, so the Drill view
// offers no team drill (and the browser logs no failed request, which the tests count as
// an error).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A request handler serving the files under `root`. */
export function staticFiles(root, host = '127.0.0.1') {
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${host}`);
      if (url.pathname === '/api/health') {
        res.writeHead(204, { 'Cache-Control': 'no-cache' }).end();
        return;
      }
      let rel = normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const path = join(root, rel);
      if (!path.startsWith(root + sep) && path !== root) {
        res.writeHead(403).end();
        return;
      }
      const s = await stat(path).catch(() => null);
      if (!s || !s.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e));
    }
  };
}

export function serve(root, { host = '127.0.0.1', port = 8080 } = {}) {
  const server = createServer(staticFiles(root, host));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
