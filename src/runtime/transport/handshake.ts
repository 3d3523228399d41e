// The first frame each way on a connection. The dialer says who it is and whom it meant to
// reach (`Hello`); the acceptor checks both and answers `Welcome`; the dialer checks the
// answer. A wrong cluster id (two clusters sharing ports), an unknown node id or a node
// reaching the wrong port closes that connection with a logged reason — never the process.
// Connections are one-way for messages: node i's dialled connection to j carries i → j only,
// so each directed link has its own queue, backpressure and (in the chaos layer) its proxy.

import type { NodeId } from '../../core/process.js';

export const PROTOCOL_VERSION = 1;

export interface Hello {
  readonly kind: 'hello';
  readonly protocol: number;
  readonly cluster: string;
  readonly from: NodeId;
  readonly to: NodeId;
}

export interface Welcome {
  readonly kind: 'welcome';
  readonly protocol: number;
  readonly cluster: string;
  readonly node: NodeId;
}

/** Why a connection was closed (the `reason` field of the log line). */
export type RejectReason =
  | 'garbage'
  | 'oversized-frame'
  | 'bad-handshake'
  | 'wrong-protocol'
  | 'wrong-cluster'
  | 'unknown-node'
  | 'wrong-node'
  | 'not-a-message'
  | 'handshake-timeout';

export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; reason: RejectReason; detail: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Validates a dialer's hello as received by node `self` of `cluster`. */
export function checkHello(
  x: unknown,
  cluster: string,
  self: NodeId,
  known: ReadonlySet<NodeId>,
): Checked<Hello> {
  if (!isRecord(x) || x.kind !== 'hello') {
    return { ok: false, reason: 'bad-handshake', detail: 'first frame is not a hello' };
  }
  if (x.protocol !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'wrong-protocol', detail: `protocol ${String(x.protocol)}` };
  }
  if (x.cluster !== cluster) {
    return { ok: false, reason: 'wrong-cluster', detail: `cluster '${String(x.cluster)}'` };
  }
  const from = x.from;
  if (typeof from !== 'number' || !known.has(from) || from === self) {
    return { ok: false, reason: 'unknown-node', detail: `node ${String(from)}` };
  }
  if (x.to !== self) {
    return { ok: false, reason: 'wrong-node', detail: `meant for node ${String(x.to)}` };
  }
  return { ok: true, value: x as unknown as Hello };
}

/** Validates the acceptor's answer as received by the dialer that meant to reach `peer`. */
export function checkWelcome(x: unknown, cluster: string, peer: NodeId): Checked<Welcome> {
  if (!isRecord(x) || x.kind !== 'welcome') {
    return { ok: false, reason: 'bad-handshake', detail: 'first frame is not a welcome' };
  }
  if (x.protocol !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'wrong-protocol', detail: `protocol ${String(x.protocol)}` };
  }
  if (x.cluster !== cluster) {
    return { ok: false, reason: 'wrong-cluster', detail: `cluster '${String(x.cluster)}'` };
  }
  if (x.node !== peer) {
    return { ok: false, reason: 'wrong-node', detail: `reached node ${String(x.node)}` };
  }
  return { ok: true, value: x as unknown as Welcome };
}

/** A message frame must be a plain object with a string `type` (core/process.ts). */
export function isMessage(x: unknown): x is { type: string } {
  return isRecord(x) && typeof x.type === 'string';
}
