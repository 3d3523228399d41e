// Issue 14: mutual TLS between real `cohort node` processes. A 3-node consensus/raft
// LocalCluster whose nodes authenticate with certificates from one test CA (makeTestPki,
// openssl at test time), with a chaos proxy on every link relaying the TLS bytes. It elects
// a leader and commits; a SIGKILLed node restarts and catches up over TLS. Two attackers
// that can reach every port are refused: one whose certificate another CA signed (the TLS
// handshake fails), and one holding a valid certificate of the cluster's CA that names a
// different node than its hello claims. Both refusals are counted in GET /status. Deadlines
// (`until`) only turn a hang into a failure.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer } from '../src/runtime/api-token.js';
import { LocalCluster, type PeerTlsFiles } from '../src/runtime/launcher/local-cluster.js';
import { makeTestPki, type TestPki } from '../src/runtime/testing/certs.js';
import { until } from '../src/runtime/testing/wait.js';
import { encodeFrame } from '../src/runtime/transport/frame.js';
import { freshNonce, PROTOCOL_VERSION } from '../src/runtime/transport/handshake.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { KvClient } from './support/kv-client.js';
import { leaderOf, raftStateOf } from './support/raft-state.js';

const clusters: LocalCluster[] = [];
const sockets: tls.TLSSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

/** Certificates for nodes 1..n from one CA, as LocalCluster's peerTls wants them. */
function nodeCertificates(pki: TestPki, n: number): PeerTlsFiles {
  const issued = Array.from({ length: n }, (_, i) => pki.issue(`node-${i + 1}`));
  const of = (id: number) => issued[id - 1] as (typeof issued)[number];
  return {
    caFile: path.join(pki.dir, 'ca.crt'),
    certFile: (id) => of(id).certFile,
    keyFile: (id) => of(id).keyFile,
  };
}

async function rejectedBy(cluster: LocalCluster, id: number): Promise<Record<string, number>> {
  try {
    const res = await fetch(`http://127.0.0.1:${cluster.apiPort(id)}/status`, {
      headers: bearer(cluster.apiToken(id)),
    });
    const status = (await res.json()) as { transport: { rejectedBy: Record<string, number> } };
    return status.transport.rejectedBy;
  } catch {
    return {};
  }
}

/**
 * Dials node `to` over TLS with `cert` (this attacker does not check the node's certificate)
 * and, once the TLS handshake completes on its side, says hello as node `from`. Resolves
 * when the node closes the connection, with the bytes the node sent (a welcome, if any).
 */
function intrude(
  cluster: LocalCluster,
  cert: { cert: Buffer; key: Buffer },
  from: number,
  to: number,
): Promise<number> {
  return new Promise((resolve) => {
    let heard = 0;
    const socket = tls.connect(
      { host: '127.0.0.1', port: cluster.port(to), ...cert, rejectUnauthorized: false },
      () => {
        const hello = { kind: 'hello', protocol: PROTOCOL_VERSION, from, to, nonce: freshNonce() };
        socket.write(encodeFrame({ ...hello, cluster: cluster.o.clusterId }));
      },
    );
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      heard += chunk.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(heard));
  });
}

describe('a consensus/raft cluster of real processes over mutual TLS', () => {
  it('commits through the proxies, catches up after SIGKILL, refuses wrong certificates', async () => {
    const pki = makeTestPki();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-tls-'));
    const cluster = new LocalCluster({
      algorithm: 'consensus/raft',
      nodes: 3,
      dataDir: dir,
      clusterId: `test-${path.basename(dir)}`,
      cohort: COHORT_ARGV,
      chaos: true,
      peerTls: nodeCertificates(pki, 3),
    });
    clusters.push(cluster);
    await cluster.start();
    expect(fs.existsSync(cluster.secretFile)).toBe(false);
    const leader = await leaderOf(cluster);
    const client = new KvClient(cluster, 401);
    for (let i = 0; i < 5; i++) {
      expect((await client.run({ type: 'put', key: `k${i}`, value: `v${i}` }))?.ok).toBe(true);
    }
    expect((await client.run({ type: 'get', key: 'k3' }))?.value).toBe('v3');
    // Every byte between the nodes went through the proxies.
    expect([...cluster.proxies.values()].some((p) => p.counters.forwarded > 0)).toBe(true);

    // A follower crashes, misses writes, restarts and catches up over TLS.
    const victim = cluster.ids.find((id) => id !== leader) as number;
    await cluster.kill(victim);
    for (let i = 0; i < 5; i++) {
      expect((await client.run({ type: 'put', key: 'late', value: `w${i}` }))?.ok).toBe(true);
    }
    const target = (await raftStateOf(cluster, leader))?.commitIndex as number;
    await cluster.restart(victim);
    await until(
      async () => ((await raftStateOf(cluster, victim))?.commitIndex ?? 0) >= target,
      `node ${victim} caught up to ${target}`,
    );
    expect((await client.run({ type: 'get', key: 'late' }))?.value).toBe('w4');

    // Attackers on the peer ports, both claiming to be the leader.
    const to = cluster.ids.find((id) => id !== leader && id !== victim) as number;
    const before = await rejectedBy(cluster, to);
    const count = async (reason: string) =>
      ((await rejectedBy(cluster, to))[reason] ?? 0) - (before[reason] ?? 0);
    const foreign = makeTestPki().issue(`node-${leader}`);
    expect(await intrude(cluster, foreign, leader, to)).toBe(0);
    await until(async () => (await count('tls-error')) >= 1, 'the foreign CA refused');
    const stolen = pki.issue(`node-${victim}`); // Valid, but names another node than claimed.
    expect(await intrude(cluster, stolen, leader, to)).toBe(0);
    await until(async () => (await count('wrong-certificate')) === 1, 'the wrong name refused');
    expect(before['wrong-certificate'] ?? 0).toBe(0);
    // The cluster is unharmed: it still commits.
    expect((await client.run({ type: 'put', key: 'after', value: 'ok' }))?.ok).toBe(true);
    expect((await client.run({ type: 'get', key: 'after' }))?.value).toBe('ok');
  });
});
