// The `rss` workload of `cohort bench server`: memory with many keys (issue 16: "RSS no
// larger for 1 million keys"). Loads `keys` distinct keys (default 1,000,000) of KEY_BYTES
// bytes with `valueBytes`-byte values (default 100) in Txns of TXN_PUTS puts (etcd's default
// --max-txn-ops is 128), LOAD_CALLERS Txns in flight; then reads the servers' RSS right after
// the load and once it has settled (no longer falling: the runtimes' collectors return what
// they will return when idle — V8's memory reducer, Go's scavenger — within the cap), its
// anonymous part (RssAnon: without mapped file pages, which etcd's mmapped bbolt file adds
// to VmRSS), and each member's own account of its database (Status dbSize). An operation is one key; its
// latency is its Txn's.
//
// Fault model: a failed Txn counts as an error (its keys are missing; the row says how
// many failed); the load goes on.

import { type Client, connect, Op } from '../src/client/index.js';
import type { ServerCluster } from './server-cluster.js';
import { Failures, type LoopResult } from './server-loop.js';

export const DEFAULT_RSS_KEYS = 1_000_000;
export const DEFAULT_RSS_VALUE_BYTES = 100;
export const RSS_KEY_BYTES = 16;
const TXN_PUTS = 128;
export const LOAD_CALLERS = 16;
const CALL_TIMEOUT_MS = 30_000;
/**
 * Settling: sample every SETTLE_STEP_MS; settled when no sample fell 1 % below the lowest
 * before it for SETTLE_QUIET_MS (long enough for V8's memory reducer, which starts some
 * seconds after allocation stops); never longer than SETTLE_CAP_MS.
 */
const SETTLE_STEP_MS = 500;
const SETTLE_QUIET_MS = 10_000;
const SETTLE_CAP_MS = 60_000;

/** `rss/` and a zero-padded number: RSS_KEY_BYTES bytes for up to 10^12 keys. */
const keyOf = (n: number) => `rss/${String(n).padStart(RSS_KEY_BYTES - 4, '0')}`;

/** Loads keys 0..keys-1 in Txns of TXN_PUTS puts, LOAD_CALLERS at a time. */
export async function loadKeys(
  client: Client,
  keys: number,
  valueBytes: number,
  onProgress?: (text: string) => void,
): Promise<LoopResult> {
  const value = Buffer.alloc(valueBytes, 'v');
  const batches = Math.ceil(keys / TXN_PUTS);
  const latencies: number[] = [];
  const failures = new Failures();
  let next = 0;
  let loaded = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LOAD_CALLERS }, async () => {
      for (let b = next++; b < batches; b = next++) {
        const first = b * TXN_PUTS;
        const count = Math.min(TXN_PUTS, keys - first);
        const puts = Array.from({ length: count }, (_, j) => Op.put(keyOf(first + j), value));
        const t = performance.now();
        try {
          await client
            .txn()
            .then(...puts)
            .commit({ timeoutMs: CALL_TIMEOUT_MS });
          const ms = performance.now() - t;
          for (let j = 0; j < count; j++) latencies.push(ms);
          loaded += count;
          if (b % 1000 === 999) onProgress?.(`bench server: rss: ${loaded} of ${keys} keys`);
        } catch (error) {
          failures.add(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ops: loaded, latencies, seconds, ...failures.fields };
}

/** The cluster's RSS once it stops falling (see the header), and how long that took. */
export async function settledRss(
  cluster: ServerCluster,
): Promise<{ rssBytes: number; anonBytes: number; seconds: number }> {
  const started = performance.now();
  let lowest = cluster.sample().rssBytes;
  let lowestAt = started;
  let now = started;
  while (now - lowestAt < SETTLE_QUIET_MS && now - started < SETTLE_CAP_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    now = performance.now();
    const rss = cluster.sample().rssBytes;
    if (rss < lowest * 0.99) lowestAt = now;
    lowest = Math.min(lowest, rss);
  }
  const { rssBytes, anonBytes } = cluster.sample();
  return { rssBytes, anonBytes, seconds: (now - started) / 1000 };
}

/** The database size each member reports (Status dbSize), summed over the members. */
export async function dbBytes(endpoints: readonly string[]): Promise<number> {
  let total = 0;
  for (const endpoint of endpoints) {
    // Status answers for the member asked: one client per member.
    const client = await connect({ endpoints: [endpoint] });
    try {
      total += (await client.status({ timeoutMs: CALL_TIMEOUT_MS })).dbSize;
    } finally {
      client.close();
    }
  }
  return total;
}
