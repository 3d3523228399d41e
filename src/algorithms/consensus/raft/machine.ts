// The state machine Raft replicates, as a slot: Raft orders, persists and applies commands;
// WHAT a command does is the machine's. The registered algorithm plugs in the shared
// key-value machine (replicated-kv/machine.ts, `kvMachineDef`); the coordination server
// plugs in etcd's MVCC store (src/server/). Either way the machine keeps Raft's client
// sessions (dissertation §6.3), so a command that reaches the log twice is applied once.
//
// A machine's commands travel inside Raft's messages and entries, so the definition also
// validates them (peer input) and its snapshots (InstallSnapshot). The key-value machine's
// operations keep their own wire shape ({type:'put', key, value}, …); other machines wrap
// theirs as `{ type: 'machine', read, op }` so that Raft can tell reads (served through
// ReadIndex, §6.4, never logged) from writes without knowing the machine.
//
// Fault model: none of its own — definitions are pure; `restore` is given only snapshots
// that passed `isSnapshot`.

import { isRecord } from '../../../core/validate.js';
import { EMPTY_KV_SNAPSHOT, isKvSnapshot, KvMachine } from '../../replicated-kv/machine.js';
import { KV_OPS, type KvOp, kvOpProblem } from '../../replicated-kv/ops.js';
import type { MachineResult, Outcome, SessionLimits } from '../../replicated-kv/session-machine.js';

/** An operation of a machine other than the key-value one (see the header). */
export interface MachineOp {
  readonly type: 'machine';
  /** A read: served through ReadIndex (or the lease) from the applied state, never logged. */
  readonly read: boolean;
  readonly op: unknown;
}

/** What Raft needs of a machine instance (KvMachine is one). */
export interface RaftMachine {
  /** Log time: the largest leader stamp applied. */
  readonly timeMs: number;
  /** The cached outcome of (client, seq) if that client's session already covers it. */
  check(client: number, seq: number): Outcome | undefined;
  /** Applies a committed command once per (client, seq). */
  apply(client: number, seq: number, op: KvOp | MachineOp, atMs: number): Outcome;
  /** Records a command that is Raft's own (a configuration change) in the client's session. */
  record(client: number, seq: number, result: MachineResult): Outcome;
  /** Plain data that `restore` turns back into an equal machine. */
  snapshot(): unknown;
}

/** A kind of machine: how to validate, read, snapshot and restore it. */
export interface RaftMachineDef<M extends RaftMachine = RaftMachine> {
  readonly emptySnapshot: unknown;
  /** Whether untrusted input is a snapshot `restore` accepts. */
  isSnapshot(x: unknown): boolean;
  restore(snapshot: unknown, limits: SessionLimits): M;
  /**
   * The first problem of an operation this machine would be given, or undefined when it is
   * valid; `op.type` is not one of Raft's own commands. Untrusted input.
   */
  opProblem(op: Readonly<Record<string, unknown>>): string | undefined;
  isRead(op: KvOp | MachineOp): boolean;
  /** Answers a read from the applied state. */
  read(machine: M, op: KvOp | MachineOp): unknown;
  /** Whether a reply value from a peer (a forwarded command's answer) is well formed. */
  isReplyValue(x: unknown): boolean;
  /** Whether every applied command's result goes out with its `apply` output (for watchers). */
  readonly reportsApplied?: boolean;
}

/** The shared key-value machine (the registered consensus/raft). */
export const kvMachineDef: RaftMachineDef<KvMachine> = {
  emptySnapshot: EMPTY_KV_SNAPSHOT,
  isSnapshot: isKvSnapshot,
  restore: (snapshot, limits) => KvMachine.restore(snapshot as never, limits),
  opProblem: (op) =>
    KV_OPS.has(op.type as string)
      ? kvOpProblem(op)
      : `unknown command type ${JSON.stringify(op.type)}`,
  isRead: (op) => op.type === 'get',
  read: (machine, op) => (op.type === 'get' ? machine.get(op.key) : null),
  isReplyValue: (x) => x === null || typeof x === 'string',
};

/** The first problem of a `{ type: 'machine' }` wrapper's own fields, if any. */
export function machineOpProblem(op: Readonly<Record<string, unknown>>): string | undefined {
  if (op.type !== 'machine') return `unknown command type ${JSON.stringify(op.type)}`;
  if (typeof op.read !== 'boolean') return 'machine: "read" must be a boolean';
  return isRecord(op.op) ? undefined : 'machine: "op" must be an object';
}
