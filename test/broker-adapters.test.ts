// One conformance suite for the MessageBroker API (src/comm/broker/adapter.ts) against three
// real brokers started here: `cohort broker` (a process), RabbitMQ (quorum queues, publisher
// confirms) and NATS JetStream (file storage). The same cases run against each: publish and
// consume, at-least-once redelivery after a consumer dies holding unacked messages, competing
// members of one group, and per-key order where the system promises it. Where RabbitMQ and
// NATS promise less, the case is left out for them with the reason (`skip`), in Hono's
// conformance style.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdapterMessage,
  AdapterSubscription,
  MessageBroker,
} from '../src/comm/broker/adapter.js';
import { type CohortSubscription, connectCohort } from '../src/comm/broker/cohort-adapter.js';
import { connectNats } from '../src/comm/broker/nats.js';
import { connectRabbitMq } from '../src/comm/broker/rabbitmq.js';
import { until } from '../src/runtime/testing/wait.js';
import { BrokerProcess } from './support/broker-process.js';
import { NatsServer } from './support/nats.js';
import { RabbitMqServer } from './support/rabbitmq.js';

type Case = 'order-competing';

interface Target {
  readonly name: string;
  readonly connect: () => Promise<MessageBroker>;
  readonly skip: readonly { readonly reason: string; readonly cases: readonly Case[] }[];
}

const servers: { cohort?: BrokerProcess; rabbit?: RabbitMqServer; nats?: NatsServer } = {};
const opened: MessageBroker[] = [];

beforeAll(async () => {
  [servers.cohort, servers.rabbit, servers.nats] = await Promise.all([
    BrokerProcess.start(),
    RabbitMqServer.start(),
    NatsServer.start(),
  ]);
}, 180_000);

afterAll(async () => {
  for (const b of opened) await b.close().catch(() => {});
  await servers.cohort?.stop();
  await servers.rabbit?.close();
  await servers.nats?.close();
}, 60_000);

const NO_ORDER_ACROSS_MEMBERS =
  'order is the queue’s or the stream’s: with competing members, one key’s messages are ' +
  'spread over them (no partitions)';

const TARGETS: Target[] = [
  {
    name: 'cohort',
    connect: async () => connectCohort((servers.cohort as BrokerProcess).address),
    skip: [],
  },
  {
    name: 'rabbitmq',
    connect: () => connectRabbitMq((servers.rabbit as RabbitMqServer).url),
    skip: [{ reason: NO_ORDER_ACROSS_MEMBERS, cases: ['order-competing'] }],
  },
  {
    name: 'nats',
    // Unacked deliveries of a dead member come again after the ack wait: short here.
    connect: () => connectNats((servers.nats as NatsServer).url, { ackWaitMs: 1000 }),
    skip: [{ reason: NO_ORDER_ACROSS_MEMBERS, cases: ['order-competing'] }],
  },
];

let unique = 0;
const fresh = (what: string) => `${what}-${++unique}`;

async function open(t: Target): Promise<MessageBroker> {
  const b = await t.connect();
  opened.push(b);
  return b;
}

/** Reads from `sub` until `done` holds, acking each; what came, in order of arrival. */
function drain(
  sub: AdapterSubscription,
  into: AdapterMessage[],
  options: { ack: boolean } = { ack: true },
): Promise<void> {
  return (async () => {
    for await (const m of sub) {
      into.push(m);
      if (options.ack) await m.ack();
    }
  })();
}

const text = (m: AdapterMessage) => m.value.toString('utf8');

