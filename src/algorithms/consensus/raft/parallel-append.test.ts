// parallelAppend (dissertation §10.2.1), hand-driven: the leader's AppendEntries leave before
// its own write once its term is known durable, and its own copy counts toward commitment
// only when the host's durability note (a message to itself, released after the disk) says
// so. The simulator cannot tell this apart from counting at once — a simulated step is
// durable when it ends — so these checks are what pin the rule down.

import { describe, expect, it } from 'vitest';
import { handServer } from './test-harness.js';

const none = { rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 };
const ack = (matchIndex: number) =>
  ({ type: 'AppendEntriesReply', term: 1, success: true, matchIndex, ...none }) as const;

/** Server 1 of {1, 2, 3} with parallelAppend, just elected leader of term 1 (no-op at 1). */
function parallelLeader() {
  const h = handServer(1, { parallelAppend: true });
  const { process, env } = h;
  process.onTimer(env, 'election');
  process.onMessage(env, 2, { type: 'PreVoteReply', term: 1, voteGranted: true });
  process.onMessage(env, 2, { type: 'RequestVoteReply', term: 1, voteGranted: true });
  return h;
}

const put = (seq: number) => ({ type: 'put', key: `k${seq}`, value: 'v', client: 9, seq });

describe('consensus/raft parallelAppend', () => {
  it('asks for its own durability and holds its appends until its term is known durable', () => {
    const { process, env, record } = parallelLeader();
    const self = record.sent.filter((s) => s.to === 1);
    expect(self.map((s) => s.message)).toEqual([ack(1)]);
    const appends = record.sent.filter((s) => s.message.type === 'AppendEntries');
    expect(appends.length).toBe(2);
    expect(appends.every((s) => s.early === undefined)).toBe(true);
    // The note comes back (the host released it after the disk): appends now leave early.
    process.onMessage(env, 1, ack(1));
    for (const follower of [2, 3]) process.onMessage(env, follower, ack(1));
    record.sent.length = 0;
    process.onCommand?.(env, put(1));
    const next = record.sent.filter((s) => s.message.type === 'AppendEntries');
    expect(next.length).toBeGreaterThan(0);
    expect(next.every((s) => s.early === true)).toBe(true);
    expect(record.sent.filter((s) => s.to === 1).map((s) => s.message)).toEqual([ack(2)]);
  });

  it('commits with one follower only once its own copy is durable', () => {
    const { process, env, record } = parallelLeader();
    const commits = () => record.outputs.filter((o) => o.type === 'commit').map((o) => o.index);
    process.onMessage(env, 2, ack(1));
    expect(commits()).toEqual([]); // One follower and a copy not known durable: no majority.
    process.onMessage(env, 1, ack(1));
    expect(commits()).toEqual([1]);
  });

  it('commits on two followers without its own copy', () => {
    const { process, env, record } = parallelLeader();
    process.onMessage(env, 2, ack(1));
    process.onMessage(env, 3, ack(1));
    expect(record.outputs.filter((o) => o.type === 'commit').map((o) => o.index)).toEqual([1]);
  });

  it('ignores a durability note beyond its log', () => {
    const { process, env, record } = parallelLeader();
    process.onMessage(env, 1, ack(5));
    process.onMessage(env, 2, ack(1));
    expect(record.outputs.filter((o) => o.type === 'commit')).toEqual([]);
  });
});
