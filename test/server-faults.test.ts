// Cohort's server under faults (issue 16, "Faults"): three `cohort serve` members, clients
// writing and reading through cohort/client and a watcher following every key, while the
// leader is SIGKILLed (and later restarted) and then frozen (SIGSTOP, as a partition looks
// from outside) and thawed. Afterwards: the clients' history is linearizable (so no
// acknowledged write was lost or reordered), and the watcher saw every revision in order,
// exactly once.
//
// Fault model exercised: crash of the leader, a leader that stops answering; clients that
// fail over between endpoints. A write whose answer was lost is recorded as indeterminate
// ('info'), as a Jepsen history does.

import { afterEach, describe, expect, it } from 'vitest';
import { type Client, connect, type WatchEvent } from '../src/client/index.js';
import type { ClientHistoryEvent } from '../src/core/algorithm.js';
import { until } from '../src/runtime/testing/wait.js';
import { checkLinearizability } from '../src/sim/linearizability/index.js';
import { CohortServer } from './support/cohort-server.js';

const KEYS = ['x', 'y', 'z'];

let server: CohortServer | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.stop();
  server = undefined;
});

/** The index (in `members`, one client per endpoint) of the member that leads now. */
async function leaderIndex(members: readonly Client[]): Promise<number> {
  let found = -1;
  await until(async () => {
    for (const [i, c] of members.entries()) {
      const s = await c.status({ timeoutMs: 500 }).catch(() => undefined);
      if (s !== undefined && s.leader !== 0n && s.leader === s.header.memberId) found = i;
    }
    return found >= 0;
  }, 'a leader');
  return found;
}

interface Progress {
  acked: number;
}

/** One client's loop: puts of unique values and gets, recorded as a Jepsen-style history. */
async function workload(
  client: Client,
  process: number,
  history: ClientHistoryEvent[],
  progress: Progress,
  done: () => boolean,
): Promise<void> {
  for (let i = 0; !done(); i++) {
    // Paced, so the history stays small enough for the checker (it is exponential in the
    // number of concurrent operations whose outcome is unknown).
    await new Promise((r) => setTimeout(r, 10));
    const key = KEYS[i % KEYS.length] as string;
    const write = i % 3 !== 2;
    const value = `${process}.${i}`;
    const base = { process, f: write ? ('write' as const) : ('read' as const), key };
    history.push({ ...base, type: 'invoke', value: write ? value : null, time: Date.now() });
    try {
      if (write) {
        await client.put(key, value, { timeoutMs: 3000 });
        progress.acked++;
        history.push({ ...base, type: 'ok', value, time: Date.now() });
      } else {
        const r = await client.get(key, { timeoutMs: 3000 });
        const read = r.kvs[0]?.valueString() ?? null;
        history.push({ ...base, type: 'ok', value: read, time: Date.now() });
      }
    } catch {
      // A failed read changed nothing; a failed write may or may not have happened.
      history.push({
        ...base,
        type: write ? 'info' : 'fail',
        value: write ? value : null,
        time: Date.now(),
      });
    }
  }
}

async function moreAcked(progress: Progress, what: string): Promise<void> {
  const target = progress.acked + 20;
  await until(() => progress.acked >= target, `20 more writes acknowledged ${what}`);
}

describe('cohort serve under faults', () => {
  it('stays linearizable and keeps watchers whole through a killed and a frozen leader', async () => {
    server = await CohortServer.start({ members: 3 });
    const endpoints = server.endpoints;
    const admin = await connect({ endpoints });
    clients.push(admin);
    const each = await Promise.all(endpoints.map((e) => connect({ endpoints: [e] })));
    clients.push(...each);
    const watchClient = await connect({ endpoints });
    clients.push(watchClient);
    const seen: WatchEvent[] = [];
    const watcher = watchClient.watch('', { prefix: true, startRevision: 1 });
    const following = (async () => {
      for await (const e of watcher) seen.push(e);
    })().catch(() => {});
    const history: ClientHistoryEvent[] = [];
    const progress: Progress = { acked: 0 };
    let stop = false;
    const workers: Promise<void>[] = [];
    for (const [i, p] of [101, 102, 103].entries()) {
      const c = await connect({ endpoints: [...endpoints.slice(i), ...endpoints.slice(0, i)] });
      clients.push(c);
      workers.push(workload(c, p, history, progress, () => stop));
    }
    await moreAcked(progress, 'before any fault');
    const first = await leaderIndex(each);
    await server.stopMember(first, 'SIGKILL');
    await moreAcked(progress, 'with the leader killed');
    await server.startMember(first);
    await moreAcked(progress, 'with the killed member back');
    const second = await leaderIndex(each);
    server.pauseMember(second);
    await moreAcked(progress, 'with the leader frozen');
    server.resumeMember(second);
    await moreAcked(progress, 'after the thaw');
    stop = true;
    await Promise.all(workers);
    // A final read of every key closes the history.
    for (const key of KEYS) {
      history.push({ process: 999, type: 'invoke', f: 'read', key, value: null, time: Date.now() });
      const r = await admin.get(key);
      history.push({
        process: 999,
        type: 'ok',
        f: 'read',
        key,
        value: r.kvs[0]?.valueString() ?? null,
        time: Date.now(),
      });
    }
    // Enough operations around every fault for the check to mean something.
    expect(history.filter((e) => e.type === 'ok').length).toBeGreaterThan(100);
    const verdict = checkLinearizability(
      [...history].sort((a, b) => a.time - b.time),
      'kv',
    );
    expect(verdict.explanation).toBeUndefined();
    expect(verdict.linearizable).toBe(true);
    // The watcher: every revision after the first, in order, exactly once.
    const last = (await admin.get('x')).header.revision;
    await until(() => (seen.at(-1)?.kv.modRevision ?? 0) >= last, 'the watcher caught up');
    watcher.cancel();
    await following;
    const revisions = seen.map((e) => e.kv.modRevision);
    expect(revisions).toEqual(Array.from({ length: last - 1 }, (_, i) => i + 2));
  }, 150_000);
});
