// Where an RpcClient's calls go: a fixed list of addresses (a plain gRPC server, say) or the
// live instances of a service in the registry (the recipes' ServiceDirectory: one watch on
// `services/<service>/`, each instance's value its address). Each instance gets one grpc-js
// channel and a peer in a load balancer (reliability/balance: round robin, smooth weighted
// round robin, least connections, power of two choices), which also keeps in-flight counts
// and passive failures: an instance that answered UNAVAILABLE is skipped for the pool's
// fail timeout, before the registry drops it when its lease expires.
//
// The directory is read lazily: on a pick, if its revision moved, the peers are brought in
// line with its instances (added ones slow-start if the pool says so; removed ones have their
// channel closed). No task of its own runs in the background.
//
// Fault model: registry values are untrusted text — an instance whose id or address is not a
// valid peer or gRPC target is skipped (and counted in `skipped`), never thrown on.

import { type ChannelCredentials, type ChannelOptions, Client, credentials } from '@grpc/grpc-js';
import type { ServiceDirectory, ServiceInstance } from '../../client/recipes/registry.js';
import { Prng } from '../../core/prng.js';
import {
  type Balancer,
  createBalancer,
  type Outcome,
  type Policy,
  type PoolOptions,
} from '../../reliability/balance/index.js';
import { type Clock, systemClock } from '../../reliability/clock.js';

export type RpcTarget =
  | { readonly addresses: readonly string[] }
  | { readonly directory: ServiceDirectory };

export interface TargetOptions {
  /** Default 'p2c'. */
  readonly policy?: Policy;
  readonly pool?: PoolOptions;
  readonly clock?: Clock;
  /** p2c's random source seed (default: from the clock). */
  readonly seed?: number;
  readonly credentials?: ChannelCredentials;
  readonly channelOptions?: ChannelOptions;
}

export interface Picked {
  readonly id: string;
  readonly channel: Client;
}

const ADDRESS = /^[\w.\-:[\]]{1,255}$/;

export class Targets {
  private balancer: Balancer | undefined;
  private readonly channels = new Map<string, { address: string; channel: Client }>();
  private syncedRevision = -1;
  /** Registry instances skipped for a bad id or address. */
  skipped = 0;

  constructor(
    private readonly target: RpcTarget,
    private readonly options: TargetOptions = {},
  ) {
    if ('addresses' in target) {
      const instances = new Map(target.addresses.map((a) => [a, { id: a, value: a }]));
      if (instances.size === 0) throw new RangeError('no addresses');
      this.sync(instances);
    }
  }

  /** The instances calls may go to now: id → address. */
  instances(): ReadonlyMap<string, string> {
    this.refresh();
    return new Map([...this.channels].map(([id, c]) => [id, c.address]));
  }

  /** An instance for the next attempt (not in `exclude`), or undefined when none is up. */
  pick(exclude?: ReadonlySet<string>): Picked | undefined {
    this.refresh();
    const balancer = this.balancer;
    if (balancer === undefined) return undefined;
    // null: none available; the pool then forgives every failing peer, so one more pick
    // tries them again rather than failing the call while every instance is marked down.
    const id = balancer.pick(exclude) ?? balancer.pick(exclude);
    if (id === null) return undefined;
    return { id, channel: (this.channels.get(id) as { channel: Client }).channel };
  }

  release(id: string, outcome: Outcome): void {
    if (this.channels.has(id)) this.balancer?.release(id, outcome);
  }

  close(): void {
    for (const { channel } of this.channels.values()) channel.close();
    this.channels.clear();
  }

  private refresh(): void {
    if (!('directory' in this.target)) return;
    const directory = this.target.directory;
    if (directory.revision === this.syncedRevision) return;
    this.syncedRevision = directory.revision;
    this.sync(directory.instances);
  }

  private sync(instances: ReadonlyMap<string, Pick<ServiceInstance, 'id' | 'value'>>): void {
    for (const [id, entry] of [...this.channels]) {
      if (instances.get(id)?.value === entry.address) continue;
      entry.channel.close();
      this.channels.delete(id);
      this.balancer?.pool.remove(id);
    }
    for (const [id, instance] of instances) {
      if (this.channels.has(id)) continue;
      if (!ADDRESS.test(instance.value)) {
        this.skipped++;
        continue;
      }
      try {
        if (this.balancer === undefined) this.balancer = this.createBalancer(id);
        else this.balancer.pool.add({ id });
      } catch {
        this.skipped++; // BalanceError: an id that is not a valid peer name.
        continue;
      }
      const creds = this.options.credentials ?? credentials.createInsecure();
      const channel = new Client(instance.value, creds, this.options.channelOptions);
      this.channels.set(id, { address: instance.value, channel });
    }
  }

  private createBalancer(first: string): Balancer {
    const clock = this.options.clock ?? systemClock;
    return createBalancer({
      policy: this.options.policy ?? 'p2c',
      peers: [{ id: first }],
      clock,
      random: new Prng(this.options.seed ?? clock.nowMs(), 'rpc'),
      ...this.options.pool,
    });
  }
}
