// The one list of algorithms. The CLI, the fuzzer, the Lab and the docs all read it;
// adding an algorithm is adding its folder and one line here.

import type { AnyAlgorithm } from '../core/algorithm.js';
import { oralMessages } from './byzantine/oral-messages/index.js';
import { pbft } from './byzantine/pbft/index.js';
import { signedMessages } from './byzantine/signed-messages/index.js';
import { dpos } from './chain/dpos/index.js';
import { pos } from './chain/pos/index.js';
import { pow } from './chain/pow/index.js';
import { lamport } from './clock/lamport/index.js';
import { vector } from './clock/vector/index.js';
import { multiPaxos } from './consensus/multi-paxos/index.js';
import { paxos } from './consensus/paxos/index.js';
import { raft } from './consensus/raft/index.js';
import { zab } from './consensus/zab/index.js';
import { heartbeat } from './detect/heartbeat/index.js';
import { bully } from './election/bully/index.js';
import { maxId } from './election/max-id/index.js';
import { raftElection } from './election/raft/index.js';
import { ring } from './election/ring/index.js';
import { zabFle } from './election/zab-fle/index.js';
import { antiEntropy } from './gossip/anti-entropy/index.js';
import { swim } from './gossip/swim/index.js';
import { leaseLock } from './locks/lease-lock/index.js';
import { redlock } from './locks/redlock/index.js';
import { znodeQueue } from './locks/znode-queue/index.js';
import { centralized } from './mutex/centralized/index.js';
import { maekawa } from './mutex/maekawa/index.js';
import { ricartAgrawala } from './mutex/ricart-agrawala/index.js';
import { suzukiKasami } from './mutex/suzuki-kasami/index.js';
import { tokenRing } from './mutex/token-ring/index.js';
import { twoLayerTokenRing } from './mutex/two-layer-token-ring/index.js';
import { chain } from './replication/chain/index.js';
import { primaryBackup } from './replication/primary-backup/index.js';
import { quorum } from './replication/quorum/index.js';
import { monolithic } from './scheduling/monolithic/index.js';
import { sharedState } from './scheduling/shared-state/index.js';
import { twoLevel } from './scheduling/two-level/index.js';
import { forgetfulSession } from './testing/forgetful-session/index.js';
import { volatileLock } from './testing/volatile-lock/index.js';
import { twoPc } from './txn/2pc/index.js';
import { threePc } from './txn/3pc/index.js';
import { paxosCommit } from './txn/paxos-commit/index.js';
import { transactionalMessage } from './txn/transactional-message/index.js';

export const algorithms: readonly AnyAlgorithm[] = [
  lamport,
  vector,
  centralized,
  ricartAgrawala,
  tokenRing,
  twoLayerTokenRing,
  suzukiKasami,
  maekawa,
  leaseLock,
  redlock,
  znodeQueue,
  bully,
  maxId,
  ring,
  zabFle,
  raftElection,
  paxos,
  multiPaxos,
  raft,
  zab,
  oralMessages,
  signedMessages,
  pbft,
  pow,
  dpos,
  pos,
  heartbeat,
  antiEntropy,
  swim,
  twoPc,
  threePc,
  paxosCommit,
  transactionalMessage,
  quorum,
  primaryBackup,
  chain,
  monolithic,
  twoLevel,
  sharedState,
  volatileLock,
  forgetfulSession,
];

/** Listed algorithms (test-only ones are runnable by name but not listed). */
export function listedAlgorithms(): AnyAlgorithm[] {
  return algorithms.filter((a) => a.hidden !== true);
}

export function findAlgorithm(name: string): AnyAlgorithm | undefined {
  return algorithms.find((a) => a.name === name);
}

/** Registered names closest to `name` (edit distance), best first, for "did you mean". */
export function nearestAlgorithms(name: string, limit = 3): string[] {
  return listedAlgorithms()
    .map((a) => ({
      name: a.name,
      d: Math.min(distance(name, a.name), distance(name, a.name.split('/')[1] ?? '')),
    }))
    .sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1))
    .slice(0, limit)
    .map((x) => x.name);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
