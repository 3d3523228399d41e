// One real node, wired: storage → host → transport, plus the client API (127.0.0.1 only,
// bearer token: client-api.ts), the structured log of outputs (pino, stderr) and an
// optional outputs file (JSON lines, appended with O_APPEND so several nodes can share one
// file: the mutual-exclusion check reads it).
//
// Fault model: see host.ts (kill at any instant; durable before release) and
// transport/transport.ts (bad peers close only their connection).

import fs from 'node:fs';
import type { Server } from 'node:http';
import { startClientApi, toJson } from './client-api.js';
import type { NodeHost } from './host.js';
import { type HostedNodeConfig, hostOnTransport, isWarning } from './hosted-node.js';
import type { Transport } from './transport/transport.js';

/** A hosted node (hosted-node.ts) with its client API and outputs file. */
export interface NodeConfig extends HostedNodeConfig {
  /** The client API's port on 127.0.0.1 (0: any free port). */
  readonly apiPort: number;
  /** The bearer token the client API requires (client-api.ts). */
  readonly apiToken: string;
  readonly outputsFile?: string;
}

export interface RunningNode {
  readonly host: NodeHost;
  readonly transport: Transport;
  readonly port: number;
  readonly apiPort: number;
  stop(): Promise<void>;
}

/** The process's `state.role` when it has one (Raft, ZAB, Bully …), for launchers. */
function roleOf(state: unknown): string | undefined {
  const role = (state as { role?: unknown } | undefined)?.role;
  return typeof role === 'string' ? role : undefined;
}

export async function startNode(c: NodeConfig): Promise<RunningNode> {
  const { host, transport } = hostOnTransport(c);
  const outputsFd = c.outputsFile === undefined ? undefined : fs.openSync(c.outputsFile, 'a');
  host.outputs.subscribe((record) => {
    // Warnings are logged by hostOnTransport; every other output at info.
    if (!isWarning(record.output))
      c.log.info({ seq: record.seq, atMs: record.atMs, output: record.output }, 'output');
    if (outputsFd !== undefined)
      fs.writeSync(outputsFd, `${toJson({ ...record, pid: process.pid })}\n`);
  });
  const running = host;
  const port = await transport.start();
  const api = await startClientApi({
    host,
    algorithm: c.algorithm,
    port: c.apiPort,
    token: c.apiToken,
    status: () => ({
      id: c.id,
      cluster: c.cluster,
      algorithm: c.algorithm.name,
      port,
      role: roleOf(running.state),
      transport: transport.stats(),
    }),
  });
  host.start();
  return {
    host: running,
    transport,
    port,
    apiPort: api.port,
    async stop() {
      api.server.closeAllConnections();
      await new Promise<void>((resolve) => (api.server as Server).close(() => resolve()));
      try {
        await running.stop(); // Closes the storage: its last flush may fail (a full disk).
      } finally {
        // Whatever the storage did, the peer port closes: no node left listening (zombie).
        await transport.close();
        if (outputsFd !== undefined) fs.closeSync(outputsFd);
      }
    },
  };
}
