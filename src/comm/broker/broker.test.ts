// The broker host's asynchronous acks and early deliveries (broker.ts): an ack is answered
// once applied, before its step is on disk, and deliveries wait only for their records'
// durability, not for pending ack steps. A crash (here: the disk stops taking writes, and the
// broker is opened again from what reached it) can then take back only acks — their
// messages are delivered again, none is lost — and first deliveries of a partition still
// arrive in offset order.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../runtime/testing/wait.js';
import { nodeWalFs, type WalFs } from '../../runtime/wal/index.js';
import { Broker, type ConsumerSink } from './broker.js';
import type { Delivery } from './groups.js';

const dirs: string[] = [];
const open: Broker[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A disk that takes writes until `hold()`; then writes never complete until `fail()`. */
class HoldingFs implements WalFs {
  private held: Promise<never> | undefined;
  private failHeld: (e: Error) => void = () => {};
  mkdir = nodeWalFs.mkdir;
  readdir = nodeWalFs.readdir;
  readFile = nodeWalFs.readFile;
  rename = nodeWalFs.rename;
  rm = nodeWalFs.rm;
  truncate = nodeWalFs.truncate;

  hold(): void {
    this.held = new Promise<never>((_, reject) => {
      this.failHeld = reject;
    });
    this.held.catch(() => {});
  }

  /** Ends the held writes with EIO, so the abandoned broker can close. */
  fail(): void {
    this.failHeld(Object.assign(new Error('EIO: held write'), { code: 'EIO' }));
  }

  open: WalFs['open'] = async (path, flags) => {
    const file = await nodeWalFs.open(path, flags);
    return {
      ...(file.syncsOnWrite !== undefined && { syncsOnWrite: file.syncsOnWrite }),
      write: (b, o, n) => this.held ?? file.write(b, o, n),
      datasync: () => this.held ?? file.datasync(),
      sync: () => this.held ?? file.sync(),
      close: () => file.close(),
    };
  };
}

function collector(): ConsumerSink & { got: Delivery[] } {
  const got: Delivery[] = [];
  return { got, writable: () => true, deliver: (ds) => got.push(...ds), assignment: () => {} };
}

async function brokerIn(dir: string, fs?: WalFs, segmentBytes?: number): Promise<Broker> {
  const b = await Broker.open(dir, {
    ...(fs !== undefined && { wal: { fs } }),
    ...(segmentBytes !== undefined && { records: { segmentBytes } }),
    onFatal: () => {},
  });
  open.push(b);
  return b;
}

const value = (i: number) => new TextEncoder().encode(`m${i}`);

/** A broker with topic t (`partitions`) holding `n` messages, and a member of group g. */
async function withMessages(dir: string, fs: WalFs, n: number, partitions = 1) {
  const b = await brokerIn(dir, fs);
  await b.createTopic('t', { partitions });
  for (let i = 0; i < n; i += 10)
    await b.publish(
      't',
      Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
        key: `k${i + j}`,
        value: value(i + j),
      })),
    );
  const sink = collector();
  const { memberId } = await b.join({ group: 'g', topics: ['t'] }, sink);
  await until(() => sink.got.length === n, `${n} delivered`);
  return { b, sink, memberId };
}

const positions = (ds: readonly Delivery[]) =>
  ds.map((d) => ({ topic: d.topic, partition: d.partition, offset: d.offset }));

describe('comm/broker host: acks not awaiting fsync', () => {
  it('answers acks before they are durable; a crash delivers those messages again, none lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-acks-'));
    dirs.push(dir);
    const fs = new HoldingFs();
    const a = await withMessages(dir, fs, 10);
    fs.hold(); // From here nothing reaches the disk: the ack's step is lost in the "crash".
    a.b.ack(a.memberId, positions(a.sink.got.slice(0, 5)));
    expect(a.b.committed('g', 't')).toEqual([5]); // Applied (and answered) at once.

    const b = await brokerIn(dir);
    const sink = collector();
    await b.join({ group: 'g', topics: ['t'] }, sink);
    await until(() => sink.got.length === 10, 'all 10 delivered again');
    expect(sink.got.map((d) => d.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.committed('g', 't')).toEqual([0]);
    fs.fail();
  });

  it('does not deliver again acks whose step a later durable answer covered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-acks-'));
    dirs.push(dir);
    const fs = new HoldingFs();
    const a = await withMessages(dir, fs, 10);
    a.b.ack(a.memberId, positions(a.sink.got.filter((d) => d.offset !== 2 && d.offset < 6)));
    await a.b.publish('t', [{ key: 'late', value: value(10) }]);
    // A call answered after the WAL's sync: the WAL writes steps in order, so the acks are on
    // disk (a publish's answer waits for its records only).
    await a.b.committedDurable('g', 't');
    fs.hold();

    const b = await brokerIn(dir);
    const sink = collector();
    await b.join({ group: 'g', topics: ['t'] }, sink);
    await until(() => sink.got.length === 6, 'the unacknowledged 6 delivered again');
    expect(sink.got.map((d) => d.offset)).toEqual([2, 6, 7, 8, 9, 10]);
    expect(b.committed('g', 't')).toEqual([2]);
    fs.fail();
  });

  it('keeps first deliveries of each partition in offset order while acks are in flight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-acks-'));
    dirs.push(dir);
    const b = await brokerIn(dir);
    await b.createTopic('t', { partitions: 3 });
    const got: Delivery[] = [];
    let memberId = '';
    // Each delivery is acked as it arrives (not awaited): credit comes back at once, and the
    // next deliveries go out while the acks' steps are still being written.
    const sink: ConsumerSink = {
      writable: () => true,
      assignment: () => {},
      deliver: (ds) => {
        got.push(...ds);
        b.ack(memberId, positions(ds));
      },
    };
    memberId = (await b.join({ group: 'g', topics: ['t'], maxInFlight: 7 }, sink)).memberId;
    const publishes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i += 5)
      publishes.push(
        b.publish(
          't',
          Array.from({ length: 5 }, (_, j) => ({ key: `k${(i + j) % 11}`, value: value(i + j) })),
        ),
      );
    await Promise.all(publishes);
    await until(() => got.length === 300, 'all 300 delivered');
    for (let p = 0; p < 3; p++) {
      const offsets = got.filter((d) => d.partition === p).map((d) => d.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    expect(got.every((d) => d.attempt === 1)).toBe(true);
    const next = b.describeTopic('t').partitions.map((p) => p.next);
    await until(
      () => b.committed('g', 't').every((c, p) => c === next[p]),
      'every partition committed to its end',
    );
  });
});

