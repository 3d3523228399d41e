// consensus/raft across real processes: client sessions expire (dissertation §6.3; issue 14
// item 10). With room for one session, two clients writing in turn evict each other: each
// one's next command is answered session-expired (not applied again, since it could be a
// retry), the client records that operation as indeterminate and goes on under a new
// session, and the history stays linearizable.
// Outcomes only: the limits turn a hang into a failure, they measure nothing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../src/runtime/launcher/local-cluster.js';
import { checkLinearizability } from '../src/sim/linearizability/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { KvClient } from './support/kv-client.js';

const clusters: LocalCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

describe('consensus/raft across real processes: sessions', () => {
  it('clients whose sessions were evicted start new ones and stay linearizable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-raft-sessions-'));
    const cluster = new LocalCluster({
      algorithm: 'consensus/raft',
      nodes: 3,
      dataDir: dir,
      clusterId: `test-${path.basename(dir)}`,
      cohort: COHORT_ARGV,
      nodeArgs: ['--option', 'maxSessions=1'],
    });
    clusters.push(cluster);
    await cluster.start();
    const clients = [new KvClient(cluster, 401), new KvClient(cluster, 402)];
    for (let i = 0; i < 8; i++) {
      for (const [c, client] of clients.entries())
        await client.run({ type: 'put', key: 'x', value: `${c}.${i}` });
    }
    const events = clients.flatMap((c) => c.events);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    // Every second command of each client finds its session evicted by the other's.
    expect(count('info')).toBeGreaterThan(4);
    expect(count('ok')).toBeGreaterThan(4);
    const reader = new KvClient(cluster, 499);
    expect((await reader.run({ type: 'get', key: 'x' }))?.ok).toBe(true);
    const history = [...events, ...reader.events].sort((a, b) => a.time - b.time);
    expect(checkLinearizability(history, 'kv').linearizable).toBe(true);
  }, 120_000);
});
