// The control API of `cohort cluster up` (HTTP/JSON on 127.0.0.1), used by `cohort cluster
// status|kill|restart|partition|heal|faults|down`:
//   GET /status   POST /kill?node=N   POST /restart?node=N   POST /faults (a plan's text)
//   POST /heal    POST /down
// The plan is re-parsed here; the client parsed it first to answer bad input with exit 2.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCluster } from '../../runtime/launcher/local-cluster.js';
import { parseFaultPlan } from '../../sim/fault-plan.js';
import type { ChaosController } from './chaos-plan.js';

export interface ControlOptions {
  readonly cluster: LocalCluster;
  readonly chaos: ChaosController | undefined;
  readonly status: () => Promise<unknown>;
  readonly down: () => void;
  readonly report: (line: string) => void;
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function route(o: ControlOptions, req: http.IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const node = Number(url.searchParams.get('node'));
  const path = `${req.method} ${url.pathname}`;
  if (path === 'GET /status') return [200, await o.status()];
  if ((path === 'POST /kill' || path === 'POST /restart') && !o.cluster.ids.includes(node)) {
    return [400, { error: `no node ${url.searchParams.get('node')}` }];
  }
  if (path === 'POST /kill') {
    const exit = await o.cluster.kill(node);
    if (exit === undefined) return [409, { error: `node ${node} is not running` }];
    return [200, { node, exit }];
  }
  if (path === 'POST /restart') {
    const up = o.cluster.status().find((s) => s.id === node)?.up === true;
    if (up) return [409, { error: `node ${node} is running; kill it first` }];
    const ready = await o.cluster.restart(node);
    o.report(`node ${node} restarted: pid ${ready.pid}`);
    return [200, ready];
  }
  if (path === 'POST /faults' || path === 'POST /heal') {
    if (o.chaos === undefined) return [409, { error: 'this cluster runs without the chaos layer' }];
    if (path === 'POST /heal') o.chaos.reset();
    else o.chaos.apply(parseFaultPlan(await body(req), o.cluster.ids.length));
    return [200, { ok: true }];
  }
  if (path === 'POST /down') {
    setImmediate(o.down);
    return [200, { ok: true }];
  }
  return [404, { error: `no route ${path}` }];
}

export async function startControlServer(
  o: ControlOptions,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    route(o, req)
      .catch((error: Error): [number, unknown] => [400, { error: error.message }])
      .then(([code, payload]) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}
