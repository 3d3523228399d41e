// Session replication between app servers (notes 003, "Session Replication"): every app
// server keeps every session in memory and the servers keep each other up to date, so the
// load balancer may send any request anywhere and a dead server loses nothing the others
// had already heard of. The notes' costs are real here: each server holds all sessions, and
// the replication traffic grows with servers × sessions.
//
// Replication is push-pull anti-entropy (gossip/anti-entropy's push-pull exchange, Demers
// et al. 1987; its target choice, `pickPeers`), in the three steps Cassandra's gossiper uses
// to keep the push small: every `periodMs` a server picks `fanout` random peers and sends
// each a digest — (id, ts, node) of every version it holds (Syn); the peer answers with the
// versions the digest lacks or has older, and the ids where the digest is newer (Ack); the
// server sends those (Ack2). Each version merges by last-writer-wins (versions.ts), so one
// exchange leaves both sides with the newer of every session, and a write reaches all N
// servers in O(log N) rounds.
//
// Fault model: servers crash (SIGKILL) and come back empty; a write not yet gossiped when its
// server dies is lost (asynchronous replication: the client's last write may vanish —
// the notes' "eventual" consistency). Peers may be unreachable (counted, and another is
// drawn next round) or hostile: messages are authenticated and parsed, bodies bounded; the
// store holds at most `maxSessions` versions (tombstones included) — a local write beyond it
// evicts the least recently written, a peer's new session beyond it is dropped and counted.

import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pickPeers } from '../../algorithms/gossip/peers.js';
import { Prng } from '../../core/prng.js';
import { DEFAULT_MAX_DATA_BYTES } from '../data.js';
import { InvalidSessionArgument } from '../errors.js';
import type { SessionId } from '../session-id.js';
import { recordStore, type SessionRecords, type SessionStore } from '../store.js';
import { answerSigned, signedPost } from './gossip-http.js';
import {
  type DigestEntry,
  MAX_NODE_ID,
  mergeVersion,
  newerThan,
  parseDigestEntry,
  parseVersion,
  type SessionVersion,
  toWire,
  type WireVersion,
  writeVersion,
} from './versions.js';

export interface ReplicaPeer {
  readonly node: number;
  /** The peer's gossip endpoint, e.g. http://127.0.0.1:7301/ */
  readonly url: string;
}

export interface ReplicatedStoreOptions {
  /** This server's id, 1..65535, distinct among the servers (the writer in every version). */
  readonly node: number;
  /** The shared secret (at least 32 characters or bytes) that authenticates gossip. */
  readonly secret: string | Uint8Array;
  readonly peers?: readonly ReplicaPeer[];
  readonly periodMs?: number;
  readonly fanout?: number;
  readonly maxSessions?: number;
  readonly maxDataBytes?: number;
  /** How long a tombstone outlives the session it deleted (clock skew between servers). */
  readonly tombstoneGraceMs?: number;
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
}

export interface ReplicationStats {
  readonly sessions: number;
  readonly tombstones: number;
  readonly rounds: number;
  readonly exchangesFailed: number;
  /** Versions refused: malformed, expired on arrival, or beyond maxSessions. */
  readonly dropped: number;
}

const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Digest entries cost ~60 bytes; the rest of a message goes to versions. */
const VERSION_BUDGET_BYTES = MAX_MESSAGE_BYTES / 2;

function within(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new InvalidSessionArgument(`${name} must be an integer in ${min}..${max}, got ${value}`);
  return value;
}

export class ReplicatedSessionStore {
  readonly node: number;
  private readonly secret: Buffer;
  private readonly periodMs: number;
  private readonly fanout: number;
  private readonly maxSessions: number;
  private readonly maxDataBytes: number;
  private readonly graceMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly random = new Prng(randomInt(2 ** 47), 'session/gossip');
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  /** Map order is write order (a re-set moves an entry last): eviction takes the first. */
  private readonly versions = new Map<SessionId, SessionVersion>();
  private peers: ReplicaPeer[] = [];
  private server: http.Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight = false;
  private counts = { rounds: 0, exchangesFailed: 0, dropped: 0 };

