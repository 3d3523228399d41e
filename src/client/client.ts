// Cohort's typed client for etcd's v3 API (Cohort's server or a real etcd 3.4): `connect()`
// returns a Client with the KV calls, a Txn builder, watches as async iterables, leases with
// keep-alive, locks and elections (etcd's v3lock and v3election services), and the Cluster and
// Maintenance calls. Every call takes `{ signal, timeoutMs }`.
//
// Retry rules (connection.ts): reads are retried on the next endpoint after UNAVAILABLE;
// writes (put, delete, a Txn with writes, compact, lease grant/revoke, member add/remove) are
// resent only when they provably never left the client — otherwise the caller gets the error
// (retryable: true) and the write's outcome is unknown. Watches and keep-alives resume on
// their own.
//
// Fault model: endpoints fail, restart and come back; errors are typed (errors.ts).

import { Cluster, Maintenance } from './cluster.js';
import { type CallOptions, Connection, type ConnectOptions } from './connection.js';
import { Election } from './election.js';
import { Leases } from './lease.js';
import { type LockOptions, type LockResult, Locks } from './lock.js';
import {
  type DeleteOptions,
  type DeleteResult,
  deleteRequest,
  deleteResult,
  type GetOptions,
  type GetResult,
  getResult,
  type PutOptions,
  type PutResult,
  putRequest,
  putResult,
  rangeRequest,
} from './ops.js';
import { TxnBuilder } from './txn.js';
import { type BytesLike, type Header, headerFromWire } from './values.js';
import { type WatchHub as Hub, type Watcher, WatchHub, type WatchOptions } from './watch.js';

export class Client {
  private readonly watches: Hub;
  private readonly leaseCalls: Leases;
  private readonly clusterCalls: Cluster;
  private readonly maintenanceCalls: Maintenance;
  private readonly lockCalls: Locks;
  /** Elections (etcd's v3election): campaign, proclaim, leader, observe, resign. */
  readonly election: Election;

  constructor(private readonly connection: Connection) {
    this.watches = new WatchHub(connection);
    this.leaseCalls = new Leases(connection);
    this.clusterCalls = new Cluster(connection);
    this.maintenanceCalls = new Maintenance(connection);
    this.lockCalls = new Locks(connection);
    this.election = new Election(connection);
  }

  /** The endpoint calls go to now (it changes on failover). */
  get endpoint(): string {
    return this.connection.endpoint;
  }

  // ---- KV ----------------------------------------------------------------------------------

  /** Reads one key, a prefix or a range (idempotent: retried on another endpoint). */
  async get(key: BytesLike, options: GetOptions & CallOptions = {}): Promise<GetResult> {
    const request = rangeRequest(key, options);
    return getResult(await this.connection.unary('KV', 'Range', request, 'idempotent', options));
  }

  /** Writes one key (a write: never resent once it may have reached a server). */
  async put(
    key: BytesLike,
    value: BytesLike,
    options: PutOptions & CallOptions = {},
  ): Promise<PutResult> {
    const request = putRequest(key, value, options);
    return putResult(await this.connection.unary('KV', 'Put', request, 'at-most-once', options));
  }

  /** Deletes one key, a prefix or a range (a write). */
  async delete(key: BytesLike, options: DeleteOptions & CallOptions = {}): Promise<DeleteResult> {
    const request = deleteRequest(key, options);
    const reply = await this.connection.unary(
      'KV',
      'DeleteRange',
      request,
      'at-most-once',
      options,
    );
    return deleteResult(reply);
  }

  /** A Txn: `client.txn().if(Compare…).then(Op…).else(Op…).commit()`. */
  txn(): TxnBuilder {
    return new TxnBuilder(this.connection);
  }

  /** Discards the history before `revision` (a write). */
  async compact(
    revision: number,
    options: CallOptions & { readonly physical?: boolean } = {},
  ): Promise<Header> {
    const request = { revision, physical: options.physical === true };
    const reply = await this.connection.unary('KV', 'Compact', request, 'at-most-once', options);
    return headerFromWire(reply.header);
  }

  // ---- Watch -------------------------------------------------------------------------------

  /**
   * Watches a key, prefix or range: `for await (const event of client.watch('k')) …`.
   * Survives reconnects (resuming after the last event seen); throws WatchCompactedError
   * when the revision it needs is compacted.
   */
  watch(key: BytesLike, options: WatchOptions = {}): Watcher {
    return this.watches.watch(key, options);
  }

  // ---- Leases ------------------------------------------------------------------------------

  /** Grants a lease (a write); `lease.keepAlive()` keeps it. */
  grant(ttlSeconds: number, options?: CallOptions & { readonly id?: bigint }) {
    return this.leaseCalls.grant(ttlSeconds, options);
  }

  revoke(...args: Parameters<Leases['revoke']>) {
    return this.leaseCalls.revoke(...args);
  }

  timeToLive(...args: Parameters<Leases['timeToLive']>) {
    return this.leaseCalls.timeToLive(...args);
  }

  /** The ids of every lease. */
  leases(options?: CallOptions) {
    return this.leaseCalls.list(options);
  }

  /** Keeps a lease (granted elsewhere, by id) alive. */
  keepAlive(...args: Parameters<Leases['keepAlive']>) {
    return this.leaseCalls.keepAlive(...args);
  }

  // ---- Locks (etcd's v3lock) ---------------------------------------------------------------

  /** Waits until lock `name` is held under `options.lease`; the key is the holder's proof. */
  lock(name: BytesLike, options: LockOptions): Promise<LockResult> {
    return this.lockCalls.lock(name, options);
  }

  /** Releases a lock by the key `lock()` returned. */
  unlock(key: BytesLike, options?: CallOptions): Promise<Header> {
    return this.lockCalls.unlock(key, options);
  }

  // ---- Cluster and Maintenance -------------------------------------------------------------

  memberList(options?: CallOptions) {
    return this.clusterCalls.memberList(options);
  }

  memberAdd(...args: Parameters<Cluster['memberAdd']>) {
    return this.clusterCalls.memberAdd(...args);
  }

  memberRemove(...args: Parameters<Cluster['memberRemove']>) {
    return this.clusterCalls.memberRemove(...args);
  }

  memberUpdate(...args: Parameters<Cluster['memberUpdate']>) {
    return this.clusterCalls.memberUpdate(...args);
  }

  memberPromote(...args: Parameters<Cluster['memberPromote']>) {
    return this.clusterCalls.memberPromote(...args);
  }

  status(options?: CallOptions) {
    return this.maintenanceCalls.status(options);
  }

  hashKV(revision?: number, options?: CallOptions) {
    return this.maintenanceCalls.hashKV(revision, options);
  }

  /** The answering member's database as a byte stream. */
  snapshot(options?: CallOptions): AsyncGenerator<Uint8Array> {
    return this.maintenanceCalls.snapshot(options);
  }

  /** Ends every watch and keep-alive and closes the connections. */
  close(): void {
    this.watches.close();
    this.leaseCalls.close();
    this.election.close();
    this.connection.close();
  }
}

/**
 * Connects to the first reachable endpoint (within `dialTimeoutMs`, default 5 s) and, with
 * `auth`, authenticates. Throws GrpcError UNAVAILABLE when no endpoint answers.
 */
export async function connect(
  options: ConnectOptions & { readonly signal?: AbortSignal },
): Promise<Client> {
  const connection = new Connection(options);
  try {
    await connection.open(options.signal);
  } catch (e) {
    connection.close();
    throw e;
  }
  return new Client(connection);
}
