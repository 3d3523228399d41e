// A small HTTP load balancer for sticky sessions (notes 003, "Session Stick": the balancer
// forwards every request of a session to the same server, by its session id). Requests with
// a session cookie go to the server owning the id on the consistent-hash ring
// (sticky-ring.ts); requests without one go round robin. A server that refuses connections
// is taken out of the ring and the request is sent to the id's new owner — which does not
// know the session: with memory sessions, a dead server's sessions are lost, and only
// those (the ring moves no other session). Down servers are probed and put back.
//
// Fault model: clients are untrusted — the body is read up to `maxBodyBytes` (413 beyond),
// a malformed cookie is "no session" (round robin), never an exception. Backends die:
// a refused connection (the request never reached the server) is retried on the next owner;
// a connection that fails after the request was sent is a 502 (the server may have acted on
// it, so it is not replayed), and the server is marked down until a probe reaches it.

import http from 'node:http';
import net from 'node:net';
import type { Ring } from '../../cluster/partition/index.js';
import { readCookie } from '../cookie.js';
import { InvalidSessionArgument } from '../errors.js';
import { DEFAULT_COOKIE_NAME } from '../manager.js';
import { isSessionId } from '../session-id.js';
import { stickyRing } from './sticky-ring.js';

export interface Backend {
  readonly name: string;
  /** e.g. http://127.0.0.1:8081 */
  readonly url: string;
}

export interface StickyBalancerOptions {
  readonly backends: readonly Backend[];
  readonly cookieName?: string;
  readonly maxBodyBytes?: number;
  readonly probeIntervalMs?: number;
  readonly requestTimeoutMs?: number;
}

/** The header naming the server that answered (for operators and tests). */
export const BACKEND_HEADER = 'x-cohort-backend';
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

export class StickyBalancer {
  private readonly backends: ReadonlyMap<string, URL>;
  private readonly cookieName: string;
  private readonly maxBodyBytes: number;
  private readonly timeoutMs: number;
  private readonly down = new Set<string>();
  private ring: Ring | undefined;
  private next = 0;
  private server: http.Server | undefined;
  private readonly probe: NodeJS.Timeout;

  constructor(options: StickyBalancerOptions) {
    if (options.backends.length === 0)
      throw new InvalidSessionArgument('the balancer needs backends');
    this.backends = new Map(options.backends.map((b) => [b.name, new URL(b.url)]));
    this.cookieName = options.cookieName ?? DEFAULT_COOKIE_NAME;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.rebuild(); // Validates the names (PartitionError for empty or duplicate ones).
    this.probe = setInterval(() => this.probeDown(), options.probeIntervalMs ?? 1_000);
    this.probe.unref();
  }

  /** The servers in the ring now. */
  alive(): string[] {
    return [...this.backends.keys()].filter((name) => !this.down.has(name));
  }

  /** The server a request with this Cookie header goes to now (round robin advances). */
  route(cookieHeader: string | string[] | undefined): string | undefined {
    const id = readCookie(cookieHeader, this.cookieName);
    if (this.ring === undefined) return undefined;
    if (isSessionId(id)) return this.ring.nodeFor(id);
    const alive = this.alive();
    return alive[this.next++ % alive.length];
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    clearInterval(this.probe);
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private rebuild(): void {
    const alive = this.alive();
    this.ring = alive.length === 0 ? undefined : stickyRing(alive);
  }

  private markDown(name: string): void {
    if (this.down.has(name)) return;
    this.down.add(name);
    this.rebuild();
  }

  private probeDown(): void {
    for (const name of this.down) {
      const url = this.backends.get(name) as URL;
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      socket.setTimeout(this.timeoutMs, () => socket.destroy());
      socket.on('error', () => socket.destroy());
      socket.on('connect', () => {
        socket.destroy();
        if (this.down.delete(name)) this.rebuild();
      });
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, this.maxBodyBytes).catch(() => undefined);
    if (body === undefined) {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    // Each refused server leaves the ring, so every server is tried at most once.
    for (let attempt = 0; attempt < this.backends.size; attempt++) {
      const target = this.route(req.headers.cookie);
      if (target === undefined) break;
      const outcome = await this.forward(target, req, body, res);
      if (outcome !== 'refused') return;
      this.markDown(target);
    }
    if (!res.headersSent) res.writeHead(502).end('no server available\n');
  }

  /** 'refused': the server could not be reached (nothing was sent; try another). */
  private forward(
    target: string,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): Promise<'done' | 'refused'> {
    const url = this.backends.get(target) as URL;
    const headers = endToEnd(req.headers);
    headers['content-length'] = body.length;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    return new Promise((resolve) => {
      const out = http.request(url, {
        method: req.method,
        path: req.url,
        headers,
        timeout: this.timeoutMs,
      });
      out.on('timeout', () => out.destroy(new Error('timeout')));
      out.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') return resolve('refused');
        this.markDown(target);
        if (!res.headersSent) res.writeHead(502).end('the server failed\n');
        else res.destroy();
        resolve('done');
      });
      out.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...endToEnd(answer.headers),
          [BACKEND_HEADER]: target,
        });
        answer.pipe(res);
        answer.on('end', () => resolve('done'));
        answer.on('error', () => {
          res.destroy();
          resolve('done');
        });
      });
      out.end(body);
    });
  }
}
