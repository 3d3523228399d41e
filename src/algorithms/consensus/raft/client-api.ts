// The client API of consensus/raft: the commands a server accepts (from a simulated client
// node as a ClientRequest message, or from the real runtime through `onCommand`) and the
// reply it gives. Dissertation §6.3: every command carries the client's id and a sequence
// number so that a retried command is applied at most once and its cached result returned.
//
// Fault model: commands and replies may be lost, duplicated or reordered; a client retries
// with the same (client, seq) until it hears a definite answer.

import type { NodeId } from '../../../core/process.js';
import { isCount, isNodeId, isRecord } from '../../../core/validate.js';
import { KV_OPS, type KvOp, type Value } from '../../replicated-kv/ops.js';
import { kvMachineDef, type MachineOp, type RaftMachineDef } from './machine.js';

/** The key-value operations are the shared machine's (replicated-kv/ops.ts). */
export type { KvOp, MachineOp, Value };

/**
 * Operator commands (dissertation §4.1 single-server changes, §3.10 leadership transfer).
 * They are not part of the key-value history.
 */
export type AdminOp =
  | { readonly type: 'add-server'; readonly node: NodeId }
  /** A non-voting member (etcd's learner): it receives the log and counts in no quorum. */
  | { readonly type: 'add-learner'; readonly node: NodeId }
  /** A learner becomes a voter, once it holds most of the leader's log. */
  | { readonly type: 'promote-learner'; readonly node: NodeId }
  /** Removes a voter or a learner. */
  | { readonly type: 'remove-server'; readonly node: NodeId }
  | { readonly type: 'transfer-leader'; readonly node: NodeId };

/** What the key-value workload's clients send. */
export type Op = KvOp | AdminOp;

/** A command: the machine's operation (key-value, or wrapped for another machine) or Raft's own. */
export type ServerOp = Op | MachineOp;

/** What a server accepts: an operation stamped with the client session (id, seq). */
export type ClientCommand = ServerOp & { readonly client: number; readonly seq: number };

/**
 * Why a command did not succeed. `cas-mismatch`, `rejected` and `not-ready` (a learner too
 * far behind to be promoted) are definite failures;
 * `not-leader` and `retry` mean "not done here, try again (perhaps at `leaderHint`)".
 * `session-expired` (§6.3 SESSION_EXPIRED): the client's session is gone, so this command
 * was not applied now — but an earlier copy of it may have been, before the session
 * expired: its outcome is unknown, and the client must start a new session (a new client
 * id, its seq from 1) for what it does next.
 */
export const FAIL_REASONS = [
  'not-leader',
  'retry',
  'cas-mismatch',
  'rejected',
  'session-expired',
  'not-ready',
] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

/**
 * The answer to one command (the runtime sees it as an output of type `reply`). `V` is the
 * machine's result: the key-value machine's is a value or null.
 */
export interface ClientReplyBody<V = Value | null> {
  readonly client: number;
  readonly seq: number;
  readonly ok: boolean;
  /** get: the value read (null when missing); cas-mismatch: the current value. */
  readonly value?: V;
  readonly reason?: FailReason;
  /** The leader this server believes in, when it is not the leader itself. */
  readonly leaderHint?: NodeId | null;
}

const ADMIN_OPS: ReadonlySet<string> = new Set([
  'add-server',
  'add-learner',
  'promote-learner',
  'remove-server',
  'transfer-leader',
]);

/** A client command as `checkClientCommand` judged it: the command, or why it is refused. */
export type CheckedCommand =
  | { readonly ok: true; readonly command: ClientCommand }
  | { readonly ok: false; readonly reason: string };

function refuse(reason: string): CheckedCommand {
  return { ok: false, reason };
}

/**
 * Validates a command from outside (a peer, the runtime's API); never trusts its shape. A
 * refusal names the first problem found, for the API's 400 answer. Sequence numbers start
 * at 1 (§6.3: a session begins with its client's first command).
 */
export function checkClientCommand(
  c: unknown,
  machine: RaftMachineDef = kvMachineDef as RaftMachineDef,
): CheckedCommand {
  if (!isRecord(c)) return refuse('a command must be a JSON object');
  if (typeof c.type !== 'string') return refuse('missing command "type"');
  const admin = ADMIN_OPS.has(c.type);
  // The machine's own check names an unknown type, so an unknown type is refused first.
  const machineProblem = admin ? undefined : machine.opProblem(c);
  if (machineProblem?.startsWith('unknown command type')) return refuse(machineProblem);
  if (!isCount(c.client)) return refuse('missing or invalid "client" (an integer ≥ 0)');
  if (!isCount(c.seq) || c.seq < 1) return refuse('missing or invalid "seq" (an integer ≥ 1)');
  const problem = !admin
    ? machineProblem
    : isNodeId(c.node)
      ? undefined
      : `${c.type}: "node" must be a server id (an integer ≥ 1)`;
  return problem === undefined
    ? { ok: true, command: c as unknown as ClientCommand }
    : refuse(problem);
}

/** The command if it is valid, else undefined (peer input: the caller drops it). */
export function parseClientCommand(
  x: unknown,
  machine: RaftMachineDef = kvMachineDef as RaftMachineDef,
): ClientCommand | undefined {
  const checked = checkClientCommand(x, machine);
  return checked.ok ? checked.command : undefined;
}

export function isKvOp(op: ServerOp): op is KvOp {
  return KV_OPS.has(op.type);
}

/** Whether the command is the machine's (it enters the log as a command entry), not Raft's. */
export function isMachineCommand(op: ServerOp): op is KvOp | MachineOp {
  return op.type === 'machine' || KV_OPS.has(op.type);
}
