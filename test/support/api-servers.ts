// The servers that speak etcd's v3 API, as the client tests see them: the same tests run
// against each kind (`describe.each(API_SERVERS)`): a real etcd 3.4 and Cohort's own server
// (`cohort serve`, issue 16). A case that needs a feature Cohort lacks runs for 'etcd' only
// (`onlyEtcd`), with a comment naming the feature.
//
// Fault model: see each kind's launcher (test/support/etcd.ts, test/support/cohort-server.ts).

import { CohortServer } from './cohort-server.js';
import { EtcdCluster, type EtcdOptions } from './etcd.js';

/** A running server (one or more members) the tests can restart under a client. */
export interface ApiServer {
  readonly endpoints: string[];
  /** Stops member `index` (SIGTERM or SIGKILL). */
  stopMember(index: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a stopped member again on its data; resolves once it serves. */
  startMember(index: number): Promise<void>;
  restartMember(index: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Freezes member `index` (SIGSTOP): its connections stay open and nothing is answered. */
  pauseMember(index: number): void;
  resumeMember(index: number): void;
  stop(): Promise<void>;
}

export interface ApiServerKind {
  readonly kind: string;
  /** Fresh members (default 1), optionally serving clients over TLS. */
  start(options: EtcdOptions): Promise<ApiServer>;
}

export const API_SERVERS: readonly ApiServerKind[] = [
  { kind: 'etcd', start: (options) => EtcdCluster.start(options) },
  { kind: 'cohort', start: (options) => CohortServer.start(options) },
];

/** Whether `kind` has a feature Cohort's server lacks (yet): `it.runIf(onlyEtcd(kind))`. */
export const onlyEtcd = (kind: string): boolean => kind === 'etcd';

/** The kinds for a whole `describe.each` that needs a feature Cohort's server lacks. */
export const ETCD_ONLY: readonly ApiServerKind[] = API_SERVERS.filter((s) => onlyEtcd(s.kind));