for (const t of TARGETS) {
  const skipped = (c: Case) => t.skip.some((s) => s.cases.includes(c));

  describe(`MessageBroker conformance: ${t.name}`, () => {
    it('publishes durably and delivers every message with its key to the group', async () => {
      const b = await open(t);
      const topic = fresh('plain');
      await b.createTopic(topic);
      await b.createTopic(topic); // The same again: not an error.
      const sub = await b.subscribe(topic, 'g');
      const got: AdapterMessage[] = [];
      const reading = drain(sub, got);
      const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` }));
      for (const m of sent) await b.publish(topic, m.key, Buffer.from(m.value));
      await b.publish(topic, null, Buffer.from('keyless'));
      await until(() => got.length >= 21, 'all 21 delivered');
      const seen = got.map((m) => ({ key: m.key, value: text(m) }));
      expect(seen).toEqual(expect.arrayContaining([...sent, { key: null, value: 'keyless' }]));
      expect(got.every((m) => m.attempt === 1)).toBe(true);
      // A second group gets every message published after it joined, too (fan-out).
      const other = await b.subscribe(topic, 'h');
      const otherGot: AdapterMessage[] = [];
      const otherReading = drain(other, otherGot);
      await b.publish(topic, 'late', Buffer.from('to both'));
      await until(() => otherGot.some((m) => text(m) === 'to both'), 'the second group');
      await until(() => got.some((m) => text(m) === 'to both'), 'the first group');
      await sub.close();
      await other.close();
      await Promise.all([reading, otherReading]);
    }, 60_000);

    it('delivers again what a consumer held unacked when it died (at least once)', async () => {
      const topic = fresh('redeliver');
      const b = await open(t);
      await b.createTopic(topic);
      // The dying member has its own connection: closing it is the process going away.
      const dying = await t.connect();
      const held: AdapterMessage[] = [];
      const doomed = await dying.subscribe(topic, 'workers', { maxInFlight: 100 });
      const holding = drain(doomed, held, { ack: false });
      const values = Array.from({ length: 10 }, (_, i) => `job${i}`);
      await Promise.all(values.map((v) => b.publish(topic, null, Buffer.from(v))));
      await until(() => held.length === 10, 'the doomed member holds all ten');
      await dying.close();
      await holding;
      const survivor = await b.subscribe(topic, 'workers');
      const got: AdapterMessage[] = [];
      const reading = drain(survivor, got);
      await until(() => values.every((v) => got.some((m) => text(m) === v)), 'all ten again');
      // The broker knows they were delivered before.
      for (const m of got) expect(m.attempt).toBeGreaterThanOrEqual(2);
      await survivor.close();
      await reading;
    }, 60_000);

    it('shares a group among competing members, each message to one of them', async () => {
      const topic = fresh('compete');
      const b = await open(t);
      await b.createTopic(topic, { partitions: 4 });
      const members = [
        await b.subscribe(topic, 'pool', { maxInFlight: 4 }),
        await b.subscribe(topic, 'pool', { maxInFlight: 4 }),
      ];
      await settled(t, members, 4);
      const got: AdapterMessage[][] = [[], []];
      const reading = members.map((s, i) => drain(s, got[i] as AdapterMessage[]));
      const values = Array.from({ length: 80 }, (_, i) => `m${i}`);
      for (let i = 0; i < values.length; i += 8)
        await Promise.all(
          values.slice(i, i + 8).map((v, j) => b.publish(topic, `key${j}`, Buffer.from(v))),
        );
      const all = () => new Set(got.flat().map(text));
      await until(() => values.every((v) => all().has(v)), 'every message to some member');
      // Both took part; no message went to both on its first delivery.
      expect(got[0]?.length).toBeGreaterThan(0);
      expect(got[1]?.length).toBeGreaterThan(0);
      const firsts = got
        .flat()
        .filter((m) => m.attempt === 1)
        .map(text);
      expect(new Set(firsts).size).toBe(firsts.length);
      for (const s of members) await s.close();
      await Promise.all(reading);
    }, 60_000);

    it('keeps per-key publish order for one member, publishes not awaited one by one', async () => {
      const topic = fresh('order');
      const b = await open(t);
      await b.createTopic(topic, { partitions: 3 });
      const sub = await b.subscribe(topic, 'ordered', { maxInFlight: 256 });
      const got: AdapterMessage[] = [];
      const reading = drain(sub, got);
      const sent = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 5}`, seq: i }));
      await Promise.all(sent.map((m) => b.publish(topic, m.key, Buffer.from(String(m.seq)))));
      await until(() => got.length >= sent.length, 'all delivered');
      expectOrderPerKey(got);
      await sub.close();
      await reading;
    }, 60_000);

    it.skipIf(skipped('order-competing'))(
      'keeps per-key order across competing members (partitions)',
      async () => {
        const topic = fresh('order-compete');
        const b = await open(t);
        await b.createTopic(topic, { partitions: 4 });
        const members = [
          await b.subscribe(topic, 'ordered', { maxInFlight: 256 }),
          await b.subscribe(topic, 'ordered', { maxInFlight: 256 }),
        ];
        await settled(t, members, 4);
        const got: AdapterMessage[][] = [[], []];
        const reading = members.map((s, i) => drain(s, got[i] as AdapterMessage[]));
        const sent = Array.from({ length: 400 }, (_, i) => ({ key: `k${i % 8}`, seq: i }));
        await Promise.all(sent.map((m) => b.publish(topic, m.key, Buffer.from(String(m.seq)))));
        await until(() => got.flat().length >= sent.length, 'all delivered');
        for (const g of got) expectOrderPerKey(g);
        // Each key went to exactly one member.
        const owners = new Map<string, Set<number>>();
        got.forEach((g, i) => {
          for (const m of g)
            owners.set(m.key as string, (owners.get(m.key as string) ?? new Set()).add(i));
        });
        for (const o of owners.values()) expect(o.size).toBe(1);
        for (const s of members) await s.close();
        await Promise.all(reading);
      },
      60_000,
    );
  });
}

/** First deliveries of each key arrive in publish order (values are sequence numbers). */
function expectOrderPerKey(got: readonly AdapterMessage[]): void {
  const last = new Map<string, number>();
  for (const m of got) {
    if (m.attempt !== 1) continue;
    const seq = Number(text(m));
    expect(seq).toBeGreaterThan(last.get(m.key as string) ?? -1);
    last.set(m.key as string, seq);
  }
}

/** Cohort's members hold their partitions (the rebalance is over) before anything is sent. */
async function settled(t: Target, members: AdapterSubscription[], partitions: number) {
  if (t.name !== 'cohort') return;
  const consumers = members.map((m) => (m as CohortSubscription).consumer);
  await until(() => {
    const generation = consumers[0]?.generation;
    return (
      consumers.every((c) => c.generation === generation) &&
      consumers.reduce((n, c) => n + c.assignment.length, 0) === partitions
    );
  }, 'the group rebalanced');
}
