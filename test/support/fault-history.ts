// What the server fault tests (test/server-faults.test.ts, test/server-partition.test.ts,
// test/server-torn-wal.test.ts) share: finding the leader through the members' Status,
// clients that put and get and record a Jepsen-style history, the final reads that close it,
// the linearizability verdict, and a watcher of every key whose events must cover every
// revision in order, exactly once.
//
// Fault model: the clients' calls may fail or hang at any time (members die, freeze or are
// cut off); a write whose answer was lost is recorded as indeterminate ('info'), a failed
// read as 'fail'. Deadlines (`until`) only turn a hang into a failure.

import { expect } from 'vitest';
import { type Client, connect, type WatchEvent } from '../../src/client/index.js';
import type { ClientHistoryEvent } from '../../src/core/algorithm.js';
import { until } from '../../src/runtime/testing/wait.js';
import { checkLinearizability } from '../../src/sim/linearizability/index.js';

export const KEYS = ['x', 'y', 'z'];

/** The index (in `members`, one client per endpoint) of the member that leads now. */
export async function leaderIndex(members: readonly Client[], except = -1): Promise<number> {
  let found = -1;
  await until(
    async () => {
      for (const [i, c] of members.entries()) {
        if (i === except) continue;
        const s = await c.status({ timeoutMs: 500 }).catch(() => undefined);
        if (s !== undefined && s.leader !== 0n && s.leader === s.header.memberId) found = i;
      }
      return found >= 0;
    },
    except < 0 ? 'a leader' : `a leader other than member ${except}`,
  );
  return found;
}

export interface Progress {
  acked: number;
}

/** One client's loop: puts of unique values and gets, recorded as a Jepsen-style history. */
export async function workload(
  client: Client,
  process: number,
  history: ClientHistoryEvent[],
  progress: Progress,
  done: () => boolean,
  keys: readonly string[] = KEYS,
): Promise<void> {
  for (let i = 0; !done(); i++) {
    // Paced, so the history stays small enough for the checker (it is exponential in the
    // number of concurrent operations whose outcome is unknown).
    await new Promise((r) => setTimeout(r, 10));
    const key = keys[i % keys.length] as string;
    const write = i % 3 !== 2;
    const ok = await recordOne(client, process, history, { key, write, value: `${process}.${i}` });
    if (ok && write) progress.acked++;
  }
}

/** One put (`write`) or linearizable get of `key`, recorded; whether it succeeded. */
export async function recordOne(
  client: Client,
  process: number,
  history: ClientHistoryEvent[],
  op: { readonly key: string; readonly write: boolean; readonly value: string },
  timeoutMs = 3000,
): Promise<boolean> {
  const { key, write, value } = op;
  const base = { process, f: write ? ('write' as const) : ('read' as const), key };
  history.push({ ...base, type: 'invoke', value: write ? value : null, time: Date.now() });
  try {
    if (write) {
      await client.put(key, value, { timeoutMs });
      history.push({ ...base, type: 'ok', value, time: Date.now() });
      return true;
    }
    const r = await client.get(key, { timeoutMs });
    const read = r.kvs[0]?.valueString() ?? null;
    history.push({ ...base, type: 'ok', value: read, time: Date.now() });
    return true;
  } catch {
    // A failed read changed nothing; a failed write may or may not have happened.
    const type = write ? ('info' as const) : ('fail' as const);
    history.push({ ...base, type, value: write ? value : null, time: Date.now() });
    return false;
  }
}

export async function moreAcked(progress: Progress, what: string, count = 20): Promise<void> {
  const target = progress.acked + count;
  await until(() => progress.acked >= target, `${count} more writes acknowledged ${what}`);
}

/** Closes the history with a read of every key, then checks it (enough ok operations). */
export async function expectLinearizable(
  admin: Client,
  history: ClientHistoryEvent[],
  minOk = 100,
  keys: readonly string[] = KEYS,
): Promise<void> {
  for (const key of keys) {
    history.push({ process: 999, type: 'invoke', f: 'read', key, value: null, time: Date.now() });
    const r = await admin.get(key);
    const value = r.kvs[0]?.valueString() ?? null;
    history.push({ process: 999, type: 'ok', f: 'read', key, value, time: Date.now() });
  }
  // Enough operations around every fault for the check to mean something.
  expect(history.filter((e) => e.type === 'ok').length).toBeGreaterThan(minOk);
  const verdict = checkLinearizability(
    [...history].sort((a, b) => a.time - b.time),
    'kv',
  );
  expect(verdict.explanation).toBeUndefined();
  expect(verdict.linearizable).toBe(true);
}

/** A watcher of every key from revision 1; `check` asserts it saw every revision once. */
export function followEveryKey(client: Client) {
  const seen: WatchEvent[] = [];
  const watcher = client.watch('', { prefix: true, startRevision: 1 });
  const following = (async () => {
    for await (const e of watcher) seen.push(e);
  })().catch(() => {});
  return {
    seen,
    /** Waits for revision `last`, stops, and checks revisions 2..last in order, once each. */
    async check(last: number): Promise<void> {
      await until(() => (seen.at(-1)?.kv.modRevision ?? 0) >= last, 'the watcher caught up');
      watcher.cancel();
      await following;
      // One event per revision, except a lease expiry that deletes several keys at once.
      const revisions = [...new Set(seen.map((e) => e.kv.modRevision))];
      expect(revisions).toEqual(Array.from({ length: last - 1 }, (_, i) => i + 2));
      const keyed = seen.map((e) => `${e.kv.modRevision}/${e.kv.keyString()}`);
      expect(new Set(keyed).size).toBe(keyed.length);
      expect(keyed).toEqual([...keyed].sort(byRevision));
    },
  };
}

const byRevision = (a: string, b: string) => Number(a.split('/')[0]) - Number(b.split('/')[0]);

/**
 * The load every fault test runs: an admin client, one client pinned to each member (`each`,
 * for finding the leader), a watcher of every key, and three workers (processes 101–103,
 * each starting at a different member) recording one history. Every client goes into
 * `clients` (the test closes them). `finish()` stops the workers and checks the history and
 * the watch.
 */
export async function startLoad(endpoints: readonly string[], clients: Client[]) {
  const all = [...endpoints];
  const admin = await connect({ endpoints: all });
  const each = await Promise.all(all.map((e) => connect({ endpoints: [e] })));
  const watchClient = await connect({ endpoints: all });
  clients.push(admin, ...each, watchClient);
  const follower = followEveryKey(watchClient);
  const history: ClientHistoryEvent[] = [];
  const progress: Progress = { acked: 0 };
  let stop = false;
  const workers: Promise<void>[] = [];
  for (const [i, process] of [101, 102, 103].entries()) {
    const c = await connect({ endpoints: [...all.slice(i), ...all.slice(0, i)] });
    clients.push(c);
    workers.push(workload(c, process, history, progress, () => stop));
  }
  return {
    admin,
    each,
    follower,
    history,
    progress,
    /** Stops the workers; the history must be linearizable and the watch whole. */
    async finish(): Promise<void> {
      stop = true;
      await Promise.all(workers);
      await expectLinearizable(admin, history);
      // The watcher: every revision after the first, in order, exactly once.
      await follower.check((await admin.get('x')).header.revision);
    },
  };
}
