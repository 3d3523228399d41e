// A process hosted on the peer transport: the wiring both `cohort node` (runtime/node.ts)
// and a coordination-server member (server/member.ts) need — the transport hands peers'
// messages to the host, the host hands released messages to the transport, malformed peer
// messages are logged at warn, and an output that asks to be a warning (`level: 'warn'`,
// e.g. Raft's follower-log-lost: a member whose disk lost acknowledged data) is logged at
// warn for an operator to hear of.
//
// A node whose peers change at runtime (a coordination-server member: server/member.ts)
// passes `nodes`, an array it grows as ids become known: the host reads it live (its
// send check), so it must never shrink below an id the process may still send to.
//
// Fault model: see host.ts (kill at any instant; durable before release) and
// transport/transport.ts (bad peers close only their connection).

import type { Logger } from 'pino';
import type { AnyAlgorithm, OptionValues } from '../core/algorithm.js';
import type { NodeId } from '../core/process.js';
import type { Clock } from './clock.js';
import type { DurableStorage } from './durable-storage.js';
import { NodeHost } from './host.js';
import type { OutputLog } from './output-log.js';
import type { PeerAuth } from './transport/peer-auth.js';
import type { Address } from './transport/peer-link.js';
import { Transport } from './transport/transport.js';

export interface HostedNodeConfig {
  readonly algorithm: AnyAlgorithm;
  readonly id: NodeId;
  readonly cluster: string;
  /** Every node's address (this node's entry is where it listens). */
  readonly peers: ReadonlyMap<NodeId, Address>;
  /** How this node and its peers authenticate each other (transport/peer-auth.ts). */
  readonly peerAuth: PeerAuth;
  readonly options: OptionValues;
  readonly seed: number;
  readonly randomSeed: number;
  readonly storage: DurableStorage;
  readonly clock: Clock;
  readonly log: Logger;
  readonly onFatal: (error: Error) => void;
  /** The host's output history (default: the host's own). */
  readonly outputs?: OutputLog;
  /** Every id the node may send to, grown by the caller at runtime (default: the peers'). */
  readonly nodes?: NodeId[];
  /** Runs after each peer message has been stepped (a caller watching the process's state). */
  readonly afterDeliver?: () => void;
}

/** Whether an output asks to be logged as a warning. */
export function isWarning(output: unknown): boolean {
  return (output as { level?: unknown }).level === 'warn';
}

/** The host and its transport, wired; the caller starts the transport, then the host. */
export function hostOnTransport(c: HostedNodeConfig): { host: NodeHost; transport: Transport } {
  const self = c.peers.get(c.id);
  if (self === undefined) throw new Error(`the peer list has no address for node ${c.id}`);
  let host: NodeHost | undefined;
  const transport = new Transport({
    cluster: c.cluster,
    self: c.id,
    peers: c.peers,
    listen: self,
    auth: c.peerAuth,
    log: c.log,
    onMessage: (from, message) => {
      host?.deliver(from, message);
      c.afterDeliver?.();
    },
  });
  host = new NodeHost({
    algorithm: c.algorithm,
    id: c.id,
    nodes: c.nodes ?? [...c.peers.keys()].sort((a, b) => a - b),
    options: c.options,
    seed: c.seed,
    randomSeed: c.randomSeed,
    storage: c.storage,
    clock: c.clock,
    transmit: (to, message) => transport.send(to, message),
    onFatal: c.onFatal,
    onDrop: (from, type) => c.log.warn({ from, type }, 'malformed message dropped'),
    onNote: (text) => c.log.debug({ note: text }, 'note'),
    ...(c.outputs !== undefined && { outputs: c.outputs }),
  });
  host.outputs.subscribe((record) => {
    if (isWarning(record.output))
      c.log.warn({ seq: record.seq, atMs: record.atMs, output: record.output }, 'output');
  });
  return { host, transport };
}
