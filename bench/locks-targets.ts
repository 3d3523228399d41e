// What `cohort bench locks` measures, grouped by the server they share: each group starts its
// server(s) once and opens every implementation on them — Cohort's backend(s) and the peers
// (the npm packages people use for the same job) — so that a row and its peers see the same
// server, disk and neighbours. Every implementation is reduced to one shape (Mutexes):
// acquire a name exclusively for a worker, get back its release.
//
// Peers, configured as documented and alike where they have a knob: redlock 4 (npm; on one
// Redis and on the same 5 instances as Cohort's Redlock) and redis-semaphore 5 (its Mutex)
// poll: a held lock is retried every 10 ms (redis-semaphore's default; redlock's default
// is 200 ms ± 100 ms, set to 10 ms ± 10 ms here so that it is not handicapped); etcd3's
// lock() (npm) is ONE attempt (grant a lease, put the key if absent, else revoke and throw
// EtcdLockFailedError): a waiter retries it after 10 ms + up to 10 ms of jitter. The peers
// are devDependencies, loaded when a run needs them: where one is not installed, its rows
// are skipped with that reason.
//
// Fault model: a failed acquire or release rejects (the run counts it as an error); a wait
// is bounded by WAIT_MS, so a lock that is never granted cannot hang the benchmark.

import { Redis } from 'ioredis';
import { sleep } from '../src/client/connection.js';
import { createLockBackend as etcdBackend } from '../src/locks/etcd.js';
import type { LockBackend } from '../src/locks/lock.js';
import { createLockBackend as postgresBackend } from '../src/locks/postgres.js';
import { createLockBackend as advisoryBackend } from '../src/locks/postgres-advisory.js';
import { createLockBackend as redisBackend } from '../src/locks/redis.js';
import { createLockBackend as redlockBackend } from '../src/locks/redlock.js';
import { createLockBackend as zookeeperBackend } from '../src/locks/zookeeper.js';
import { LocalServers, postgresConnection } from './locks-servers.js';
import { ServerCluster } from './server-cluster.js';

/** Every lock's lease; runs are far shorter, so nothing expires while held. */
export const TTL_MS = 10_000;
/** The longest one acquire waits before it fails (counted as an error). */
export const WAIT_MS = 10_000;
const PEER_RETRY_MS = 10;
const PEER_JITTER_MS = 10;

