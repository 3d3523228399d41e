// `cohort lab [--port 4680]`: serves the Lab (the page built from web/ into dist/web) on
// 127.0.0.1 and prints its URL. The page runs the simulator itself; this server only hands
// out files, so it needs no network beyond the loopback.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './usage-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** dist/web, found from this module whether it runs compiled (dist/src/cli) or from src/cli. */
export function labAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'web'), join(here, '..', '..', 'dist', 'web')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined)
    throw new UsageError('the Lab is not built: run `npm run build:web` (npm start does it)');
  return found;
}

export function labCommand(flags: { port?: string; host?: string }): Promise<number> {
  const port = Number(flags.port ?? 4680);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer 0..65535, not '${flags.port}'`);
  const root = labAssetsDir();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://lab').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) && file !== join(root, 'index.html')) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'),
    );
  });
  return new Promise((resolve) => {
    server.on('error', (e) => {
      process.stderr.write(`cohort: lab: ${e.message}\n`);
      resolve(2);
    });
    server.listen(port, flags.host ?? '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      process.stdout.write(`Cohort Lab: http://127.0.0.1:${actual}/  (Ctrl-C to stop)\n`);
    });
  });
}
