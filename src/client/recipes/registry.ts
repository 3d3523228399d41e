// A service registry (issue 17): `register` keeps `services/<service>/<instance>` (the value:
// an address, say) on a kept-alive lease of `ttlMs`, so the instance disappears on its own
// once its process stops renewing — it died, hung, or lost the network. An optional health
// check runs every `healthIntervalMs`: while it fails (returns false, throws, or outlasts
// the interval) the registration stops renewing, so the instance disappears within its TTL;
// once healthy again it registers anew (a new lease). A registration whose lease is lost
// otherwise (expired during a partition, revoked) registers anew the same way, with backoff.
//
// ServiceDirectory is the client side: a live Map of a service's instances kept current by
// one watch (mirror.ts), resuming from the last revision it applied after a reconnect.
//
// Fault model: the server may fail and restart; renewals resume by themselves (client
// lease.ts), failed registrations are retried with backoff (`lastError` says why), and the
// key only ever exists on a live lease. Values under the prefix are untrusted bytes from the
// server (decoded as UTF-8, never parsed here).

import type { Client } from '../client.js';
import { backoffMs, sleep } from '../connection.js';
import type { KeyValue } from '../values.js';
import { type MirrorUpdate, PrefixMirror } from './mirror.js';
import { Session, ttlSecondsOf } from './session.js';
import type { WaitOptions } from './wait.js';

export const SERVICES_PREFIX = 'services/';

export interface RegisterOptions {
  /** The lease's TTL: how long the instance outlives its last renewal. */
  readonly ttlMs: number;
  /** The instance's value (e.g. its address; default ''). */
  readonly value?: string;
  /** Healthy? Checked every `healthIntervalMs`; unhealthy stops renewing. */
  readonly health?: () => boolean | Promise<boolean>;
  /** Default: a third of `ttlMs`. */
  readonly healthIntervalMs?: number;
  /** The registry's key prefix (default 'services/'). */
  readonly prefix?: string;
}

function serviceKeyPrefix(service: string, prefix = SERVICES_PREFIX): string {
  if (service === '' || service.includes('/'))
    throw new RangeError(`bad service name ${JSON.stringify(service)}`);
  return `${prefix}${service}/`;
}

/** A running registration; `stop()` deregisters (revokes the lease, deleting the key). */
export class Registration {
  private session: Session | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  /** Why the last attempt to register failed (undefined once one succeeds). */
  lastError: unknown;

  constructor(
    private readonly client: Client,
    readonly key: string,
    private readonly options: RegisterOptions,
  ) {}

  /** Whether the key is on a lease being renewed now. */
  get registered(): boolean {
    return this.session !== undefined;
  }

  /** The lease the key is on now (undefined while not registered). */
  get lease(): bigint | undefined {
    return this.session?.id;
  }

  /** The first round (health check, registration); the loop then runs by itself. */
  async start(): Promise<void> {
    await this.round();
    if (this.lastError !== undefined) throw this.lastError;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const interval = this.options.healthIntervalMs ?? this.options.ttlMs / 3;
      const pauseMs = this.lastError !== undefined ? backoffMs(++failures) : interval;
      if (this.lastError === undefined) failures = 0;
      await this.pause(this.options.health === undefined && failures === 0 ? undefined : pauseMs);
      if (!this.stopped) await this.round();
    }
  }

  /** Sleeps `ms` (or until woken: a lost session, stop()). */
  private async pause(ms: number | undefined): Promise<void> {
    const woken = new AbortController();
    this.wake = () => woken.abort();
    if (this.stopped || (this.session === undefined && ms === undefined)) return;
    await sleep(ms ?? 2 ** 31 - 1, woken.signal).catch(() => {});
    this.wake = undefined;
  }

  private async round(): Promise<void> {
    const healthy = await this.check();
    try {
      if (healthy && this.session === undefined) await this.up();
      else if (!healthy && this.session !== undefined) this.down();
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e;
    }
  }

  /** The health check's verdict; a throw or a check outlasting its interval is unhealthy. */
  private async check(): Promise<boolean> {
    const health = this.options.health;
    if (health === undefined) return true;
    const limitMs = this.options.healthIntervalMs ?? this.options.ttlMs / 3;
    const late = new AbortController();
    try {
      return await Promise.race([
        Promise.resolve().then(health),
        sleep(limitMs, late.signal).then(() => false),
      ]);
    } catch {
      return false;
    } finally {
      late.abort();
    }
  }

  private async up(): Promise<void> {
    const session = await Session.create(this.client, this.options.ttlMs);
    try {
      await this.client.put(this.key, this.options.value ?? '', { lease: session.lease });
    } catch (e) {
      await session.close().catch(() => {});
      throw e;
    }
    this.session = session;
    session.signal.addEventListener('abort', () => {
      if (this.session !== session) return;
      this.session = undefined; // Lost: the next round registers anew.
      this.wake?.();
    });
  }

  /** Stops renewing: the lease runs out and the server deletes the key within the TTL. */
  private down(): void {
    this.session?.keeper.stop();
    this.session = undefined;
  }
}

/** Registers `instance` of `service` and keeps it registered until `stop()`. */
export async function register(
  client: Client,
  service: string,
  instance: string,
  options: RegisterOptions,
): Promise<Registration> {
  ttlSecondsOf(options.ttlMs); // Validates.
  if (instance === '') throw new RangeError('an instance needs an id');
  const interval = options.healthIntervalMs;
  if (interval !== undefined && !(interval >= 1 && interval <= 2 ** 31 - 1))
    throw new RangeError(`bad healthIntervalMs ${interval}`);
  const key = `${serviceKeyPrefix(service, options.prefix)}${instance}`;
  const registration = new Registration(client, key, options);
  await registration.start();
  return registration;
}

export interface ServiceInstance {
  readonly id: string;
  readonly value: string;
  readonly lease: bigint;
  /** The revision of its last registration. */
  readonly revision: number;
}

const instanceOf = (kv: KeyValue, id: string): ServiceInstance => ({
  id,
  value: kv.valueString(),
  lease: kv.lease,
  revision: kv.modRevision,
});

/** The instances of one service, kept current by one watch. */
export class ServiceDirectory {
  private readonly mirror: PrefixMirror<ServiceInstance>;

  constructor(
    client: Client,
    readonly service: string,
    options: { readonly signal?: AbortSignal; readonly prefix?: string } = {},
  ) {
    const prefix = serviceKeyPrefix(service, options.prefix);
    const decode = (kv: KeyValue) => instanceOf(kv, kv.keyString().slice(prefix.length));
    const signal = options.signal;
    this.mirror = new PrefixMirror(client, prefix, decode, signal === undefined ? {} : { signal });
  }

  /** Resolves once the first read is in. */
  get ready(): Promise<void> {
    return this.mirror.ready;
  }

  /** Instance id → instance, as of `revision`. */
  get instances(): ReadonlyMap<string, ServiceInstance> {
    return this.mirror.entries;
  }

  get revision(): number {
    return this.mirror.revision;
  }

  /** Resolves once `predicate(instances)` holds. */
  waitFor(
    predicate: (instances: ReadonlyMap<string, ServiceInstance>) => boolean,
    options?: WaitOptions,
  ): Promise<void> {
    return this.mirror.waitFor(predicate, options);
  }

  /** Every instance, then each revision's changes (mirror.ts). */
  updates(): AsyncGenerator<MirrorUpdate<ServiceInstance>> {
    return this.mirror.subscribe();
  }

  close(): void {
    this.mirror.close();
  }
}
