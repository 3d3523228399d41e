// Lock workloads of `cohort bench server`, over etcd's v3lock service through cohort/client
// (client.lock / client.unlock), on Cohort and etcd alike:
// - lock: each caller holds its own lease (granted once, kept alive, not measured) and
//   cycles lock → unlock on a name of its own: the uncontended acquire/release cost (two
//   writes: the waiter key's put in a Txn, then its delete);
// - lock-shared: the same cycle, every caller on ONE name: callers queue (FIFO, each waits
//   for its predecessor's delete), so a cycle's latency includes the wait;
// - hot-lock: `waiters` callers (16) on one name, each unlocking as soon as it holds; an
//   operation is one hand-off, its latency from the holder's unlock call to the next
//   holder's lock answer (what a waiter pays beyond the critical section).
// Exclusion is checked in revisions when a run ends (Grants): a holder answered before its
// predecessor's unlock applied would be an error of the run.
//
// Fault model: a failed lock or unlock counts as an error and the caller goes on (its key,
// if any, goes with its next unlock or its lease); leases are revoked at the end.

import type { Client, KeepAlive, Lease } from '../src/client/index.js';
import { Failures, type LoopResult } from './server-loop.js';

const LEASE_TTL_SECONDS = 60;
const CALL_TIMEOUT_MS = 10_000;
const SHARED_NAME = 'bench-lock/shared';
/** etcd's and Cohort's hot lock: 16 waiters (issue 16). */
export const HOT_LOCK_WAITERS = 16;

/** One kept-alive lease per caller of one client, granted before a run measures anything. */
export class LockLeases {
  private readonly leases: Lease[] = [];
  private readonly keepers: KeepAlive[] = [];

  constructor(private readonly client: Client) {}

  /** Grants leases until there are `callers` of them. */
  async ensure(callers: number): Promise<void> {
    while (this.leases.length < callers) {
      const lease = await this.client.grant(LEASE_TTL_SECONDS, { timeoutMs: CALL_TIMEOUT_MS });
      this.leases.push(lease);
      this.keepers.push(lease.keepAlive());
    }
  }

  of(caller: number): Lease {
    const lease = this.leases[caller];
    if (lease === undefined) throw new Error(`no lease for caller ${caller}: ensure() first`);
    return lease;
  }

  /** Stops the keep-alives and revokes the leases (best effort: the run is over). */
  async close(): Promise<void> {
    for (const k of this.keepers) k.stop();
    await Promise.allSettled(this.leases.map((l) => l.revoke({ timeoutMs: CALL_TIMEOUT_MS })));
  }
}

/**
 * The grants of one lock name, in revisions: each holder's lock answer (the read that found
 * the lock free) and its unlock (the delete). Exclusion holds when, in the order of the lock
 * answers, every holder found the lock free no earlier than its predecessor's delete.
 */
class Grants {
  private readonly grants: [locked: number, unlocked: number][] = [];

  add(locked: number, unlocked: number): void {
    this.grants.push([locked, unlocked]);
  }

  /** Adds a failure for each holder that was answered before its predecessor released. */
  check(failures: Failures, name: string): void {
    const sorted = [...this.grants].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      const [locked] = sorted[i] as [number, number];
      const [, before] = sorted[i - 1] as [number, number];
      if (locked < before)
        failures.add(new Error(`${name}: held at revision ${locked}, released at ${before}`));
    }
  }
}

/**
 * One lock → unlock cycle of caller `w` (lock: its own name; lock-shared: one name). With a
 * shared name, the grants are checked for overlaps when the run ends (`check`).
 */
export function lockCycle(
  client: Client,
  leases: LockLeases,
  shared: boolean,
): { op: (w: number, i: number) => Promise<unknown>; check: () => Failures } {
  const call = { timeoutMs: CALL_TIMEOUT_MS };
  const grants = new Grants();
  const op = async (w: number) => {
    const name = shared ? SHARED_NAME : `bench-lock/${w}`;
    const { key, header } = await client.lock(name, { ...call, lease: leases.of(w) });
    const released = await client.unlock(key, call);
    if (shared) grants.add(header.revision, released.revision);
  };
  const check = () => {
    const failures = new Failures();
    grants.check(failures, SHARED_NAME);
    return failures;
  };
  return { op, check };
}

/** The hot lock: `waiters` callers hand one lock to each other for `durationMs`. */
export async function hotLock(
  client: Client,
  leases: LockLeases,
  waiters: number,
  durationMs: number,
): Promise<LoopResult> {
  const name = `bench-hot/${Date.now()}`; // A fresh queue per run.
  const latencies: number[] = [];
  const failures = new Failures();
  const grants = new Grants();
  const call = { timeoutMs: CALL_TIMEOUT_MS };
  /** When the last holder started its unlock (undefined: nobody released yet). */
  let releasedAt: number | undefined;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: waiters }, async (_, w) => {
      while (performance.now() < end) {
        try {
          const { key, header } = await client.lock(name, { ...call, lease: leases.of(w) });
          const now = performance.now();
          if (releasedAt !== undefined) latencies.push(now - releasedAt);
          releasedAt = now;
          grants.add(header.revision, (await client.unlock(key, call)).revision);
        } catch (error) {
          failures.add(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  grants.check(failures, name);
  return { ops: latencies.length, latencies, seconds, ...failures.fields };
}
