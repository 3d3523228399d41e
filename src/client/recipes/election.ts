// Leader election over etcd's election recipe (issue 17), on the client's v3election calls:
// `campaign` waits (FIFO: each candidate watches only its predecessor, inside the server)
// until this candidate leads, and returns a Leader whose `signal` aborts when the leadership
// is lost — its session's lease lost, or its key deleted (resigned elsewhere, revoked) — so a
// leader never acts past its lease. `observe` reports every change of leader (and every value
// a leader proclaims) in order, from a revision: a read of the election's prefix at revision R
// then one watch from R + 1, so, unlike the server's Observe RPC, nothing is missed across
// reconnects. The leader is the key under `name/` with the lowest create revision (clientv3).
//
// Fault model: see session.ts (lease loss), holding.ts (key deletion, watch failure) and
// mirror.ts (observe: resumes after reconnects, re-reads after a compaction and then reports
// the leader as of that read — changes inside the compacted history are not reported).
// Candidate keys are read from the server: the values are opaque bytes, never trusted.

import type { Client } from '../client.js';
import type { CallOptions } from '../connection.js';
import type { Leadership } from '../election.js';
import type { KeyValue } from '../values.js';
import { Holding } from './holding.js';
import { type MirrorUpdate, PrefixMirror } from './mirror.js';
import { type SessionOptions, sessionFor } from './session.js';
import { type WaitOptions, withDeadline } from './wait.js';

export type LeaderCampaignOptions = SessionOptions & WaitOptions;

/** The leader as observe() and leader() report it. */
export interface LeaderInfo {
  /** Its key, `name/<lease hex>`. */
  readonly key: string;
  readonly value: string;
  /** Its key's create revision: the leadership's identity and fencing token. */
  readonly rev: number;
  /** The revision of its last proclaimed value. */
  readonly modRevision: number;
  readonly lease: bigint;
}

/** One observed change: the leader from `revision` on (undefined: nobody campaigns). */
export interface LeaderChange {
  readonly revision: number;
  readonly leader: LeaderInfo | undefined;
}

const infoOf = (kv: KeyValue): LeaderInfo => ({
  key: kv.keyString(),
  value: kv.valueString(),
  rev: kv.createRevision,
  modRevision: kv.modRevision,
  lease: kv.lease,
});

/** The candidate with the lowest create revision, as clientv3 decides leadership. */
function lowest(candidates: ReadonlyMap<string, KeyValue>): KeyValue | undefined {
  let best: KeyValue | undefined;
  for (const kv of candidates.values())
    if (best === undefined || kv.createRevision < best.createRevision) best = kv;
  return best;
}

/** A won campaign. `signal` aborts (HoldLostError) when it is lost or resigned. */
export class Leader {
  private resigned = false;

  constructor(
    private readonly client: Client,
    private readonly leadership: Leadership,
    private readonly holding: Holding,
    private readonly closeSession: (() => Promise<void>) | undefined,
  ) {}

  get key(): string {
    return this.holding.held.key;
  }

  /** The key's create revision: grows with every leadership of the election (fencing). */
  get rev(): number {
    return this.leadership.rev;
  }

  /** The lease the candidacy lives under. */
  get lease(): bigint {
    return this.leadership.lease;
  }

  get signal(): AbortSignal {
    return this.holding.signal;
  }

  /** Publishes a new value (ElectionError 'notLeader' once the key is gone). */
  async proclaim(value: string, options?: CallOptions): Promise<void> {
    this.signal.throwIfAborted();
    await this.client.election.proclaim(this.leadership, value, options);
  }

  /** Gives leadership up: deletes the key (and revokes the lease if the campaign opened it). */
  async resign(options?: CallOptions): Promise<void> {
    if (this.resigned) return;
    this.resigned = true;
    this.holding.stop(new Error('resigned'));
    try {
      await this.client.election.resign(this.leadership, options);
    } finally {
      await this.closeSession?.();
    }
  }
}

/** One election, by name, on one client. */
export class LeaderElection {
  constructor(
    private readonly client: Client,
    readonly name: string,
  ) {
    if (name === '') throw new RangeError('an election needs a name');
  }

  /**
   * Waits until this candidate leads (or `timeoutMs`, `signal`, or the session's loss ends
   * the wait: the candidacy is then withdrawn). With `ttlMs` (no session) the campaign opens
   * its own session and revokes it on resign, loss or failure.
   */
  async campaign(value: string, options: LeaderCampaignOptions = {}): Promise<Leader> {
    const { session, owned } = await sessionFor(this.client, options);
    const closeSession = owned ? () => session.close() : undefined;
    try {
      const leadership = await withDeadline('campaign', options, [session.signal], (signal) =>
        this.client.election.campaign(this.name, value, { lease: session.lease, signal }),
      );
      const key = Buffer.from(leadership.key).toString('utf8');
      const seen = { key, createRevision: leadership.rev };
      const holding = new Holding(this.client, seen, leadership.header.revision, session);
      const leader = new Leader(this.client, leadership, holding, closeSession);
      if (owned)
        holding.signal.addEventListener('abort', () => void session.close().catch(() => {}));
      return leader;
    } catch (e) {
      await closeSession?.().catch(() => {}); // Revoking also withdraws the candidacy.
      throw e;
    }
  }

  /** The current leader (undefined when nobody campaigns). */
  async leader(options?: CallOptions): Promise<LeaderInfo | undefined> {
    const got = await this.client.get(`${this.name}/`, {
      ...options,
      prefix: true,
      sort: { target: 'CREATE', order: 'ASCEND' },
      limit: 1,
    });
    const kv = got.kvs[0];
    return kv === undefined ? undefined : infoOf(kv);
  }

  /**
   * The leader as of `revision` (default: now), then every change of leader or of its value,
   * in order, until `signal` aborts (the iterator then throws its reason) or `break`.
   */
  async *observe(
    options: { readonly signal?: AbortSignal; readonly revision?: number } = {},
  ): AsyncGenerator<LeaderChange> {
    const mirror = new PrefixMirror(this.client, `${this.name}/`, (kv) => kv, options);
    const candidates = new Map<string, KeyValue>();
    let last: KeyValue | undefined | null = null; // null: nothing reported yet.
    try {
      for await (const update of mirror.subscribe()) {
        applyUpdate(candidates, update);
        const now = lowest(candidates);
        const same =
          last !== null &&
          last?.createRevision === now?.createRevision &&
          last?.modRevision === now?.modRevision;
        if (same) continue;
        last = now;
        yield { revision: update.revision, leader: now === undefined ? undefined : infoOf(now) };
      }
    } finally {
      mirror.close();
    }
  }
}

function applyUpdate(candidates: Map<string, KeyValue>, update: MirrorUpdate<KeyValue>): void {
  for (const change of update.changes) {
    if (change.type === 'put') candidates.set(change.key, change.value);
    else candidates.delete(change.key);
  }
}