/** One implementation, reduced: exclusive acquire of `name` for `worker`, resolving to release. */
export interface Mutexes {
  acquire(name: string, worker: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The servers of a group once started: where clients connect. */
export interface Started {
  /** host:port per instance (redis: per independent instance; etcd/Cohort: the leader). */
  readonly endpoints: readonly string[];
  stop(): Promise<void>;
}

export interface Target {
  /** Cohort's backend as --backends names it; a peer runs when its backend does. */
  readonly backend: BackendName;
  /** The row's name: Cohort's backend or the peer package. */
  readonly implementation: string;
  readonly peer: boolean;
  open(started: Started): Promise<Mutexes>;
}

export interface Group {
  /** The server(s), as the table names them. */
  readonly server: string;
  start(cohortArgv: readonly string[]): Promise<Started>;
  readonly targets: readonly Target[];
}

export const BACKENDS = [
  'redis',
  'redlock',
  'postgres',
  'postgres-advisory',
  'etcd',
  'etcd-on-cohort',
  'zookeeper',
] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Cohort's backend through the Lock interface; each worker is its own owner (no re-entry). */
function cohort(backend: LockBackend): Mutexes {
  return {
    async acquire(name, worker) {
      const handle = await backend
        .lock(name)
        .acquire({ ttlMs: TTL_MS, waitMs: WAIT_MS, owner: `bench-worker-${worker}` });
      return () => handle.release();
    },
    close: () => backend.close(),
  };
}

/** A peer package, loaded only when a run needs it (they are devDependencies). */
async function peerModule<T>(name: string): Promise<T> {
  const specifier = name; // Not a literal: the CLI bundle leaves it to Node's resolution.
  try {
    const mod = (await import(specifier)) as { default?: T } & T;
    return mod.default ?? mod;
  } catch (error) {
    throw new Error(`the peer package ${name} is not installed (npm install -D ${name})`, {
      cause: error,
    });
  }
}

const redisUrl = (endpoint: string) => `redis://${endpoint}`;

async function redisClients(endpoints: readonly string[]): Promise<Redis[]> {
  const clients = endpoints.map((e) => new Redis(redisUrl(e), { maxRetriesPerRequest: 1 }));
  await Promise.all(clients.map((c) => c.ping()));
  return clients;
}

interface RedlockLock {
  unlock(): Promise<unknown>;
}
type RedlockClass = new (
  clients: readonly Redis[],
  options: Record<string, number>,
) => { lock(resource: string, ttlMs: number): Promise<RedlockLock> };

/** redlock 4 (npm) over `endpoints`: retries every 10 ms ± 10 ms until WAIT_MS. */
async function npmRedlock(endpoints: readonly string[]): Promise<Mutexes> {
  const Redlock = await peerModule<RedlockClass>('redlock');
  const clients = await redisClients(endpoints);
  const redlock = new Redlock(clients, {
    driftFactor: 0.01,
    retryCount: Math.ceil(WAIT_MS / PEER_RETRY_MS),
    retryDelay: PEER_RETRY_MS,
    retryJitter: PEER_JITTER_MS,
  });
  return {
    async acquire(name) {
      const lock = await redlock.lock(`npm-redlock:${name}`, TTL_MS);
      return async () => {
        await lock.unlock();
      };
    },
    close: async () => void (await Promise.all(clients.map((c) => c.quit()))),
  };
}

interface SemaphoreMutex {
  acquire(): Promise<void>;
  release(): Promise<void>;
}
type MutexClass = new (
  client: Redis,
  key: string,
  options: Record<string, number>,
) => SemaphoreMutex;

/** redis-semaphore 5's Mutex (SET NX PX, polled every 10 ms: its default). */
async function redisSemaphore(endpoint: string): Promise<Mutexes> {
  const { Mutex } = await peerModule<{ Mutex: MutexClass }>('redis-semaphore');
  const [client] = (await redisClients([endpoint])) as [Redis];
  return {
    async acquire(name) {
      const mutex = new Mutex(client, `redis-semaphore:${name}`, {
        lockTimeout: TTL_MS,
        acquireTimeout: WAIT_MS,
        retryInterval: PEER_RETRY_MS,
      });
      await mutex.acquire();
      return () => mutex.release();
    },
    close: async () => void (await client.quit()),
  };
}

interface Etcd3Lock {
  ttl(seconds: number): Etcd3Lock;
  acquire(): Promise<unknown>;
  release(): Promise<unknown>;
}
interface Etcd3Module {
  Etcd3: new (options: { hosts: string[] }) => { lock(key: string): Etcd3Lock; close(): void };
  EtcdLockFailedError: new (...args: never[]) => Error;
}

/** etcd3 (npm)'s lock(): one attempt; retried after 10 ms + jitter while held, until WAIT_MS. */
async function etcd3Locks(endpoints: readonly string[]): Promise<Mutexes> {
  const { Etcd3, EtcdLockFailedError } = await peerModule<Etcd3Module>('etcd3');
  const client = new Etcd3({ hosts: endpoints.slice(0, 1).map((e) => `http://${e}`) });
  return {
    async acquire(name) {
      const deadline = performance.now() + WAIT_MS;
      for (;;) {
        const lock = client.lock(`etcd3-lock/${name}`).ttl(TTL_MS / 1000);
        try {
          await lock.acquire();
          return async () => void (await lock.release());
        } catch (error) {
          if (!(error instanceof EtcdLockFailedError) || performance.now() > deadline) throw error;
          await sleep(PEER_RETRY_MS + Math.random() * PEER_JITTER_MS);
        }
      }
    },
    close: async () => client.close(),
  };
}

function localServers(start: () => Promise<LocalServers>): () => Promise<Started> {
  return async () => {
    const servers = await start();
    return { endpoints: servers.ports.map((p) => `127.0.0.1:${p}`), stop: () => servers.stop() };
  };
}

function cluster(kind: 'etcd' | 'cohort'): (argv: readonly string[]) => Promise<Started> {
  return async (cohortArgv) => {
    const c = await ServerCluster.start({ kind, members: 1, cohortArgv });
    return { endpoints: c.endpoints, stop: () => c.stop() };
  };
}

const postgresUrl = (endpoint: string) => {
  const port = Number(endpoint.split(':')[1]);
  return postgresConnection(port);
};

const etcdTargets = (backend: 'etcd' | 'etcd-on-cohort'): Target[] => [
  {
    backend,
    implementation: 'cohort etcd',
    peer: false,
    open: async (s) => cohort(await etcdBackend({ endpoints: [...s.endpoints] })),
  },
  { backend, implementation: 'etcd3 lock()', peer: true, open: (s) => etcd3Locks(s.endpoints) },
];

export const GROUPS: readonly Group[] = [
  {
    server: 'redis (1 instance)',
    start: localServers(() => LocalServers.redis(1)),
    targets: [
      {
        backend: 'redis',
        implementation: 'cohort redis',
        peer: false,
        open: async (s) =>
          cohort(await redisBackend({ redis: redisUrl(s.endpoints[0] as string) })),
      },
      {
        backend: 'redis',
        implementation: 'redlock (npm)',
        peer: true,
        open: (s) => npmRedlock(s.endpoints),
      },
      {
        backend: 'redis',
        implementation: 'redis-semaphore Mutex',
        peer: true,
        open: (s) => redisSemaphore(s.endpoints[0] as string),
      },
    ],
  },
  {
    server: 'redis (5 instances)',
    start: localServers(() => LocalServers.redis(5)),
    targets: [
      {
        backend: 'redlock',
        implementation: 'cohort redlock',
        peer: false,
        open: async (s) => cohort(await redlockBackend({ instances: s.endpoints.map(redisUrl) })),
      },
      {
        backend: 'redlock',
        implementation: 'redlock (npm)',
        peer: true,
        open: (s) => npmRedlock(s.endpoints),
      },
    ],
  },
  {
    server: 'postgresql 15',
    start: localServers(() => LocalServers.postgres()),
    targets: [
      {
        backend: 'postgres',
        implementation: 'cohort postgres',
        peer: false,
        open: async (s) =>
          cohort(await postgresBackend({ connection: postgresUrl(s.endpoints[0] as string) })),
      },
      {
        backend: 'postgres-advisory',
        implementation: 'cohort postgres-advisory',
        peer: false,
        open: async (s) =>
          cohort(await advisoryBackend({ connection: postgresUrl(s.endpoints[0] as string) })),
      },
    ],
  },
  { server: 'etcd 3.4', start: cluster('etcd'), targets: etcdTargets('etcd') },
  { server: 'cohort serve', start: cluster('cohort'), targets: etcdTargets('etcd-on-cohort') },
  {
    server: 'zookeeper 3.8',
    start: localServers(() => LocalServers.zookeeper()),
    targets: [
      {
        backend: 'zookeeper',
        implementation: 'cohort zookeeper',
        peer: false,
        open: async (s) => cohort(await zookeeperBackend({ connectString: s.endpoints.join(',') })),
      },
    ],
  },
];
