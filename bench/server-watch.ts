// Watch fan-out for `cohort bench server`: `watchers` watchers of one key on one connection
// (cohort/client multiplexes them on one Watch stream, as etcd's clientv3 does) and one
// writer on another connection, putting the key one write at a time: each write waits until
// every watcher has seen it. Latency: from just before the put to each watcher's event, so
// p99 is the slow end of the fan-out. A write counts as one operation.
//
// Fault model: a watcher that ends (the server cancels it, a connection breaks) or a write
// whose events do not all arrive within FANOUT_DEADLINE_MS counts as an error of the run;
// the run goes on with the next write.

import { setMaxListeners } from 'node:events';
import { type Client, connect } from '../src/client/index.js';
import { within } from '../src/runtime/testing/wait.js';
import { Failures, type LoopResult } from './server-loop.js';

export const FANOUT_KEY = 'bench/fanout';
const FANOUT_DEADLINE_MS = 10_000;

export interface Fanout {
  /** Writes through `writer` for `durationMs`, each waited for on every watcher. */
  run(writer: Client, durationMs: number): Promise<LoopResult>;
  /** Cancels the watchers and closes their connection. */
  close(): Promise<void>;
}

/** Opens `watchers` watchers on FANOUT_KEY and waits until the server created them all. */
export async function openFanout(endpoints: readonly string[], watchers: number): Promise<Fanout> {
  const client = await connect({ endpoints });
  const abort = new AbortController();
  // Every watcher listens on this one signal: not a leak.
  setMaxListeners(watchers + 10, abort.signal);
  const sentAt = new Map<number, number>();
  const watchFailures = new Failures();
  let latencies: number[] = [];
  let waiting: { index: number; left: number; done: () => void } | undefined;
  const all = Array.from({ length: watchers }, () =>
    client.watch(FANOUT_KEY, { signal: abort.signal }),
  );
  const loops = all.map(async (watcher) => {
    try {
      for await (const event of watcher) {
        const now = performance.now();
        const index = Number(event.kv.valueString());
        const t = sentAt.get(index);
        if (t !== undefined) latencies.push(now - t);
        if (waiting?.index === index && --waiting.left === 0) waiting.done();
      }
      if (!abort.signal.aborted) watchFailures.add(new Error('a watcher ended'));
    } catch (error) {
      if (!abort.signal.aborted) watchFailures.add(error);
    }
  });
  const close = async () => {
    abort.abort();
    await Promise.allSettled(loops);
    client.close();
  };
  try {
    await within(
      Promise.all(all.map((w) => w.ready)),
      FANOUT_DEADLINE_MS * 3,
      `${watchers} watchers`,
    );
  } catch (error) {
    await close();
    throw error;
  }
  let next = 0;
  return {
    async run(writer, durationMs) {
      latencies = [];
      const failures = new Failures();
      const watchFailed = watchFailures.count;
      let ops = 0;
      const started = performance.now();
      while (performance.now() < started + durationMs) {
        const index = next++;
        const seen = new Promise<void>((done) => {
          waiting = { index, left: watchers, done };
        });
        sentAt.set(index, performance.now());
        try {
          await writer.put(FANOUT_KEY, String(index), { timeoutMs: FANOUT_DEADLINE_MS });
          await within(seen, FANOUT_DEADLINE_MS, `write ${index} on every watcher`);
          ops++;
        } catch (error) {
          failures.add(error);
        }
        sentAt.delete(index - 1);
      }
      const seconds = (performance.now() - started) / 1000;
      if (watchFailures.count > watchFailed)
        failures.add(watchFailures.first ?? 'a watcher failed');
      return { ops, latencies, seconds, ...failures.fields };
    },
    close,
  };
}