describe('comm/broker host: the record segments', () => {
  const text = (d: Delivery) => `${d.key}=${new TextDecoder().decode(d.value)}`;

  it('delivers records from their segments, and across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-segments-'));
    dirs.push(dir);
    const a = await brokerIn(dir, undefined, 200);
    await a.createTopic('t', { partitions: 2 });
    for (let i = 0; i < 60; i += 10)
      await a.publish(
        't',
        Array.from({ length: 10 }, (_, j) => ({ key: `k${i + j}`, value: value(i + j) })),
      );
    const next = a.describeTopic('t').partitions.map((p) => p.next);
    expect(next.reduce((x, y) => x + y)).toBe(60);
    const sink = collector();
    await a.join({ group: 'g', topics: ['t'] }, sink);
    await until(() => sink.got.length === 60, 'all 60 delivered');
    const expected = Array.from({ length: 60 }, (_, i) => `k${i}=m${i}`).sort();
    expect(sink.got.map(text).sort()).toEqual(expected);
    await a.close();

    const b = await brokerIn(dir, undefined, 200);
    expect(b.describeTopic('t').partitions.map((p) => p.next)).toEqual(next);
    const again = collector();
    await b.join({ group: 'other', topics: ['t'] }, again);
    await until(() => again.got.length === 60, 'all 60 delivered after the restart');
    expect(again.got.map(text).sort()).toEqual(expected);
    for (let p = 0; p < 2; p++) {
      const offsets = again.got.filter((d) => d.partition === p).map((d) => d.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('keeps a publish answered while the WAL writes nothing: records need no WAL step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-segments-'));
    dirs.push(dir);
    const fs = new HoldingFs();
    const c = await brokerIn(dir, fs);
    await c.createTopic('t', { partitions: 1 });
    fs.hold(); // The "crash": nothing more reaches the WAL.
    await c.publish(
      't',
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: value(i) })),
    );
    const d = await brokerIn(dir);
    const sink = collector();
    await d.join({ group: 'g', topics: ['t'] }, sink);
    await until(() => sink.got.length === 20, 'all 20 delivered');
    expect(sink.got.map(text)).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}=m${i}`));
    fs.fail();
  });

  it('removes the segments retention passed, and delivers only what it kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-segments-'));
    dirs.push(dir);
    // Segments roll past 100 bytes (about three of these records each).
    const a = await brokerIn(dir, undefined, 100);
    // Four-byte values and 16 bytes of retention: each partition keeps its newest 4 records.
    await a.createTopic('t', { partitions: 1, retentionBytes: 16 });
    const v = (i: number) => ({
      key: `k${i}`,
      value: new TextEncoder().encode(`v${String(i).padStart(3, '0')}`),
    });
    for (let i = 0; i < 12; i++) await a.publish('t', [v(i)]);
    expect(a.describeTopic('t').partitions[0]?.start).toBe(8);
    const segs = join(dir, 'records', 't-t', '0');
    const firsts = async () => (await readdir(segs)).map((n) => Number(n.slice(0, -4))).sort();
    // A segment goes once its last record is below the start offset (8), after a tick.
    await until(async () => (await firsts())[0] !== 0, 'the passed segments removed');
    expect(Math.min(...(await firsts()))).toBeGreaterThan(4);
    expect(Math.min(...(await firsts()))).toBeLessThanOrEqual(8);
    await a.close();

    const b = await brokerIn(dir, undefined, 100);
    const sink = collector();
    await b.join({ group: 'g', topics: ['t'] }, sink);
    await until(() => sink.got.length === 4, '8..11 delivered');
    expect(sink.got.map((d) => `${d.offset}:${text(d)}`)).toEqual([
      '8:k8=v008',
      '9:k9=v009',
      '10:k10=v010',
      '11:k11=v011',
    ]);
  });
});
