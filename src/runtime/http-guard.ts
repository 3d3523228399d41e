// The guard in front of Cohort's local HTTP/JSON APIs (a node's client API, the launcher's
// control API). Both listen on 127.0.0.1 only; the guard makes them safe from the other
// programs on the machine, browsers included. Checked in this order, each refusal a JSON
// `{"error": reason}`:
//   403  the Host header does not name a loopback host (a page whose DNS name was rebound to
//        127.0.0.1 sends its own name: DNS-rebinding guard)
//   401  no `Authorization: Bearer <token>` with the right token (compared in constant time)
//   404  no such route; 405 a route without that method
//   415  a POST whose Content-Type is not application/json (a browser's cross-site "simple"
//        request can only send text/plain and form types; JSON needs a preflight we refuse)
//   413  a body over the limit; 400 a body that is not JSON
// A refusal is sent after the request's body has been read and discarded (up to a bound),
// so the client reads the status instead of a connection reset; past the bound the reply
// is still written first, then the connection is closed.
//
// Fault model: clients are untrusted. Memory per request is bounded by the body limit, time
// by the server's header and request timeouts; a handler that throws gets a 500 with its
// message and the process stays up.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMatches } from './api-token.js';

export type JsonReply = readonly [code: number, payload: unknown];
export type JsonMethod = 'GET' | 'POST';
/** `body` is the parsed JSON body of a POST (undefined when empty) and of nothing else. */
export type JsonHandler = (request: {
  readonly url: URL;
  readonly body: unknown;
}) => JsonReply | Promise<JsonReply>;
/** path → method → handler (a Map: request paths never reach an object's prototype). */
export type JsonRoutes = ReadonlyMap<string, Partial<Record<JsonMethod, JsonHandler>>>;

export interface GuardedServerOptions {
  /** The bearer token every request must carry. */
  readonly token: string;
  readonly maxBodyBytes: number;
  readonly routes: JsonRoutes;
  /** Reply bodies (default JSON.stringify). */
  readonly serialize?: (value: unknown) => string;
  /** Maps a handler's exception to a reply (default 500 with its message). */
  readonly onError?: (error: Error) => JsonReply;
}

/** How much of a refused request's body is read and discarded before replying. */
export const DRAIN_LIMIT_BYTES = 16 << 20;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** 127.0.0.0/8, ::1 or localhost: names that cannot leave the machine. */
export function isLoopbackHost(name: string): boolean {
  const host = name.toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m?.slice(1).every((octet) => Number(octet) <= 255) === true;
}

/** A Host header's name (without port and IPv6 brackets) is a loopback host. */
export function hostHeaderIsLoopback(header: string | undefined): boolean {
  if (header === undefined) return false;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  return m !== null && isLoopbackHost((m[1] ?? m[2]) as string);
}

/** Reads and discards a body; false when it went past `limit` (reading stopped). */
function drain(req: http.IncomingMessage, limit: number): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve(false);
      }
    });
    req.on('end', () => resolve(true));
    req.on('error', () => resolve(false));
  });
}

type Body =
  | { readonly kind: 'ok'; readonly text: string }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'aborted' };

/** The body when it fits in `max` bytes; past that the rest is drained (up to the bound). */
function readBody(req: http.IncomingMessage, max: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      void drain(req, DRAIN_LIMIT_BYTES).then(() => resolve({ kind: 'too-large' }));
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= max) resolve({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => resolve({ kind: 'aborted' }));
  });
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

interface Answer {
  readonly code: number;
  readonly payload: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

function refuse(code: number, error: string, headers?: Record<string, string>): Answer {
  return { code, payload: { error }, ...(headers !== undefined && { headers }) };
}

/** The first check the request fails, or the handler to run. */
function check(o: GuardedServerOptions, req: http.IncomingMessage, url: URL): Answer | JsonHandler {
  if (!hostHeaderIsLoopback(req.headers.host)) {
    const host = req.headers.host ?? '';
    return refuse(403, `Host '${host}' is not a loopback name (127.0.0.1, localhost, [::1])`);
  }
  if (!bearerMatches(req.headers.authorization, o.token)) {
    return refuse(401, 'missing or wrong token (Authorization: Bearer <token>)', {
      'www-authenticate': 'Bearer',
    });
  }
  const methods = o.routes.get(url.pathname);
  if (methods === undefined) return refuse(404, `no route ${url.pathname}`);
  const method = req.method ?? '';
  const handler = Object.hasOwn(methods, method) ? methods[method as JsonMethod] : undefined;
  if (handler === undefined) {
    const allow = Object.keys(methods).join(', ');
    return refuse(405, `${url.pathname} takes ${allow}, not ${method}`, { allow });
  }
  if (method === 'POST' && !isJson(req.headers['content-type'])) {
    return refuse(415, 'the body must be JSON (Content-Type: application/json)');
  }
  return handler;
}

async function handle(o: GuardedServerOptions, req: http.IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const checked = check(o, req, url);
  if (typeof checked !== 'function') {
    // Before authentication only a small body is read for the refusal's sake.
    const authenticated = checked.code !== 403 && checked.code !== 401;
    await drain(req, authenticated ? DRAIN_LIMIT_BYTES : o.maxBodyBytes);
    return checked;
  }
  let body: unknown;
  if (req.method === 'POST') {
    const read = await readBody(req, o.maxBodyBytes);
    if (read.kind === 'too-large') return refuse(413, `the body is over ${o.maxBodyBytes} bytes`);
    if (read.kind === 'aborted') return refuse(400, 'the body could not be read');
    try {
      body = read.text === '' ? undefined : JSON.parse(read.text);
    } catch {
      return refuse(400, 'the body is not JSON');
    }
  } else await drain(req, o.maxBodyBytes);
  let reply: JsonReply;
  try {
    reply = await checked({ url, body });
  } catch (error) {
    reply = (o.onError ?? ((e: Error): JsonReply => [500, { error: e.message }]))(error as Error);
  }
  return { code: reply[0], payload: reply[1] };
}

function send(res: http.ServerResponse, answer: Answer, text: string, close: boolean): void {
  res.writeHead(answer.code, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // A body not read to its end cannot be followed by another request.
    ...(close && { connection: 'close' }),
    ...answer.headers,
  });
  res.end(text);
}

/** An HTTP server answering `routes` behind the guard; listen with `listenOnLoopback`. */
export function createGuardedServer(o: GuardedServerOptions): http.Server {
  const serialize = o.serialize ?? ((v: unknown) => JSON.stringify(v));
  const server = http.createServer((req, res) => {
    void handle(o, req).then((answer) => {
      let text: string;
      try {
        text = serialize(answer.payload);
      } catch (error) {
        answer = { code: 500, payload: undefined };
        text = JSON.stringify({ error: `reply not serializable: ${(error as Error).message}` });
      }
      send(res, answer, text, !req.readableEnded);
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  return server;
}

/** Listens on 127.0.0.1 (never beyond it); resolves with the port. */
export async function listenOnLoopback(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