  constructor(options: ReplicatedStoreOptions) {
    this.node = within('node', options.node, 1, MAX_NODE_ID);
    this.secret = Buffer.from(options.secret);
    if (this.secret.length < 32)
      throw new InvalidSessionArgument('the gossip secret needs 32+ bytes');
    this.periodMs = within('periodMs', options.periodMs ?? 500, 10, 600_000);
    this.fanout = within('fanout', options.fanout ?? 1, 1, 64);
    this.maxSessions = within('maxSessions', options.maxSessions ?? 50_000, 1, 1_000_000);
    this.maxDataBytes = within(
      'maxDataBytes',
      options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES,
      2,
      1 << 20,
    );
    this.graceMs = within('tombstoneGraceMs', options.tombstoneGraceMs ?? 60_000, 0, 86_400_000);
    this.timeoutMs = within('requestTimeoutMs', options.requestTimeoutMs ?? 2_000, 10, 600_000);
    this.now = options.now ?? Date.now;
    this.setPeers(options.peers ?? []);
  }

  /** Replaces the peer list (membership is the operator's: config, service discovery). */
  setPeers(peers: readonly ReplicaPeer[]): void {
    for (const p of peers) {
      within('peer node', p.node, 1, MAX_NODE_ID);
      if (p.node === this.node) throw new InvalidSessionArgument(`peer ${p.node} is this server`);
      new URL(p.url); // Throws a TypeError for a malformed URL, at configuration time.
    }
    if (new Set(peers.map((p) => p.node)).size !== peers.length)
      throw new InvalidSessionArgument('a peer node id is listed twice');
    this.peers = [...peers];
  }

