// A locks/lease-lock node's state. One shape for the three roles (node 1 the lock server,
// node 2 the storage, nodes 3..n clients), each using its own fields. Durable: the server's
// token counter and start count (a restarted server sits out one TTL, since it forgot the
// lease it may have granted), the storage's newest token, and a client's attempt counter
// (so a grant for an attempt of an earlier incarnation is never mistaken for a new one) and
// served count. Everything else is volatile.

import type { NodeId } from '../../../core/process.js';
import type { MutexNodeState } from '../../mutex/workload.js';

export const LOCK_SERVER = 1;
export const STORAGE = 2;

export type Role = 'server' | 'storage' | 'client';

export interface Lease {
  readonly client: NodeId;
  readonly token: number;
  readonly attempt: number;
  /** On the server's clock. */
  readonly expiresAtMs: number;
}

export interface Waiter {
  readonly client: NodeId;
  attempt: number;
}

export type ClientPhase = 'idle' | 'waiting' | 'working' | 'writing';

export interface LeaseLockState extends MutexNodeState {
  role: Role;
  // ---- server
  /** Durable: the last token granted (fencing tokens only grow). */
  token: number;
  /** Durable: incarnations started. */
  starts: number;
  lease: Lease | null;
  queue: Waiter[];
  /** The waiter told `Ready`, whose fresh Acquire alone is granted until then (its clock). */
  reserved: { client: NodeId; untilMs: number } | null;
  /** A restarted server grants nothing before this (its clock). */
  quietUntilMs: number;
  // ---- storage
  /** Durable: the newest token a write carried. */
  newest: number;
  accepted: number;
  rejected: number;
  // ---- client
  phase: ClientPhase;
  /** Durable: attempt numbers only grow, across incarnations. */
  attempt: number;
  /** When each attempt of the current acquisition left (client clock), newest last. */
  sent: { attempt: number; atMs: number }[];
  /** The lease the client believes it holds: its token and until when it may start work. */
  held: { token: number; validUntilMs: number } | null;
  /** Writes done under the current lease. */
  unit: number;
  inCS: boolean;
  /** Durable. */
  served: number;
}

export const LEASE_LOCK_DURABLE = [
  'token',
  'starts',
  'newest',
  'attempt',
  'served',
] as const satisfies readonly (keyof LeaseLockState)[];

export function roleOf(id: NodeId): Role {
  return id === LOCK_SERVER ? 'server' : id === STORAGE ? 'storage' : 'client';
}

export function isClient(id: NodeId): boolean {
  return roleOf(id) === 'client';
}

export function initLeaseLockState(_c: unknown, id: NodeId): LeaseLockState {
  return {
    role: roleOf(id),
    token: 0,
    starts: 0,
    lease: null,
    queue: [],
    reserved: null,
    quietUntilMs: 0,
    newest: 0,
    accepted: 0,
    rejected: 0,
    phase: 'idle',
    attempt: 0,
    sent: [],
    held: null,
    unit: 0,
    inCS: false,
    served: 0,
  };
}

/** Attempts remembered per acquisition: older ones' grants are ignored (the lease lapses). */
export const REMEMBERED_ATTEMPTS = 8;
