// The etcd3 npm package's tests as one script per server (test/etcd3-client*.test.ts): a
// fresh single-member server per kind in API_SERVERS, one client of the package, and the
// store's revision as the script's own writes make it (an empty store is at 1, each write
// adds 1, a write that changes nothing adds none) — so every revision the package reports
// is asserted exactly and identically for etcd and Cohort, never read from one of them.
// Also what the tests compare: key-values as text, a watcher's events, a call's rejection.
//
// Fault model: none; the servers are started fresh and stopped after the file.

import { Etcd3, type IKeyValue, type Isolation, type Watcher } from 'etcd3';
import { afterAll, beforeAll } from 'vitest';
import type { ApiServer, ApiServerKind } from './api-servers.js';

/** The package's STM isolation levels (a const enum, which esbuild cannot import). */
export const ISOLATION = {
  serializableSnapshot: 0 as Isolation,
  serializable: 1 as Isolation,
  repeatableReads: 2 as Isolation,
  readCommitted: 3 as Isolation,
} as const;

/** What a test compares of a key-value: everything but the bytes' type. */
export const kvText = (kv: IKeyValue | null | undefined) =>
  kv == null
    ? undefined
    : {
        key: kv.key.toString(),
        value: kv.value.toString(),
        create: kv.create_revision,
        mod: kv.mod_revision,
        version: kv.version,
        lease: kv.lease,
      };

export interface Seen {
  readonly type: 'put' | 'delete';
  readonly kv: ReturnType<typeof kvText>;
  readonly prev: ReturnType<typeof kvText>;
}

/** Every put and delete `watcher` reports, in order. */
export function record(watcher: Watcher): Seen[] {
  const seen: Seen[] = [];
  watcher.on('put', (kv, prev) => seen.push({ type: 'put', kv: kvText(kv), prev: kvText(prev) }));
  watcher.on('delete', (kv, prev) =>
    seen.push({ type: 'delete', kv: kvText(kv), prev: kvText(prev) }),
  );
  return seen;
}

/** What a call's rejection says: the package's error class and its whole message. */
export async function failure(call: PromiseLike<unknown>): Promise<[string, string]> {
  try {
    await call;
  } catch (error) {
    return [(error as Error).constructor.name, (error as Error).message];
  }
  return ['resolved', ''];
}

export interface Etcd3Script {
  readonly server: ApiServer;
  /** A client without credentials, open for the whole file. */
  readonly client: Etcd3;
  /** The revision after `writes` more writes (int64 as a string, as the package reports it). */
  wrote(writes?: number): string;
  /** The revision now. */
  now(): string;
  /** Another client (closed after the file), optionally authenticating as a user. */
  connect(auth?: { username: string; password: string }): Etcd3;
}

/** Starts a fresh server of `kind` for the enclosing describe block and tracks its revision. */
export function etcd3Script(kind: ApiServerKind): Etcd3Script {
  let server: ApiServer | undefined;
  let client: Etcd3 | undefined;
  const others: Etcd3[] = [];
  let rev = 1;
  beforeAll(async () => {
    server = await kind.start({ members: 1 });
    client = new Etcd3({ hosts: server.endpoints });
  });
  afterAll(async () => {
    for (const c of others) c.close();
    client?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the server has not started');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get client() {
      return started(client);
    },
    wrote(writes = 1) {
      rev += writes;
      return String(rev);
    },
    now: () => String(rev),
    connect(auth) {
      const c = new Etcd3({
        hosts: started(server).endpoints,
        ...(auth === undefined ? {} : { auth }),
      });
      others.push(c);
      return c;
    },
  };
}