  /** Starts answering gossip on host:port (port 0: any) and gossiping every periodMs. */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = http.createServer((req, res) => {
      const route = req.method === 'POST' ? req.url : undefined;
      const handle =
        route === '/syn'
          ? (m: unknown) => this.onSyn(m)
          : route === '/ack2'
            ? (m: unknown) => this.onAck2(m)
            : undefined;
      if (handle === undefined) {
        res.writeHead(404).end();
        return;
      }
      answerSigned(req, res, { secret: this.secret, maxBytes: MAX_MESSAGE_BYTES, handle }).catch(
        () => {
          res.destroy(); // The connection failed mid-body: nothing to answer.
        },
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.timer = setInterval(() => void this.round(), this.periodMs);
    return (server.address() as AddressInfo).port;
  }

  /** The server-side records the SessionStore reads and writes. */
  records(): SessionRecords {
    return {
      get: async (id) => {
        const v = this.live(id);
        return v === undefined
          ? undefined
          : { dataText: v.value as string, expiresAtMs: v.expiresAtMs };
      },
      put: async (id, record) => this.write(id, record.dataText, record.expiresAtMs),
      delete: async (id) => {
        const previous = this.versions.get(id);
        if (previous === undefined) return;
        const expiresAtMs = Math.max(previous.expiresAtMs, this.now()) + this.graceMs;
        this.write(id, null, expiresAtMs);
      },
      close: () => this.close(),
    };
  }

  store(): SessionStore {
    return recordStore(this.records(), { maxDataBytes: this.maxDataBytes, now: this.now });
  }

  /** The live version of `id` (not a tombstone, not expired). */
  live(id: SessionId): SessionVersion | undefined {
    const v = this.versions.get(id);
    return v !== undefined && v.value !== null && v.expiresAtMs > this.now() ? v : undefined;
  }

  stats(): ReplicationStats {
    let tombstones = 0;
    for (const v of this.versions.values()) if (v.value === null) tombstones++;
    return { ...this.counts, sessions: this.versions.size - tombstones, tombstones };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.agent.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private write(id: SessionId, value: string | null, expiresAtMs: number): void {
    const previous = this.versions.get(id);
    const v = writeVersion(previous, { node: this.node, value, nowMs: this.now(), expiresAtMs });
    this.versions.delete(id);
    this.versions.set(id, v);
    while (this.versions.size > this.maxSessions) {
      this.versions.delete(this.versions.keys().next().value as SessionId);
    }
  }

  /** Merges a peer's version; whether it changed ours. */
  private merge(raw: unknown): boolean {
    const parsed = parseVersion(raw, this.maxDataBytes);
    if (parsed === undefined || parsed.version.expiresAtMs <= this.now()) {
      this.counts.dropped++;
      return false;
    }
    const ours = this.versions.get(parsed.id);
    if (ours === undefined && this.versions.size >= this.maxSessions) {
      this.counts.dropped++;
      return false;
    }
    const merged = ours === undefined ? parsed.version : mergeVersion(ours, parsed.version);
    if (merged === ours) return false;
    this.versions.delete(parsed.id);
    this.versions.set(parsed.id, merged);
    return true;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, v] of this.versions) if (v.expiresAtMs <= now) this.versions.delete(id);
  }

  private digest(): DigestEntry[] {
    return [...this.versions].map(([id, v]) => [id, v.ts, v.node]);
  }

  /** Our versions of `ids` (all when undefined), up to the message budget. */
  private wire(ids: Iterable<SessionId>): WireVersion[] {
    const out: WireVersion[] = [];
    let bytes = 0;
    for (const id of ids) {
      const v = this.versions.get(id);
      if (v === undefined) continue;
      bytes += 80 + (v.value?.length ?? 0);
      if (bytes > VERSION_BUDGET_BYTES) break; // The rest goes in a later round.
      out.push(toWire(id, v));
    }
    return out;
  }

  /** Step 2: the versions the digest lacks or has older, and the ids it has newer. */
  private onSyn(m: unknown): unknown {
    const digest = (m as { digest?: unknown } | null)?.digest;
    if (!Array.isArray(digest) || digest.length > this.maxSessions) return undefined;
    const theirs = new Map<SessionId, DigestEntry>();
    for (const raw of digest) {
      const entry = parseDigestEntry(raw);
      if (entry === undefined) return undefined;
      theirs.set(entry[0], entry);
    }
    const send: SessionId[] = [];
    for (const [id, v] of this.versions) {
      const t = theirs.get(id);
      if (t === undefined || newerThan(v, { ts: t[1], node: t[2] })) send.push(id);
    }
    const want: SessionId[] = [];
    for (const [id, ts, node] of theirs.values()) {
      const v = this.versions.get(id);
      if (v === undefined || newerThan({ ts, node }, v)) want.push(id);
    }
    return { versions: this.wire(send), want };
  }

  /** Step 3, on the peer: the versions it asked for. */
  private onAck2(m: unknown): unknown {
    const versions = (m as { versions?: unknown } | null)?.versions;
    if (!Array.isArray(versions) || versions.length > this.maxSessions) return undefined;
    for (const raw of versions) this.merge(raw);
    return { ok: true };
  }

  private async exchange(peer: ReplicaPeer): Promise<void> {
    const url = new URL(peer.url);
    const o = {
      secret: this.secret,
      maxBytes: MAX_MESSAGE_BYTES,
      timeoutMs: this.timeoutMs,
      agent: this.agent,
    };
    const ack = (await signedPost(
      new URL('syn', url),
      { from: this.node, digest: this.digest() },
      o,
    )) as {
      versions?: unknown;
      want?: unknown;
    } | null;
    const versions = Array.isArray(ack?.versions) ? ack.versions.slice(0, this.maxSessions) : [];
    for (const raw of versions) this.merge(raw);
    const want = Array.isArray(ack?.want) ? ack.want.slice(0, this.maxSessions) : [];
    const asked = want.filter((id): id is SessionId => this.versions.has(id as SessionId));
    if (asked.length > 0)
      await signedPost(new URL('ack2', url), { from: this.node, versions: this.wire(asked) }, o);
  }

  /** One gossip round: sweep, then push-pull with `fanout` random peers. */
  private async round(): Promise<void> {
    if (this.inflight) return; // A slow round is not overlapped by the next.
    this.inflight = true;
    this.counts.rounds++;
    this.sweep();
    const ids = pickPeers(
      this.random,
      this.peers.map((p) => p.node),
      this.fanout,
    );
    const targets = this.peers.filter((p) => ids.includes(p.node));
    await Promise.all(
      targets.map((p) =>
        this.exchange(p).catch(() => {
          this.counts.exchangesFailed++;
        }),
      ),
    );
    this.inflight = false;
  }
}
