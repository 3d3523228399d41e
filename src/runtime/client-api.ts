// The node's local client API: HTTP/JSON on 127.0.0.1 only (never another interface,
// whatever --peers says), so tests, the CLI and curl can drive a node and read what it
// reports. Every request is authenticated: `Authorization: Bearer <token>`, the token
// being in the node's `api.token` file (mode 0600; see api-token.ts).
//   POST /command         body: one JSON command; the algorithm's `parseCommand` checks it
//                         (400 with its reason), then `onCommand` runs it (202). 409 when
//                         the algorithm takes no commands (no `parseCommand`).
//   GET  /outputs?after=N the node's outputs with seq > N (bounded history), and `last`
//   GET  /status          id, algorithm, pid, step and sync counters, transport queues
//   GET  /state           the process's state as JSON (Maps and Sets as arrays)
//
// Fault model: callers are untrusted local programs (browsers included): http-guard.ts
// checks Host, token, route, method, content type and body size first. A refused request
// gets a 4xx with a reason and changes nothing; commands reach the process only once
// parsed.

import type http from 'node:http';
import type { AnyAlgorithm } from '../core/algorithm.js';
import type { NodeHost } from './host.js';
import {
  createGuardedServer,
  type JsonHandler,
  type JsonMethod,
  type JsonReply,
  listenOnLoopback,
} from './http-guard.js';

export const MAX_BODY_BYTES = 1 << 20;

export interface ClientApiOptions {
  readonly host: NodeHost;
  readonly algorithm: AnyAlgorithm;
  readonly port: number;
  /** The bearer token every request must carry. */
  readonly token: string;
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

function command(o: ClientApiOptions, body: unknown): JsonReply {
  const parse = o.algorithm.parseCommand;
  if (parse === undefined || o.host.process.onCommand === undefined) {
    return [409, { error: `${o.algorithm.name} takes no commands` }];
  }
  const parsed = parse.call(o.algorithm, body);
  if (!parsed.ok) return [400, { error: `bad command: ${parsed.reason}` }];
  o.host.command(parsed.command);
  return [202, { ok: true }];
}

/** Starts the API on 127.0.0.1; resolves with the server and its port. */
export async function startClientApi(
  o: ClientApiOptions,
): Promise<{ server: http.Server; port: number }> {
  const server = createGuardedServer({
    token: o.token,
    maxBodyBytes: MAX_BODY_BYTES,
    serialize: toJson,
    routes: new Map<string, Partial<Record<JsonMethod, JsonHandler>>>([
      [
        '/status',
        {
          GET: (): JsonReply => [
            200,
            { ...o.status(), pid: process.pid, counters: o.host.counters },
          ],
        },
      ],
      ['/state', { GET: (): JsonReply => [200, { state: o.host.state }] }],
      [
        '/outputs',
        {
          GET: ({ url }): JsonReply => {
            const after = Number(url.searchParams.get('after') ?? '0');
            if (!Number.isSafeInteger(after)) return [400, { error: 'after must be an integer' }];
            return [200, { outputs: o.host.outputs.since(after), last: o.host.outputs.last }];
          },
        },
      ],
      ['/command', { POST: ({ body }): JsonReply => command(o, body) }],
    ]),
  });
  return { server, port: await listenOnLoopback(server, o.port) };
}
