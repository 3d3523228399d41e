// Cluster (membership) and Maintenance (status, hash, snapshot) calls. Member ids are
// uint64 in etcd's API and are bigints here. Member list, status and hash are reads (retried
// on another endpoint); member add and remove are writes (never resent once sent). The
// snapshot is a byte stream: it is restarted on another endpoint only if it fails before its
// first chunk arrived, because a stream that broke halfway cannot be continued elsewhere.
//
// Note that a status or hash describes the member that answered it (`header.memberId`), not
// the cluster; after a failover that is a different member.
//
// Fault model: the connection's (connection.ts); responses are decoded leniently (values.ts).

import type { CallOptions, Connection } from './connection.js';
import { fromGrpc, isUnavailable } from './errors.js';
import { big, type Header, headerFromWire, int, long, type Wire } from './values.js';

export interface Member {
  readonly id: bigint;
  /** Empty for a member added but not started yet. */
  readonly name: string;
  readonly peerUrls: string[];
  readonly clientUrls: string[];
  readonly isLearner: boolean;
}

export interface Members {
  readonly header: Header;
  readonly members: Member[];
}

export interface Status {
  readonly header: Header;
  readonly version: string;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  /** The member id of the leader as this member knows it (0n: none). */
  readonly leader: bigint;
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  /** Alarm or other error descriptions the member reports. */
  readonly errors: string[];
  readonly isLearner: boolean;
}

export interface HashKV {
  readonly header: Header;
  /** CRC-32 of the key space up to the revision asked for (etcd's hash-kv). */
  readonly hash: number;
  readonly compactRevision: number;
}

const strings = (x: unknown): string[] =>
  Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];

function memberFromWire(w: Wire): Member {
  return {
    id: big(w.ID),
    name: typeof w.name === 'string' ? w.name : '',
    peerUrls: strings(w.peerURLs),
    clientUrls: strings(w.clientURLs),
    isLearner: w.isLearner === true,
  };
}

function membersFromWire(w: Wire): Members {
  const members = Array.isArray(w.members) ? (w.members as Wire[]).map(memberFromWire) : [];
  return { header: headerFromWire(w.header), members };
}

export class Cluster {
  constructor(private readonly connection: Connection) {}

  async memberList(options?: CallOptions): Promise<Members> {
    return membersFromWire(
      await this.connection.unary('Cluster', 'MemberList', {}, 'idempotent', options),
    );
  }

  /** Announces a new member (start it afterwards with initial-cluster-state "existing"). */
  async memberAdd(
    peerUrls: readonly string[],
    options: CallOptions & { readonly isLearner?: boolean } = {},
  ): Promise<Members & { readonly member: Member }> {
    const request = { peerURLs: [...peerUrls], isLearner: options.isLearner === true };
    const w = await this.connection.unary('Cluster', 'MemberAdd', request, 'at-most-once', options);
    return { ...membersFromWire(w), member: memberFromWire((w.member ?? {}) as Wire) };
  }

  async memberRemove(id: bigint, options?: CallOptions): Promise<Members> {
    const request = { ID: long(id) };
    return membersFromWire(
      await this.connection.unary('Cluster', 'MemberRemove', request, 'at-most-once', options),
    );
  }

  /** Changes a member's peer URLs. */
  async memberUpdate(
    id: bigint,
    peerUrls: readonly string[],
    options?: CallOptions,
  ): Promise<Members> {
    const request = { ID: long(id), peerURLs: [...peerUrls] };
    return membersFromWire(
      await this.connection.unary('Cluster', 'MemberUpdate', request, 'at-most-once', options),
    );
  }

  /**
   * Makes a learner a voting member. Refused (EtcdError 'learnerNotReady') until the learner
   * holds 90 % of the leader's log: retry once it has caught up.
   */
  async memberPromote(id: bigint, options?: CallOptions): Promise<Members> {
    const request = { ID: long(id) };
    return membersFromWire(
      await this.connection.unary('Cluster', 'MemberPromote', request, 'at-most-once', options),
    );
  }
}

export class Maintenance {
  constructor(private readonly connection: Connection) {}

  async status(options?: CallOptions): Promise<Status> {
    const w = await this.connection.unary('Maintenance', 'Status', {}, 'idempotent', options);
    return {
      header: headerFromWire(w.header),
      version: typeof w.version === 'string' ? w.version : '',
      dbSize: int(w.dbSize),
      dbSizeInUse: int(w.dbSizeInUse),
      leader: big(w.leader),
      raftIndex: int(w.raftIndex),
      raftTerm: int(w.raftTerm),
      raftAppliedIndex: int(w.raftAppliedIndex),
      errors: strings(w.errors),
      isLearner: w.isLearner === true,
    };
  }

  /** The hash of the key space up to `revision` (0: the latest). */
  async hashKV(revision = 0, options?: CallOptions): Promise<HashKV> {
    const request = { revision };
    const w = await this.connection.unary('Maintenance', 'HashKV', request, 'idempotent', options);
    return {
      header: headerFromWire(w.header),
      hash: int(w.hash),
      compactRevision: int(w.compactRevision),
    };
  }

  /** The answering member's backend database, as chunks (etcdctl snapshot save's input). */
  async *snapshot(options: CallOptions = {}): AsyncGenerator<Uint8Array> {
    for (let attempt = 0; ; attempt++) {
      const { stream, index } = await this.connection.serverStream(
        'Maintenance',
        'Snapshot',
        {},
        options,
      );
      const onAbort = () => stream.cancel();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let delivered = false;
      try {
        for await (const w of stream as AsyncIterable<Wire>) {
          const blob = w.blob instanceof Uint8Array ? w.blob : undefined;
          if (blob === undefined || blob.length === 0) continue;
          delivered = true;
          yield blob;
        }
        return;
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        const error = fromGrpc(e);
        if (delivered || !isUnavailable(error) || attempt > 0) throw error;
        this.connection.failover(index);
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        stream.cancel();
      }
    }
  }
}
