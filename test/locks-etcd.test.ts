// The lock conformance suite (test/support/lock-conformance.ts) against the etcd backend
// (src/locks/etcd.ts) on every server that speaks etcd's v3 API (test/support/api-servers.ts):
// a real etcd 3.4 and Cohort's own server, one member each; the restart test stops and starts
// that member under the clients.
//
// Fault model: a member restarted mid-test; holders SIGKILLed; leases left to expire.

import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { EtcdLockBackend } from '../src/locks/etcd.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { runLockConformance } from './support/lock-conformance.js';

const MODULE = path.resolve(import.meta.dirname, '../src/locks/etcd.ts');

describe.each(API_SERVERS)('etcd lock backend on $kind', ({ kind, start }) => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await start({ members: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  runLockConformance({
    name: `etcd backend on ${kind}`,
    create: () => EtcdLockBackend.connect({ endpoints: server.endpoints }),
    worker: () => ({ module: MODULE, options: { endpoints: server.endpoints } }),
    restart: () => server.restartMember(0),
  });
});
