// The control API of `cohort cluster up`, used by `cohort cluster status|kill|restart|
// partition|heal|faults|down`:
//   GET /status   POST /kill?node=N   POST /restart?node=N   POST /heal   POST /down
//   POST /faults  body {"plan": "<a fault plan in the simulator's syntax>"}
// Exposure: HTTP/JSON on 127.0.0.1 only, behind runtime/http-guard.ts: a loopback Host
// header, `Authorization: Bearer <token>` with the token of `<data-dir>/control.token`
// (0600, new at every `up`; state-file.ts), JSON bodies (every POST says
// application/json), at most MAX_CONTROL_BODY_BYTES. The plan is re-parsed here; the
// client parsed it first to answer bad input with exit 2. A restarted node that dies
// before it is ready is a 500 naming its log, so the client exits 1.

import type http from 'node:http';
import {
  createGuardedServer,
  type JsonHandler,
  type JsonMethod,
  type JsonReply,
  listenOnLoopback,
} from '../../runtime/http-guard.js';
import type { LocalCluster } from '../../runtime/launcher/local-cluster.js';
import { FaultPlanError, parseFaultPlan } from '../../sim/fault-plan.js';
import { UsageError } from '../usage-error.js';
import type { ChaosController } from './chaos-plan.js';

/** A fault plan is a line or a few; nothing the control API takes is larger. */
export const MAX_CONTROL_BODY_BYTES = 64 << 10;

export interface ControlOptions {
  readonly cluster: LocalCluster;
  readonly chaos: ChaosController | undefined;
  readonly token: string;
  readonly status: () => Promise<unknown>;
  readonly down: () => void;
  readonly report: (line: string) => void;
}

function nodeOf(o: ControlOptions, url: URL): number | JsonReply {
  const node = Number(url.searchParams.get('node'));
  if (!o.cluster.ids.includes(node))
    return [400, { error: `no node ${url.searchParams.get('node')}` }];
  return node;
}

async function kill(o: ControlOptions, url: URL): Promise<JsonReply> {
  const node = nodeOf(o, url);
  if (typeof node !== 'number') return node;
  const exit = await o.cluster.kill(node);
  if (exit === undefined) return [409, { error: `node ${node} is not running` }];
  return [200, { node, exit }];
}

async function restart(o: ControlOptions, url: URL): Promise<JsonReply> {
  const node = nodeOf(o, url);
  if (typeof node !== 'number') return node;
  const up = o.cluster.status().find((s) => s.id === node)?.up === true;
  if (up) return [409, { error: `node ${node} is running; kill it first` }];
  try {
    const ready = await o.cluster.restart(node);
    o.report(`node ${node} restarted: pid ${ready.pid}`);
    return [200, ready];
  } catch (error) {
    // NodeProcess.ready rejects when the node exits first; its message names the log.
    return [500, { error: `node ${node} did not start: ${(error as Error).message}` }];
  }
}

function faults(o: ControlOptions, body: unknown): JsonReply {
  const plan = (body as { plan?: unknown } | undefined)?.plan;
  if (typeof plan !== 'string') return [400, { error: 'the body must be {"plan": "…"}' }];
  if (o.chaos === undefined) return [409, { error: 'this cluster runs without the chaos layer' }];
  o.chaos.apply(parseFaultPlan(plan, o.cluster.ids.length));
  return [200, { ok: true }];
}

function routes(o: ControlOptions): Map<string, Partial<Record<JsonMethod, JsonHandler>>> {
  return new Map<string, Partial<Record<JsonMethod, JsonHandler>>>([
    ['/status', { GET: async (): Promise<JsonReply> => [200, await o.status()] }],
    ['/kill', { POST: ({ url }) => kill(o, url) }],
    ['/restart', { POST: ({ url }) => restart(o, url) }],
    ['/faults', { POST: ({ body }) => faults(o, body) }],
    [
      '/heal',
      {
        POST: (): JsonReply => {
          if (o.chaos === undefined)
            return [409, { error: 'this cluster runs without the chaos layer' }];
          o.chaos.reset();
          return [200, { ok: true }];
        },
      },
    ],
    [
      '/down',
      {
        POST: (): JsonReply => {
          setImmediate(o.down);
          return [200, { ok: true }];
        },
      },
    ],
  ]);
}

export async function startControlServer(
  o: ControlOptions,
): Promise<{ server: http.Server; port: number }> {
  const server = createGuardedServer({
    token: o.token,
    maxBodyBytes: MAX_CONTROL_BODY_BYTES,
    routes: routes(o),
    onError: (error) =>
      error instanceof FaultPlanError || error instanceof UsageError
        ? [400, { error: error.message }]
        : [500, { error: error.message }],
  });
  return { server, port: await listenOnLoopback(server, 0) };
}
