// Every algorithm's explanation, by registered name: one data file per family (mutex.ts,
// election.ts, …). A new algorithm adds its entry to its family's file (or a new family's
// file, spread in below); test/lab-explain.test.ts fails until every listed algorithm has one.

import { byzantineExplanations } from './byzantine.js';
import { chainExplanations } from './chain.js';
import { clockExplanations } from './clock.js';
import { consensusExplanations } from './consensus.js';
import { detectExplanations } from './detect.js';
import { electionExplanations } from './election.js';
import { gossipExplanations } from './gossip.js';
import { lockExplanations } from './locks.js';
import { mutexExplanations } from './mutex.js';
import { replicationExplanations } from './replication.js';
import { schedulingExplanations } from './scheduling.js';
import { txnExplanations } from './txn.js';
import type { Explanation } from './types.js';

export const explanations: Readonly<Record<string, Explanation>> = {
  ...clockExplanations,
  ...mutexExplanations,
  ...lockExplanations,
  ...electionExplanations,
  ...consensusExplanations,
  ...byzantineExplanations,
  ...chainExplanations,
  ...detectExplanations,
  ...gossipExplanations,
  ...txnExplanations,
  ...replicationExplanations,
  ...schedulingExplanations,
};

export function explanationOf(algorithm: string): Explanation | undefined {
  return Object.hasOwn(explanations, algorithm) ? explanations[algorithm] : undefined;
}

export type { Bilingual, Explanation, Lang, SeedPassage } from './types.js';
