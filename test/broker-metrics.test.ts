// `cohort broker --metrics-port 0` as a real process: /metrics (Prometheus text, prom-client)
// moves as messages are produced, consumed, negatively acknowledged (redelivered) and
// acknowledged — per topic, in messages and bytes — fsyncs and the latency histograms count,
// consumer lag per group and partition falls to zero once everything is acknowledged, the
// open connections are counted; without the flag no metrics port is opened.

import { afterEach, describe, expect, it } from 'vitest';
import { BrokerClient, type Message } from '../src/comm/broker/client.js';
import { BrokerProcess } from './support/broker-process.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The value of the sample `name{labels}` in Prometheus text (undefined when absent). */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = new Map(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

describe('cohort broker --metrics-port (real process)', () => {
  it('exports produce, consume, redelivery, ack, bytes, fsync, latency, lag and connections', async () => {
    const b = await BrokerProcess.start(['--metrics-port', '0']);
    cleanup.push(() => b.stop());
    const ready = (await b.proc?.ready) as unknown as { metricsPort?: number };
    const port = ready.metricsPort as number;
    expect(port).toBeGreaterThan(0);
    const client = new BrokerClient(b.address);
    cleanup.push(() => client.close());

    const before = await scrape(port);
    expect(sample(before, 'cohort_broker_messages_produced_total', { topic: 't' })).toBeUndefined();
    const fsyncsBefore = sample(before, 'cohort_broker_fsyncs_total') as number;
    expect(fsyncsBefore).toBeGreaterThanOrEqual(1); // Opening the WAL synced once.
    expect(sample(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    await client.createTopic('t', { partitions: 2 });
    await client.createTopic('other');
    const values = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` }));
    const bytes = values.reduce((n, v) => n + Buffer.byteLength(v.value), 0);
    await client.publish('t', values.slice(0, 6));
    await client.publish('t', values.slice(6));
    await client.publish('other', [{ value: 'x' }]);

    const produced = await scrape(port);
    expect(sample(produced, 'cohort_broker_messages_produced_total', { topic: 't' })).toBe(10);
    expect(sample(produced, 'cohort_broker_messages_produced_total', { topic: 'other' })).toBe(1);
    expect(sample(produced, 'cohort_broker_bytes_produced_total', { topic: 't' })).toBe(bytes);
    expect(sample(produced, 'cohort_broker_produce_latency_seconds_count')).toBe(3);
    expect(sample(produced, 'cohort_broker_fsyncs_total')).toBeGreaterThan(fsyncsBefore);
    expect(sample(produced, 'cohort_broker_open_connections')).toBeGreaterThanOrEqual(1);

    // One consumer: the first delivery of offset 0 of each partition is nacked (delivered
    // again), everything else acknowledged.
    const consumer = client.subscribe({ group: 'g', topics: ['t'] });
    cleanup.push(() => consumer.close());
    const acked = new Set<string>();
    let nacked = 0;
    let deliveredBytes = 0;
    const consuming = (async () => {
      for await (const m of consumer as AsyncIterable<Message>) {
        deliveredBytes += m.value.length;
        if (m.offset === 0 && m.attempt === 1) {
          nacked += 1;
          await m.nack();
          continue;
        }
        await m.ack();
        acked.add(m.value.toString());
        if (acked.size === values.length) return;
      }
    })();
    await consuming;
    expect(nacked).toBe(2);

    // The last ack's answer reached the consumer, so its counters are in.
    const text = await scrape(port);
    const t = { topic: 't' };
    expect(sample(text, 'cohort_broker_messages_acknowledged_total', t)).toBe(10);
    expect(sample(text, 'cohort_broker_messages_consumed_total', t)).toBe(12);
    expect(sample(text, 'cohort_broker_messages_redelivered_total', t)).toBe(2);
    expect(sample(text, 'cohort_broker_bytes_consumed_total', t)).toBe(deliveredBytes);
    expect(deliveredBytes).toBeGreaterThan(bytes); // Two values came twice.
    expect(sample(text, 'cohort_broker_ack_latency_seconds_count')).toBe(10);
    for (const partition of ['0', '1'])
      expect(
        sample(text, 'cohort_broker_consumer_lag', { group: 'g', topic: 't', partition }),
      ).toBe(0);
    expect(
      sample(text, 'cohort_broker_messages_consumed_total', { topic: 'other' }),
    ).toBeUndefined();

    // Lag grows with messages no one has consumed yet.
    consumer.close();
    await client.publish('t', [
      { value: 'late', partition: 1 },
      { value: 'later', partition: 1 },
    ]);
    const late = await scrape(port);
    expect(
      sample(late, 'cohort_broker_consumer_lag', { group: 'g', topic: 't', partition: '1' }),
    ).toBe(2);
    expect(
      sample(late, 'cohort_broker_consumer_lag', { group: 'g', topic: 't', partition: '0' }),
    ).toBe(0);
  });

  it('opens no metrics port unless asked', async () => {
    const b = await BrokerProcess.start();
    cleanup.push(() => b.stop());
    const ready = (await b.proc?.ready) as unknown as Record<string, unknown>;
    expect(ready).not.toHaveProperty('metricsPort');
  });
});
