// `cohort serve --cluster N`: a local N-member coordination server of real processes, for
// trying failover on one machine. Member i (1-based) is named m<i>, keeps its data in
// <data-dir>/m<i>, serves clients on the base client port + 2(i−1) and peers on the next
// port; peers authenticate with <data-dir>/cluster.secret (made, 0600, if absent). Each
// member's log goes to <data-dir>/m<i>.log. One JSON line on stdout once every member is
// ready ({"event":"ready","members":[{name,clientUrl,pid}],"endpoints":"…"}); Ctrl-C stops
// them all. A member that dies (say, killed to watch a failover) is reported on stderr and
// the others keep serving.
//
// Exposure: loopback only (the ports of --listen-client-urls' host, which must be loopback).

import fs from 'node:fs';
import path from 'node:path';
import { isLoopbackHost } from '../runtime/http-guard.js';
import { NodeProcess } from '../runtime/launcher/node-process.js';
import { ensureSecretFile } from '../runtime/transport/secret-file.js';
import { selfArgv } from './self-argv.js';
import { UsageError } from './usage-error.js';

export interface ServeClusterFlags {
  readonly dataDir: string;
  readonly listenClientUrls: string;
  readonly logLevel: string;
  readonly maxRequestBytes: string;
  readonly maxTxnOps: string;
  readonly quotaBackendBytes: string;
  readonly autoCompactionRetention: string;
  readonly autoCompactionMode: string;
}

/** The flags every member gets as given (each member checks them as `cohort serve` does). */
function sharedFlags(f: ServeClusterFlags): string[] {
  return [
    ...['--max-request-bytes', f.maxRequestBytes, '--max-txn-ops', f.maxTxnOps],
    ...['--quota-backend-bytes', f.quotaBackendBytes],
    ...['--auto-compaction-retention', f.autoCompactionRetention],
    ...['--auto-compaction-mode', f.autoCompactionMode],
  ];
}

interface ServeReady {
  readonly clientUrl: string;
  readonly pid: number;
}

export async function serveCluster(flags: ServeClusterFlags, size: number): Promise<number> {
  let base: URL;
  try {
    base = new URL(flags.listenClientUrls);
  } catch {
    throw new UsageError(`--listen-client-urls: '${flags.listenClientUrls}' is not a URL`);
  }
  if (!isLoopbackHost(base.hostname))
    throw new UsageError('--cluster runs members on loopback only');
  const host = base.hostname;
  const port0 = Number(base.port || 2379);
  if (port0 + 2 * size > 65_535) throw new UsageError('--listen-client-urls: port too high');
  fs.mkdirSync(flags.dataDir, { recursive: true });
  const secret = path.join(flags.dataDir, 'cluster.secret');
  ensureSecretFile(secret);
  const names = Array.from({ length: size }, (_, i) => `m${i + 1}`);
  const peerUrl = (i: number) => `http://${host}:${port0 + 2 * i + 1}`;
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const members = names.map(
    (name, i) =>
      new NodeProcess(
        [
          ...selfArgv(),
          'serve',
          ...['--name', name, '--data-dir', path.join(flags.dataDir, name)],
          ...['--listen-client-urls', `http://${host}:${port0 + 2 * i}`],
          ...['--listen-peer-urls', peerUrl(i), '--initial-cluster', initialCluster],
          ...['--cluster-secret-file', secret, '--log-level', flags.logLevel],
          ...sharedFlags(flags),
        ],
        path.join(flags.dataDir, `${name}.log`),
      ),
  );
  const stopAll = () => {
    for (const m of members) if (m.alive) m.child.kill('SIGTERM');
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    const ready = (await Promise.all(members.map((m) => m.ready))) as unknown as ServeReady[];
    const list = ready.map((r, i) => ({ name: names[i], clientUrl: r.clientUrl, pid: r.pid }));
    const endpoints = ready.map((r) => r.clientUrl.replace(/^https?:\/\//, '')).join(',');
    process.stdout.write(`${JSON.stringify({ event: 'ready', members: list, endpoints })}\n`);
    process.stderr.write(
      `cohort serve: ${size} members ready; try: etcdctl --endpoints ${endpoints} endpoint status -w table\n`,
    );
  } catch (error) {
    stopAll();
    await Promise.all(members.map((m) => m.exited));
    process.stderr.write(`cohort: ${(error as Error).message}\n`);
    return 1;
  }
  let stopping = false;
  process.once('SIGINT', () => {
    stopping = true;
  });
  process.once('SIGTERM', () => {
    stopping = true;
  });
  const exits = await Promise.all(
    members.map(async (m, i) => {
      const e = await m.exited;
      if (!stopping)
        process.stderr.write(`cohort serve: member ${names[i]} exited (${e.signal ?? e.code})\n`);
      return e;
    }),
  );
  return exits.every((e) => e.code === 0 || e.signal === 'SIGTERM') ? 0 : 1;
}
