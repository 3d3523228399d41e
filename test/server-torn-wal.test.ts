// A member restarted on a torn write-ahead log (issue 16, "Faults": restart a member with a
// torn WAL tail). Under a write load on three `cohort serve` members, a member is SIGKILLed
// and its newest WAL segment (src/runtime/wal/files.ts: <data-dir>/wal/seg-<first seq>.wal,
// step records as core/step-record.ts lays them out) is damaged the way a crash mid-write
// leaves it, before it is started again:
// 1. a follower's segment loses its last few bytes (its last record is now short);
// 2. the leader's segment gets random bytes appended (a record that never finished).
// Recovery (src/runtime/wal/recovery.ts) cuts such a tail and goes on from the last whole
// step. The member must start, rejoin, and catch up from the others; the cluster must lose
// no acknowledged write (the clients' history is linearizable, closed by a read of every
// key) and the watcher must see every revision in order, exactly once.
//
// Fault model exercised: crash of one member at a time with a torn last record (only ever
// one member's tail, so a quorum still holds every acknowledged entry); clients that fail
// over between endpoints. Deadlines (`until`) only turn a hang into a failure.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../src/client/index.js';
import { HEADER_BYTES } from '../src/core/step-record.js';
import { until } from '../src/runtime/testing/wait.js';
import { CohortServer } from './support/cohort-server.js';
import { leaderIndex, moreAcked, startLoad } from './support/fault-history.js';

const MEMBERS = 3;
/** Bytes cut off the end of the follower's newest segment: less than one record. */
const TORN_BYTES = 5;
const GARBAGE_BYTES = 3000;

let server: CohortServer | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.stop();
  server = undefined;
});

/** The newest segment file of a WAL directory and its size. */
function newestSegment(dir: string): { file: string; bytes: number } {
  const name = fs
    .readdirSync(dir)
    .filter((n) => /^seg-\d{20}\.wal$/.test(n))
    .sort()
    .at(-1);
  if (name === undefined) throw new Error(`no WAL segment in ${dir}`);
  const file = path.join(dir, name);
  return { file, bytes: fs.statSync(file).size };
}

/** How many torn tails member `index` has logged as cut (its log holds every start). */
function tornTails(s: CohortServer, index: number): number {
  const log = fs.readFileSync(path.join(s.dir, `m${index + 1}.log`), 'utf8');
  return log.match(/write-ahead log recovery: seg-\d{20}\.wal: torn tail/g)?.length ?? 0;
}

/** Writes a marker through `admin` and waits until `member` has applied it. */
async function caughtUp(admin: Client, member: Client, marker: string): Promise<void> {
  await admin.put('marker', marker);
  await until(async () => {
    const r = await member.get('marker', { serializable: true, timeoutMs: 1000 }).catch(() => {});
    return r?.kvs[0]?.valueString() === marker;
  }, `the restarted member caught up to ${marker}`);
}

describe('cohort serve restarted on a torn WAL tail', () => {
  it('recovers, rejoins and loses no acknowledged write', async () => {
    const s = await CohortServer.start({ members: MEMBERS });
    server = s;
    const { admin, each, progress, finish } = await startLoad(s.endpoints, clients);
    await moreAcked(progress, 'before any fault');

    /** Kills member `index` under load, damages its newest segment, starts it again. */
    const tornRestart = async (index: number, damage: (file: string, bytes: number) => void) => {
      await s.stopMember(index, 'SIGKILL');
      const before = tornTails(s, index);
      const { file, bytes } = newestSegment(s.walDir(index));
      expect(bytes).toBeGreaterThan(HEADER_BYTES + TORN_BYTES); // A record to tear.
      damage(file, bytes);
      await moreAcked(progress, `with member ${index} down`);
      await s.startMember(index);
      // Recovery cut the damaged tail (serve.ts logs what it cut) and went on.
      expect(tornTails(s, index)).toBe(before + 1);
      await caughtUp(admin, each[index] as Client, `after restarting member ${index}`);
      await moreAcked(progress, `with member ${index} back`);
    };

    const leader = await leaderIndex(each);
    await tornRestart((leader + 1) % MEMBERS, (file, bytes) => {
      fs.truncateSync(file, bytes - TORN_BYTES);
    });
    await tornRestart(await leaderIndex(each), (file) => {
      fs.appendFileSync(file, randomBytes(GARBAGE_BYTES));
    });

    await finish();
  }, 150_000);
});
