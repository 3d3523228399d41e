// The etcd lock backend's idle leases (issue 17), kept for the next acquire as Go's
// concurrency.Session keeps one lease for its mutexes: an acquire takes an idle lease of its
// TTL and renews it (a keep-alive: no write, so no fsync) where it would grant one (a write),
// and a release deletes its key (one write) and gives the lease back where it would revoke
// it (one write). A cycle is then two writes, not three. A lease serves one hold at a time,
// so a hold's TTL is still its own lease's: nothing another hold does keeps it alive.
//
// Fault model: an idle lease may have run out (idle past its TTL), been revoked by someone
// else, or the server may not answer its renewal: it is dropped (it expires by itself) and a
// lease is granted instead. Idle leases are revoked at close (best effort). At most MAX_IDLE
// are kept, so memory stays bounded whatever the concurrency was.

import type { Client } from '../client/index.js';
import { LockLostError } from './errors.js';
import { CALL_TIMEOUT_MS, callOptions, renewOnce, retrying } from './etcd-calls.js';

const MAX_IDLE = 1024;

interface Idle {
  readonly lease: bigint;
  /** performance.now() until which the lease surely lives (its hold's validity). */
  readonly aliveUntil: number;
}

export class LeasePool {
  /** Idle leases by TTL in seconds, the most recently given back last. */
  private readonly idle = new Map<number, Idle[]>();
  private count = 0;

  constructor(private readonly client: Client) {}

  /** A lease of `ttlSeconds`, renewed or granted by this call (so its TTL starts now). */
  async take(ttlSeconds: number, signal: AbortSignal): Promise<bigint> {
    const list = this.idle.get(ttlSeconds) ?? [];
    // Stops at the first renewal that got no answer (or an abort): a server that does not
    // answer must cost one call time limit, not one per idle lease.
    for (let next = list.pop(); next !== undefined && !signal.aborted; next = list.pop()) {
      this.count -= 1;
      if (performance.now() >= next.aliveUntil) continue;
      const outcome = await renewOnce(this.client, next.lease, CALL_TIMEOUT_MS).then(
        (ttl) => (ttl > 0 ? 'renewed' : 'gone'),
        (error: unknown) => (error instanceof LockLostError ? 'gone' : 'unanswered'),
      );
      if (outcome === 'renewed') return next.lease;
      if (outcome === 'unanswered') break;
    }
    const granted = await retrying('lease grant', signal, () =>
      this.client.grant(ttlSeconds, callOptions(signal)),
    );
    return granted.id;
  }

  /** Keeps a lease no key is attached to any more; false when full (the caller revokes it). */
  give(lease: bigint, ttlSeconds: number, aliveUntil: number): boolean {
    if (this.count >= MAX_IDLE || performance.now() >= aliveUntil) return false;
    const list = this.idle.get(ttlSeconds);
    if (list === undefined) this.idle.set(ttlSeconds, [{ lease, aliveUntil }]);
    else list.push({ lease, aliveUntil });
    this.count += 1;
    return true;
  }

  /** Revokes every idle lease (best effort) and forgets them. */
  async close(): Promise<void> {
    const leases = [...this.idle.values()].flat().map((i) => i.lease);
    this.idle.clear();
    this.count = 0;
    await Promise.all(
      leases.map((lease) =>
        this.client.revoke(lease, { timeoutMs: CALL_TIMEOUT_MS }).catch(() => {}),
      ),
    );
  }
}
