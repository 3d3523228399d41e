// The node's local client API: HTTP/JSON on 127.0.0.1, so tests, the CLI and curl can
// drive a node and read what it reports.
//   POST /command         body: one JSON command, handed to the process's onCommand
//   GET  /outputs?after=N the node's outputs with seq > N (bounded history), and `last`
//   GET  /status          id, algorithm, pid, step and sync counters, transport queues
//   GET  /state           the process's state as JSON (Maps and Sets as arrays)
//
// Fault model: it listens on loopback only; a malformed request gets a 4xx with a reason
// and changes nothing. Bodies are bounded (MAX_BODY_BYTES).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeHost } from './host.js';

export const MAX_BODY_BYTES = 1 << 20;

export interface ClientApiOptions {
  readonly host: NodeHost;
  readonly port: number;
  /** Extra fields of GET /status (algorithm, transport stats, …). */
  readonly status: () => Record<string, unknown>;
}

/** JSON for state that holds Maps, Sets and bigints. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return [...v.entries()];
    if (v instanceof Set) return [...v.values()];
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

function reply(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(toJson(body));
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

async function handle(o: ClientApiOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /status') {
    return reply(res, 200, { ...o.status(), pid: process.pid, counters: o.host.counters });
  }
  if (route === 'GET /state') return reply(res, 200, { state: o.host.state });
  if (route === 'GET /outputs') {
    const after = Number(url.searchParams.get('after') ?? '0');
    if (!Number.isSafeInteger(after)) return reply(res, 400, { error: 'after must be an integer' });
    return reply(res, 200, { outputs: o.host.outputs.since(after), last: o.host.outputs.last });
  }
  if (route === 'POST /command') {
    const body = await readBody(req);
    if (body === undefined) return reply(res, 413, { error: 'body too large' });
    let command: unknown;
    try {
      command = JSON.parse(body);
    } catch {
      return reply(res, 400, { error: 'body is not JSON' });
    }
    if (!o.host.command(command))
      return reply(res, 409, { error: 'this algorithm takes no commands' });
    return reply(res, 202, { ok: true });
  }
  return reply(res, 404, { error: `no route ${route}` });
}

/** Starts the API; resolves with the server and its port. */
export async function startClientApi(
  o: ClientApiOptions,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    handle(o, req, res).catch((error: Error) => reply(res, 500, { error: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
