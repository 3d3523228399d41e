// Issue 14, item 2, on real processes: a message with a well-formed frame but a wrong shape,
// sent by an AUTHENTICATED peer (it holds the cluster secret, so it passes the handshake),
// never stops a node. Before the hosts parsed peer input, `{type:'Update'}` without its file
// crashed a Ricart–Agrawala node ("Cannot read properties of undefined", exit 1). Here the
// node drops each malformed message, counts it (GET /status, counters.malformed), logs it at
// warn with its sender and type, and goes on serving requests; no node exits and the
// critical sections never overlap. Deadlines (`until`) only turn a hang into a failure.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/process.js';
import { bearer } from '../src/runtime/api-token.js';
import { LocalCluster } from '../src/runtime/launcher/local-cluster.js';
import { until } from '../src/runtime/testing/wait.js';
import { readSecretFile } from '../src/runtime/transport/secret-file.js';
import { Transport } from '../src/runtime/transport/transport.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { checkMutexLog } from './support/mutex-log.js';

/** Ricart–Agrawala messages of the right types with missing or ill-typed fields. */
const MALFORMED: readonly Message[] = [
  { type: 'Update' },
  { type: 'OK' },
  { type: 'OK', ts: 1, file: { version: 'x', content: '' } },
  { type: 'Request', resource: 'cs', ts: 1, id: 9 },
  { type: 'Request', resource: 7, ts: 1, id: 2 },
  { type: 'UpdateAck', version: -1 },
  { type: 'toString' },
  { type: '__proto__' },
  { type: 'constructor', ts: 1 },
] as unknown as Message[];

const REQUESTS = 400;
const clusters: LocalCluster[] = [];
const transports: Transport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

interface Status {
  readonly counters: { readonly malformed: number };
}

async function get<T>(cluster: LocalCluster, id: number, route: string): Promise<T | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${cluster.apiPort(id)}${route}`, {
      headers: bearer(cluster.apiToken(id)),
    });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

const served = async (c: LocalCluster, id: number) =>
  (await get<{ state: { served: number } }>(c, id, '/state'))?.state.served ?? -1;

describe('malformed messages from an authenticated peer', () => {
  it('mutex/ricart-agrawala: the node drops, counts and logs them, and stays up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-malformed-'));
    const log = path.join(dir, 'critical-sections.jsonl');
    const exits: string[] = [];
    const cluster = new LocalCluster({
      algorithm: 'mutex/ricart-agrawala',
      nodes: 3,
      dataDir: dir,
      clusterId: `test-${path.basename(dir)}`,
      cohort: COHORT_ARGV,
      nodeArgs: ['--outputs-file', log, '--option', `requests=${REQUESTS}`],
      onExit: (id, exit) => exits.push(`node ${id} exited: ${JSON.stringify(exit)}`),
    });
    clusters.push(cluster);
    await cluster.start();
    await until(async () => (await served(cluster, 1)) >= 2, 'node 1 served twice');

    // A peer that knows the cluster secret, saying it is node 2, talks to node 1.
    const peer = new Transport({
      cluster: cluster.o.clusterId,
      self: 2,
      peers: new Map([[1, { host: '127.0.0.1', port: cluster.port(1) }]]),
      listen: { host: '127.0.0.1', port: 0 },
      auth: { kind: 'secret', secret: readSecretFile(cluster.secretFile) },
      onMessage: () => {},
      log: pino({ level: 'silent' }),
    });
    transports.push(peer);
    await peer.start();
    for (const m of MALFORMED) expect(peer.send(1, m)).toBe(true);
    const counted = async () =>
      ((await get<Status>(cluster, 1, '/status'))?.counters.malformed ?? 0) >= MALFORMED.length;
    // A node that crashed (as one did before hosts parsed peer input) ends the wait at once.
    await until(async () => exits.length > 0 || (await counted()), 'malformed messages counted');
    expect(exits).toEqual([]);
    const before = await served(cluster, 1);
    await until(async () => (await served(cluster, 1)) >= before + 2, 'node 1 serving on');

    expect(exits).toEqual([]);
    const status = await get<Status>(cluster, 1, '/status');
    expect(status?.counters.malformed).toBe(MALFORMED.length);
    const drops = fs
      .readFileSync(path.join(dir, 'node-1.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('malformed message dropped'))
      .map((line) => JSON.parse(line) as { level: number; from: number; type: string });
    expect(drops.map((d) => d.type)).toEqual(MALFORMED.map((m) => m.type));
    expect(drops.every((d) => d.from === 2 && d.level === 40)).toBe(true); // pino's warn.
    expect(checkMutexLog(log).violations).toEqual([]);
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
