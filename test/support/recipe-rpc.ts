// gRPC clients for etcd's v3lock and v3election services (and the KV and Lease calls the
// tests around them need), generated from the vendored .proto files: the services have no
// etcdctl command and the etcd3 package does not call them, so tests speak them directly.
// Calls resolve with the decoded response or reject with {code, details} as gRPC gave them;
// a call can be cancelled through an AbortSignal, as a client that gives up does.
//
// Fault model: none (a test client; servers are what is under test).

import { type Client, type ClientReadableStream, credentials } from '@grpc/grpc-js';
import { etcdServices } from '../../src/server/proto.js';

export type Message = Record<string, unknown>;

export interface RpcFailure {
  readonly code: number;
  readonly details: string;
}

type UnaryFn = (
  request: Message,
  callback: (error: RpcFailure | null, response: Message) => void,
) => { cancel(): void };

export class RecipeRpc {
  readonly lock: Client;
  readonly election: Client;
  readonly kv: Client;
  readonly lease: Client;
  readonly maintenance: Client;

  constructor(endpoint: string) {
    const s = etcdServices();
    const insecure = credentials.createInsecure();
    const make = (ctor: (typeof s.etcdserverpb)[string]) => new ctor(endpoint, insecure);
    this.lock = make(s.v3lockpb.Lock as never);
    this.election = make(s.v3electionpb.Election as never);
    this.kv = make(s.etcdserverpb.KV as never);
    this.lease = make(s.etcdserverpb.Lease as never);
    this.maintenance = make(s.etcdserverpb.Maintenance as never);
  }

  /** A unary call; with `signal`, aborting it cancels the call. */
  call(client: Client, method: string, request: Message, signal?: AbortSignal): Promise<Message> {
    return new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, UnaryFn>)[method];
      if (fn === undefined) throw new Error(`no method ${method}`);
      const call = fn.call(client, request, (error, response) =>
        error === null ? resolve(response) : reject({ code: error.code, details: error.details }),
      );
      signal?.addEventListener('abort', () => call.cancel());
    });
  }

  /** The failure a call ends with ({code, details}), or throws if it succeeds. */
  async failure(client: Client, method: string, request: Message): Promise<RpcFailure> {
    const outcome = await this.call(client, method, request).then(
      (r) => ({ ok: r }),
      (e: RpcFailure) => ({ failed: e }),
    );
    if ('ok' in outcome) throw new Error(`${method} succeeded: ${JSON.stringify(outcome.ok)}`);
    return outcome.failed;
  }

  /** A fresh lease (decimal string id, as proto-loader gives int64s). */
  async grant(ttlSeconds: number): Promise<string> {
    const r = await this.call(this.lease, 'leaseGrant', { TTL: ttlSeconds });
    return r.ID as string;
  }

  /** Whether the member behind this endpoint is the Raft leader (Maintenance.Status). */
  async isLeader(): Promise<boolean> {
    const r = await this.call(this.maintenance, 'status', {});
    return (r.header as Message).memberId === r.leader;
  }

  /** Election.Observe: the stream of leader responses. */
  observe(name: string): ClientReadableStream<Message> {
    const fn = (this.election as unknown as Record<string, (r: Message) => unknown>).observe;
    return fn?.call(this.election, { name: Buffer.from(name) }) as ClientReadableStream<Message>;
  }

  /** The keys under `prefix`, oldest first. */
  async keys(prefix: string): Promise<string[]> {
    const key = Buffer.from(prefix);
    const end = Buffer.from(prefix);
    end[end.length - 1] = (end[end.length - 1] as number) + 1;
    const r = await this.call(this.kv, 'range', {
      key,
      rangeEnd: end,
      sortTarget: 'CREATE',
      sortOrder: 'ASCEND',
    });
    return (r.kvs as Message[]).map((kv) => (kv.key as Buffer).toString());
  }

  close(): void {
    for (const c of [this.lock, this.election, this.kv, this.lease, this.maintenance]) c.close();
  }
}
