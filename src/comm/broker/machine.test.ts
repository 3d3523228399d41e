// The broker's state machine without I/O: an in-memory storage stands for the WAL and an
// in-memory record store for the segments (every step durable), time is a number. A "crash"
// is a new machine on the same storage and records: members and in-flight deliveries are
// lost, durable state is not.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../runtime/memory-storage.js';
import { assign } from './assign.js';
import { brokerConfig } from './config.js';
import { BrokerError } from './errors.js';
import type { Delivery } from './groups.js';
import { BrokerMachine } from './machine.js';
import { MemoryRecords } from './record-store.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function fresh(overrides = {}) {
  const storage = new MemoryStorage();
  const records = new MemoryRecords();
  const config = brokerConfig({ ackTimeoutMs: 1000, sessionTimeoutMs: 500, ...overrides });
  return { storage, records, config, m: new BrokerMachine(storage, config, 0, records) };
}

// Weighted so that runs reach the interesting states: several members holding several
// deliveries each, acks out of order, timeouts, leaves and crashes in between.
const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('publish' as const),
      key: fc.integer({ min: 0, max: 5 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('join' as const),
      group: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('pull' as const),
      who: fc.nat(),
      n: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ k: fc.constant('ack' as const), who: fc.nat(), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('leave' as const), who: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('time' as const),
      ms: fc.integer({ min: 0, max: 1200 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('crash' as const) }) },
);

const GROUPS = [
  { group: 'g-part', mode: 'partitioned' as const },
  { group: 'g-queue', mode: 'shared' as const },
];

