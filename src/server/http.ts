// The HTTP side of the client port, as etcd serves it: `/health` (200 {"health":"true"}
// when no alarm is raised — except those named by `?exclude=NOSPACE` — a leader is known and
// a linearizable read succeeds within a second, else 503 {"health":"false"}), `/version`, and `/metrics` in Prometheus' text format (prom-client:
// the process's default metrics and etcd's names for the server's own).
//
// Fault model: anyone who reaches the port may ask; nothing here changes state, and
// request bodies are never read.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { EtcdServer } from './etcd-server.js';
import { ETCD_API_VERSION, ETCD_CLUSTER_VERSION } from './version.js';

export function metricsRegistry(server: EtcdServer): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
  gauge('etcd_server_has_leader', 'Whether a leader exists (1) or not (0).', () =>
    server.leaderId() === 0n ? 0 : 1,
  );
  gauge('etcd_server_is_leader', 'Whether this member is the leader.', () =>
    server.raft.role === 'leader' ? 1 : 0,
  );
  gauge(
    'etcd_server_proposals_committed_total',
    'The committed Raft index.',
    () => server.raft.commitIndex,
  );
  gauge(
    'etcd_server_proposals_applied_total',
    'The applied Raft index.',
    () => server.raft.lastApplied,
  );
  gauge('etcd_server_proposals_pending', 'Proposals in flight or queued.', () => {
    const load = server.member.proposals.load;
    return load.inFlight + load.queued;
  });
  gauge(
    'etcd_debugging_mvcc_current_revision',
    'The current revision of the store.',
    () => server.machine.mvcc.revision,
  );
  return registry;
}

export function httpHandler(server: EtcdServer, registry: Registry) {
  const json = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://client-port');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return json(res, 405, { message: 'Method Not Allowed' });
    if (path === '/version')
      return json(res, 200, { etcdserver: ETCD_API_VERSION, etcdcluster: ETCD_CLUSTER_VERSION });
    if (path === '/health') {
      const excluded = url.searchParams.getAll('exclude');
      const alarmed = server.machine.cluster.get('NONE').some((a) => !excluded.includes(a.alarm));
      if (alarmed || server.leaderId() === 0n) return json(res, 503, { health: 'false' });
      const read = server.read({ type: 'range', request: { key: Buffer.from('health') } }, false);
      const timeout = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('timeout')), 1000).unref(),
      );
      Promise.race([read, timeout]).then(
        () => json(res, 200, { health: 'true' }),
        () => json(res, 503, { health: 'false' }),
      );
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        () => json(res, 500, { message: 'metrics failed' }),
      );
      return;
    }
    json(res, 404, { message: '404 page not found' });
  };
}
