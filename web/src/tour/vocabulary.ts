// Per-algorithm words for the tours, only where the generic ones would mislead: the fixed
// role of a node id (in two-phase commit node 1 is the coordinator, 协调者, not "node 1"; in
// the replication family node 1 is the configuration master), and what a "term" is called
// (ZAB's epoch, 纪元). Every other algorithm speaks of nodes and terms (任期). The ids are
// the algorithms' own constants (e.g. txn/2pc/state.ts COORDINATOR = 1).

import type { Bilingual } from '../explain/types.js';

export interface Vocabulary {
  /** The fixed role of node `id`, or undefined when the id alone says nothing. */
  readonly roleOf: (id: number) => Bilingual | undefined;
  readonly term: Bilingual;
  /** What a mutex `enter` output means here (a lock is acquired, not a section entered). */
  readonly enter: Bilingual;
}

const TERM: Bilingual = { en: 'term', zh: '任期' };
const ENTER: Bilingual = { en: 'enters the critical section', zh: '进入临界区' };
const ACQUIRE: Bilingual = { en: 'acquires the lock', zh: '获得锁' };
const nobody = () => undefined;

/** Roles by id: the first ids named, the rest `others` (if given). */
function roles(
  named: Readonly<Record<number, Bilingual>>,
  others?: Bilingual,
): (id: number) => Bilingual | undefined {
  return (id) => named[id] ?? others;
}

const COORDINATOR: Bilingual = { en: 'the coordinator', zh: '协调者' };
const COHORT: Bilingual = { en: 'a cohort', zh: '参与者' };
const MASTER: Bilingual = { en: 'the configuration master', zh: '配置主控节点' };

const OVERRIDES: Readonly<Record<string, Partial<Vocabulary>>> = {
  'mutex/centralized': { roleOf: roles({ 1: COORDINATOR }) },
  'locks/lease-lock': {
    roleOf: roles(
      { 1: { en: 'the lock server', zh: '锁服务器' }, 2: { en: 'the storage', zh: '存储节点' } },
      { en: 'a client', zh: '客户端' },
    ),
    enter: ACQUIRE,
  },
  'locks/redlock': { enter: ACQUIRE },
  'locks/znode-queue': {
    roleOf: roles({ 1: { en: 'the coordination server', zh: '协调服务器' } }),
    enter: ACQUIRE,
  },
  'txn/2pc': { roleOf: roles({ 1: COORDINATOR }, COHORT) },
  'txn/3pc': { roleOf: roles({ 1: COORDINATOR }, COHORT) },
  'txn/paxos-commit': {
    roleOf: roles({ 1: { en: 'the transaction manager', zh: '事务管理器' } }),
  },
  'txn/transactional-message': {
    roleOf: roles(
      {
        1: { en: 'the order service', zh: '订单服务（生产者）' },
        2: { en: 'the broker', zh: 'Broker' },
      },
      { en: 'a consumer', zh: '消费者' },
    ),
  },
  'replication/primary-backup': { roleOf: roles({ 1: MASTER }) },
  'replication/chain': { roleOf: roles({ 1: MASTER }) },
  'byzantine/oral-messages': {
    roleOf: roles({ 1: { en: 'the commander', zh: '司令' } }, { en: 'a lieutenant', zh: '副官' }),
  },
  'byzantine/signed-messages': {
    roleOf: roles({ 1: { en: 'the commander', zh: '司令' } }, { en: 'a lieutenant', zh: '副官' }),
  },
  'election/zab-fle': { term: { en: 'epoch', zh: '纪元' } },
  'consensus/zab': { term: { en: 'epoch', zh: '纪元' } },
};

export function vocabularyOf(algorithm: string): Vocabulary {
  const over = Object.hasOwn(OVERRIDES, algorithm) ? OVERRIDES[algorithm] : undefined;
  return { roleOf: nobody, term: TERM, enter: ENTER, ...over };
}