describe('comm/broker machine', () => {
  it('delivers every published message to every group at least once, across crashes', () => {
    let acks = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }), (ops) => {
        const { storage, records, config } = fresh({ maxInFlightPerConsumer: 3 });
        let now = 0;
        let m = new BrokerMachine(storage, config, now, records);
        m.createTopic('t', { partitions: 3 }, now);
        const published = new Map<string, string>();
        const acked = new Map<string, Set<string>>(GROUPS.map((g) => [g.group, new Set()]));
        let members: { id: string; group: string; held: Delivery[] }[] = [];
        // Per incarnation, group and partition: first deliveries in offset order.
        let lastFirst = new Map<string, number>();
        const record = (who: (typeof members)[number], ds: Delivery[]) => {
          for (const d of ds) {
            expect(text(d.value)).toBe(published.get(`${d.partition}:${d.offset}`));
            who.held.push(d);
            if (d.attempt !== 1 || who.group !== 'g-part') continue;
            const id = `${d.group}/${d.partition}`;
            expect(d.offset).toBeGreaterThan(lastFirst.get(id) ?? -1);
            lastFirst.set(id, d.offset);
          }
        };
        for (const o of ops) {
          const who =
            members.length > 0 ? members[('who' in o ? o.who : 0) % members.length] : undefined;
          if (o.k === 'publish') {
            const value = `k${o.key}#${published.size}`;
            const at = m.publish('t', [{ key: `k${o.key}`, value: bytes(value) }], now)[0];
            if (at === undefined) throw new Error('no result');
            published.set(`${at.partition}:${at.offset}`, value);
          } else if (o.k === 'join') {
            const g = GROUPS[o.group] as (typeof GROUPS)[number];
            if (members.filter((x) => x.group === g.group).length >= 3) continue;
            const j = m.groups.join({ ...g, topics: ['t'] }, now);
            members.push({ id: j.memberId, group: g.group, held: [] });
          } else if (o.k === 'pull' && who !== undefined) {
            record(who, m.groups.pull(who.id, now, o.n));
          } else if (o.k === 'ack' && who !== undefined && who.held.length > 0) {
            const d = who.held.splice(o.pick % who.held.length, 1)[0] as Delivery;
            try {
              m.groups.ack(who.id, d.topic, d.partition, d.offset);
              acked.get(who.group)?.add(`${d.partition}:${d.offset}`);
              acks += 1;
            } catch (e) {
              // Held too long (timed out and handed on) or revoked by a rebalance.
              expect((e as BrokerError).code).toBe('stale-delivery');
            }
          } else if (o.k === 'leave' && who !== undefined) {
            if (m.groups.has(who.id)) m.groups.leave(who.id);
            members = members.filter((x) => x !== who);
          } else if (o.k === 'time') {
            now += o.ms;
            for (const x of members) if (m.groups.has(x.id)) m.groups.heartbeat(x.id, now);
            m.tick(now);
          } else if (o.k === 'crash') {
            m = new BrokerMachine(storage, config, now, records);
            members = [];
            lastFirst = new Map();
          }
          // Committed offsets never pass an offset that was not acknowledged.
          for (const g of GROUPS)
            for (let p = 0; p < 3; p++) {
              const c = m.groups.committedOf(g.group, 't', p) ?? 0;
              for (let x = 0; x < c; x++)
                expect(acked.get(g.group)?.has(`${p}:${x}`), `${g.group} ${p}:${x}`).toBe(true);
            }
        }
        // Drain: one member per group takes and acks everything still owed.
        for (const g of GROUPS) {
          const j = m.groups.join({ ...g, topics: ['t'] }, now);
          for (let round = 0; round < 10_000; round++) {
            now += 2000;
            m.groups.heartbeat(j.memberId, now);
            m.tick(now);
            const ds = m.groups.pull(j.memberId, now);
            if (ds.length === 0 && round > 0) break;
            for (const d of ds) {
              m.groups.ack(j.memberId, d.topic, d.partition, d.offset);
              acked.get(g.group)?.add(`${d.partition}:${d.offset}`);
            }
          }
          expect([...(acked.get(g.group) as Set<string>)].sort()).toEqual(
            [...published.keys()].sort(),
          );
          for (const info of m.partitions('t'))
            expect(m.groups.committedOf(g.group, 't', info.partition)).toBe(info.next);
        }
      }),
      { numRuns: 300 },
    );
    // The runs did exercise acknowledgements (out of order among them), not just publishes.
    expect(acks).toBeGreaterThan(1000);
  });

  it('assigns each partition to exactly one subscribing member, balanced', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('range' as const, 'round-robin' as const),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (assignor, members, partitions) => {
          const ms = Array.from({ length: members }, (_, i) => ({
            id: `m${i}`,
            topics: ['a', 'b'],
          }));
          const out = assign(
            assignor,
            ms,
            new Map([
              ['a', partitions],
              ['b', partitions],
            ]),
          );
          const owned = [...out.values()].flat().map((tp) => `${tp.topic}/${tp.partition}`);
          expect(owned.sort()).toEqual(
            ['a', 'b']
              .flatMap((t) => Array.from({ length: partitions }, (_, p) => `${t}/${p}`))
              .sort(),
          );
          const counts = [...out.values()].map((x) => x.length);
          // Range balances per topic (so within 2 over two topics); round robin overall.
          const slack = assignor === 'range' ? 2 : 1;
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(slack);
        },
      ),
    );
  });

  it('rebalances when a member joins, leaves or times out, and refuses stale generations', () => {
    const { m } = fresh();
    m.createTopic('t', { partitions: 4 }, 0);
    const a = m.groups.join({ group: 'g', topics: ['t'] }, 0);
    expect(a.assignment).toHaveLength(4);
    const b = m.groups.join({ group: 'g', topics: ['t'] }, 0);
    expect(b.generation).toBe(a.generation + 1);
    expect(m.groups.assignmentOf(a.memberId)).toHaveLength(2);
    expect(m.groups.assignmentOf(b.memberId)).toHaveLength(2);
    const ownedByA = m.groups.assignmentOf(a.memberId)[0];
    if (ownedByA === undefined) throw new Error('a owns nothing');
    m.publish('t', [{ value: bytes('x'), partition: ownedByA.partition }], 0);
    expect(() => m.groups.commit(a.memberId, a.generation, 't', ownedByA.partition, 1)).toThrow(
      expect.objectContaining({ code: 'illegal-generation' }),
    );
    const gen = m.groups.generationOf(a.memberId);
    m.groups.commit(a.memberId, gen, 't', ownedByA.partition, 1);
    expect(m.groups.committedOf('g', 't', ownedByA.partition)).toBe(1);
    expect(() => m.groups.commit(a.memberId, gen, 't', ownedByA.partition, 5)).toThrow(
      expect.objectContaining({ code: 'offset-out-of-range' }),
    );
    const notMine = m.groups.assignmentOf(b.memberId)[0];
    if (notMine === undefined) throw new Error('b owns nothing');
    expect(() => m.groups.commit(a.memberId, gen, 't', notMine.partition, 0)).toThrow(
      expect.objectContaining({ code: 'not-assigned' }),
    );
    // b stops heartbeating: after its session timeout a owns everything again.
    m.groups.heartbeat(a.memberId, 400);
    const t = m.tick(600);
    expect(t.rebalanced).toEqual(['g']);
    expect(m.groups.has(b.memberId)).toBe(false);
    expect(m.groups.assignmentOf(a.memberId)).toHaveLength(4);
    expect(() => m.groups.heartbeat(b.memberId, 600)).toThrow(
      expect.objectContaining({ code: 'unknown-member' }),
    );
  });

  it('redelivers after the ack timeout, to another member of a queue', () => {
    const { m } = fresh();
    m.createTopic('q', {}, 0);
    m.publish('q', [{ value: bytes('job') }], 0);
    const a = m.groups.join({ group: 'w', topics: ['q'], mode: 'shared' }, 0);
    const b = m.groups.join({ group: 'w', topics: ['q'], mode: 'shared' }, 0);
    expect(m.groups.pull(a.memberId, 0)).toHaveLength(1);
    expect(m.groups.pull(b.memberId, 0)).toHaveLength(0);
    m.groups.heartbeat(a.memberId, 1000);
    m.groups.heartbeat(b.memberId, 1000);
    m.tick(1000);
    const again = m.groups.pull(b.memberId, 1000);
    expect(again.map((d) => [d.offset, d.attempt])).toEqual([[0, 2]]);
    expect(() => m.groups.ack(a.memberId, 'q', 0, 0)).toThrow(
      expect.objectContaining({ code: 'stale-delivery' }),
    );
    m.groups.ack(b.memberId, 'q', 0, 0);
    expect(m.groups.committedOf('w', 'q', 0)).toBe(1);
  });

  it('keeps offsets growing while retention deletes old records by size and age', () => {
    const { m } = fresh();
    m.createTopic('r', { retentionBytes: 10, retentionMs: 1000 }, 0);
    for (let i = 0; i < 5; i++) m.publish('r', [{ value: bytes('abcd') }], i);
    expect(m.partitions('r')[0]).toMatchObject({ start: 3, next: 5, bytes: 8 });
    m.tick(1004);
    expect(m.partitions('r')[0]).toMatchObject({ start: 4, next: 5 });
    m.tick(5000);
    expect(m.partitions('r')[0]).toMatchObject({ start: 5, next: 5, bytes: 0 });
    expect(m.publish('r', [{ value: bytes('z') }], 5000)).toEqual([{ partition: 0, offset: 5 }]);
    // A group that starts from the earliest offset starts where retention left the log.
    const c = m.groups.join({ group: 'late', topics: ['r'] }, 5000);
    expect(m.groups.pull(c.memberId, 5000).map((d) => d.offset)).toEqual([5]);
  });

  it('refuses bad input with typed errors and changes nothing', () => {
    const { m, storage } = fresh({ maxMessageBytes: 8 });
    m.createTopic('t', { partitions: 2 }, 0);
    const before = storage.keys().length;
    const bad: [() => unknown, string][] = [
      [() => m.publish('nope', [{ value: bytes('x') }], 0), 'unknown-topic'],
      [() => m.publish('t', [{ value: bytes('123456789') }], 0), 'message-too-large'],
      [
        () => m.publish('t', [{ value: bytes('1') }, { value: bytes('123456789') }], 0),
        'message-too-large',
      ],
      [() => m.publish('t', [{ value: bytes('x'), partition: 2 }], 0), 'invalid-argument'],
      [() => m.publish('t', [], 0), 'invalid-argument'],
      [() => m.publish('a/b', [{ value: bytes('x') }], 0), 'invalid-argument'],
      [() => m.createTopic('t', { partitions: 3 }, 0), 'topic-exists'],
      [() => m.createTopic('u', { partitions: 0 }, 0), 'invalid-argument'],
      [() => m.createTopic('u', { partitions: -1 }, 0), 'invalid-argument'],
      [() => m.groups.join({ group: 'g', topics: ['nope'] }, 0), 'unknown-topic'],
      [() => m.groups.join({ group: 'g', topics: ['t'], maxInFlight: 0 }, 0), 'invalid-argument'],
      [() => m.groups.ack('m9.9', 't', 0, 0), 'unknown-member'],
      [() => m.endTransaction('00000001-000000000042', 'commit', 0), 'unknown-transaction'],
      [() => m.prepare('p', 'nope', { value: bytes('x') }, 0), 'unknown-topic'],
    ];
    for (const [f, code] of bad) expect(f).toThrow(expect.objectContaining({ code }));
    for (const [f] of bad) expect(f).toThrow(BrokerError);
    expect(storage.keys().length).toBe(before);
  });

  it('delivers committed half messages only, and checks back when no outcome arrives', () => {
    const { m, storage, records, config } = fresh({ checkIntervalMs: 100, checkMaxAttempts: 2 });
    m.createTopic('orders', {}, 0);
    const c = m.groups.join({ group: 'pay', topics: ['orders'], sessionTimeoutMs: 100_000 }, 0);
    const yes = m.prepare('shop', 'orders', { value: bytes('yes') }, 0);
    const no = m.prepare('shop', 'orders', { value: bytes('no') }, 0);
    const lost = m.prepare('shop', 'orders', { value: bytes('lost') }, 0);
    expect(m.groups.pull(c.memberId, 0)).toEqual([]);
    expect(m.endTransaction(yes, 'commit', 1)).toMatchObject({ outcome: 'commit', offset: 0 });
    expect(m.endTransaction(no, 'rollback', 1)).toEqual({ outcome: 'rollback' });
    // Answers repeated (a lost reply) get the recorded outcome.
    expect(m.endTransaction(yes, 'commit', 2)).toEqual({ outcome: 'commit' });
    expect(m.endTransaction(no, 'commit', 2)).toEqual({ outcome: 'rollback' });
    expect(m.groups.pull(c.memberId, 2).map((d) => text(d.value))).toEqual(['yes']);
    // No checker connected: nothing is asked and no attempt is spent.
    expect(m.tick(200).checks).toEqual([]);
    m.halves.registerChecker('shop');
    expect(m.tick(300).checks.map((x) => [x.txId, x.attempt])).toEqual([[lost, 1]]);
    // The broker restarts: the half message and its spent check survive.
    const m2 = new BrokerMachine(storage, config, 300, records);
    m2.halves.registerChecker('shop');
    expect(m2.tick(350).checks).toEqual([]);
    expect(m2.tick(400).checks.map((x) => [x.txId, x.attempt])).toEqual([[lost, 2]]);
    // Checks exhausted: rolled back (the default), and never delivered.
    expect(m2.tick(500).exhausted).toEqual([lost]);
    expect(m2.endTransaction(lost, 'commit', 501)).toEqual({ outcome: 'rollback' });
    const c2 = m2.groups.join({ group: 'pay', topics: ['orders'] }, 501);
    expect(m2.groups.pull(c2.memberId, 501).map((d) => text(d.value))).toEqual(['yes']);
  });

  it("keeps a half message whose checks ran out when onCheckExhausted is 'keep'", () => {
    const { m } = fresh({ checkIntervalMs: 10, checkMaxAttempts: 1, onCheckExhausted: 'keep' });
    m.createTopic('t', {}, 0);
    m.halves.registerChecker('p');
    const tx = m.prepare('p', 't', { value: bytes('v') }, 0);
    expect(m.tick(10).checks).toHaveLength(1);
    expect(m.tick(20).exhausted).toEqual([tx]);
    expect(m.tick(1000)).toMatchObject({ checks: [], exhausted: [] });
    expect(m.endTransaction(tx, 'commit', 1000)).toMatchObject({ outcome: 'commit', offset: 0 });
  });

  it('appends again, at recovery, a committed record that had not reached its segment', () => {
    const committed = () => {
      const { m, storage, records, config } = fresh();
      m.createTopic('t', { partitions: 2 }, 0);
      m.publish('t', [{ value: bytes('before'), partition: 1 }], 0);
      const tx = m.prepare('p', 't', { value: bytes('paid'), partition: 1 }, 0);
      expect(m.endTransaction(tx, 'commit', 1)).toMatchObject({ partition: 1, offset: 1 });
      return { storage, records, config, tx };
    };
    const values = (m: BrokerMachine) => {
      const c = m.groups.join({ group: 'g', topics: ['t'] }, 2);
      return m.groups.pull(c.memberId, 2).map((d) => `${d.offset}:${text(d.value)}`);
    };
    // A crash before the flush: the segments hold what was there before the commit.
    const a = committed();
    const lost = new MemoryRecords();
    lost.add('t', 1, { offset: 0, key: null, value: bytes('before'), time: 0 });
    const again = new BrokerMachine(a.storage, a.config, 2, lost);
    expect(values(again)).toEqual(['0:before', '1:paid']);
    expect(again.endTransaction(a.tx, 'rollback', 3)).toEqual({ outcome: 'commit' });
    expect(a.storage.keys('h/')).toEqual([]);
    // A crash after the flush, before the half was forgotten: nothing is appended twice.
    const b = committed();
    expect(b.storage.keys('h/')).toHaveLength(1);
    const kept = new BrokerMachine(b.storage, b.config, 2, b.records);
    expect(values(kept)).toEqual(['0:before', '1:paid']);
    expect(b.storage.keys('h/')).toEqual([]);
  });
});
