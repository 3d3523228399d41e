// `cohort cluster up`: a local cluster of real node processes in the foreground. It prints
// each node's address and pid, role changes and exits as they happen, serves the control
// API the other `cohort cluster` subcommands use, and stops every node on Ctrl-C.
// Exposure: nodes, their APIs and the control API listen on 127.0.0.1 only; each API
// requires its bearer token (node-N/api.token, control.token; 0600 in the data directory).

import fs from 'node:fs';
import path from 'node:path';
import { LocalCluster, peerTlsDir } from '../../runtime/launcher/local-cluster.js';
import { defaultNodes } from '../../sim/run.js';
import {
  optionArgs,
  parseAlgorithmOptions,
  resolveAlgorithm,
  runtimeOptions,
} from '../algorithm-options.js';
import { parseInteger } from '../parse-flags.js';
import { selfArgv } from '../self-argv.js';
import { UsageError } from '../usage-error.js';
import { ChaosController } from './chaos-plan.js';
import { startControlServer } from './control-server.js';
import { fetchStatus, watchRoles } from './role-watch.js';
import { findRunning, removeStateFile, writeControlToken, writeStateFile } from './state-file.js';

export interface ClusterUpFlags {
  readonly algorithm?: string;
  readonly nodes?: string;
  readonly dataDir: string;
  readonly clusterId?: string;
  readonly option?: readonly string[];
  readonly chaos?: boolean;
  readonly storage?: string;
  readonly peerTlsDir?: string;
}

export async function clusterUp(flags: ClusterUpFlags, extra: readonly string[]): Promise<number> {
  if (flags.algorithm === undefined) throw new UsageError('--algorithm is required');
  const spec = resolveAlgorithm(flags.algorithm);
  const nodeOptions = [...optionArgs(flags.option ?? []), ...extra];
  // Checked here, once, for exit 2.
  const given = runtimeOptions(spec, parseAlgorithmOptions(spec, nodeOptions));
  const n =
    parseInteger('--nodes', flags.nodes, spec.nodes.min, spec.nodes.max) ??
    defaultNodes(spec, given);
  const dataDir = path.resolve(flags.dataDir);
  const running = findRunning(dataDir);
  if (running !== undefined) {
    throw new UsageError(
      `a cluster already runs in ${dataDir} (pid ${running.pid}); cohort cluster down`,
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const clusterId = flags.clusterId ?? `cohort-${path.basename(dataDir)}`;
  const tlsDir = flags.peerTlsDir === undefined ? undefined : path.resolve(flags.peerTlsDir);
  const cluster = new LocalCluster({
    algorithm: spec.name,
    nodes: n,
    dataDir,
    clusterId,
    cohort: selfArgv(),
    nodeArgs: [
      ...nodeOptions,
      ...(flags.storage === undefined ? [] : ['--storage', flags.storage]),
    ],
    chaos: flags.chaos !== false,
    ...(tlsDir === undefined ? {} : { peerTls: peerTlsDir(tlsDir) }),
    onExit: (id, exit, expected) => {
      const how = exit.signal ?? `code ${exit.code}`;
      say(
        expected
          ? `node ${id} stopped (${how})`
          : `node ${id} exited unexpectedly (${how}); see ${dataDir}/node-${id}.log`,
      );
    },
  });
  const chaos = flags.chaos === false ? undefined : new ChaosController(cluster, say);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const control = await startControlServer({
    cluster,
    chaos,
    token: writeControlToken(dataDir),
    report: say,
    down: () => stop(),
    status: async () => ({
      algorithm: spec.name,
      clusterId,
      nodes: await Promise.all(
        cluster.status().map(async (s) => ({
          ...s,
          role: s.up ? (await fetchStatus(cluster, s.id))?.role : undefined,
        })),
      ),
    }),
  });
  say(`cluster '${clusterId}': ${n} × ${spec.name}, data in ${dataDir}`);
  say(
    tlsDir === undefined
      ? `peers authenticate with the cluster secret in ${cluster.secretFile}`
      : `peers authenticate with mutual TLS (certificates in ${tlsDir})`,
  );
  const ready = await cluster.start().catch(async (error: Error) => {
    await cluster.stop();
    control.server.close();
    removeStateFile(dataDir);
    throw error;
  });
  for (const r of ready) {
    say(`node ${r.id}  127.0.0.1:${r.port}  pid ${r.pid}  api http://127.0.0.1:${r.apiPort}`);
  }
  writeStateFile(dataDir, {
    pid: process.pid,
    controlPort: control.port,
    algorithm: spec.name,
    clusterId,
    nodes: n,
  });
  say(`chaos layer ${chaos === undefined ? 'off' : 'on'}; Ctrl-C stops every node`);
  const unwatch = watchRoles(cluster, say);
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());
  await stopped;
  unwatch();
  chaos?.reset();
  await cluster.stop();
  control.server.closeAllConnections();
  control.server.close();
  removeStateFile(dataDir);
  say('cluster stopped');
  return 0;
}
