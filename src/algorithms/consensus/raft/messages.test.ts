// consensus/raft's peer-input validation (issue 14): every message a run sends parses as
// itself, broken ones are refused, nothing makes the parser throw (fast-check), names of
// Object.prototype's members are not message types, terms that cannot be incremented are
// refused, and whatever the parser accepts a follower and a leader handle without an
// exception (an exception on valid input is our bug: it would stop a real node).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkMessageParser,
  expectSentMessagesParse,
  normalRuns,
} from '../../../../test/support/message-parser.js';
import { checkClientCommand } from './client-api.js';
import { raft } from './index.js';
import { parseRaftMessage, type RaftMessage } from './messages.js';
import { handLeader, handServer } from './test-harness.js';

const TYPES = [
  'RequestVote',
  'RequestVoteReply',
  'PreVote',
  'PreVoteReply',
  'AppendEntries',
  'AppendEntriesReply',
  'Heartbeat',
  'HeartbeatReply',
  'InstallSnapshot',
  'InstallSnapshotReply',
  'TimeoutNow',
  'ClientRequest',
  'ClientReply',
];

const LENIENT = ['ClientReply.value', 'ClientReply.reason', 'ClientReply.leaderHint'];

describe('consensus/raft message parser', () => {
  it('accepts every message of normal runs as is, refuses broken ones and never throws', () => {
    checkMessageParser(raft, normalRuns(raft), TYPES, { lenient: LENIENT });
  });

  it('finds no message type among Object.prototype’s members', () => {
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])
      expect(parseRaftMessage({ type, term: 1 })).toBeUndefined();
  });

  it('refuses a term that cannot be incremented safely', () => {
    const beat = (term: number) => ({
      type: 'Heartbeat',
      term,
      commit: 0,
      commitTerm: 0,
      round: 1,
    });
    expect(parseRaftMessage(beat(Number.MAX_SAFE_INTEGER))).toBeUndefined();
    expect(parseRaftMessage(beat(2 ** 53))).toBeUndefined();
    const last = beat(Number.MAX_SAFE_INTEGER - 1);
    expect(parseRaftMessage(last)).toBe(last);
  });

  it('refuses entries whose terms decrease or pass the leader’s term', () => {
    const append = (terms: number[]) => ({
      type: 'AppendEntries',
      term: 3,
      prevLogIndex: 0,
      prevLogTerm: 0,
      leaderCommit: 0,
      entries: terms.map((term, i) => ({ index: i + 1, term, kind: 'noop' })),
    });
    expect(parseRaftMessage(append([1, 2, 3]))).toBeDefined();
    expect(parseRaftMessage(append([2, 1]))).toBeUndefined();
    expect(parseRaftMessage(append([4]))).toBeUndefined();
  });
});

describe('consensus/raft client commands', () => {
  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ client: 1, seq: 1 }, /missing command "type"/],
    [{ type: 'frobnicate', client: 1, seq: 1 }, /unknown command type "frobnicate"/],
    [{ type: 'toString', client: 1, seq: 1 }, /unknown command type/],
    [{ type: 'put', key: 'x', value: 'v', seq: 1 }, /"client"/],
    [{ type: 'put', key: 'x', value: 'v', client: 1 }, /"seq"/],
    [{ type: 'put', key: 'x', value: 'v', client: 1, seq: 0 }, /"seq"/],
    [{ type: 'put', key: 'x', client: 1, seq: 1 }, /"value"/],
    [{ type: 'get', key: 7, client: 1, seq: 1 }, /"key"/],
    [{ type: 'cas', key: 'x', value: 'v', expected: 3, client: 1, seq: 1 }, /"expected"/],
    [{ type: 'add-server', node: 0, client: 1, seq: 1 }, /"node"/],
  ])('refuses %j, saying why', (raw, why) => {
    const checked = checkClientCommand(raw);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(why);
    expect(raft.parseCommand?.(raw)).toEqual(checked);
  });

  it('accepts well-formed commands as themselves', () => {
    const put = { type: 'put', key: 'x', value: 'v', client: 0, seq: 1 };
    const cas = { type: 'cas', key: 'x', expected: null, value: 'v', client: 4, seq: 9 };
    expect(checkClientCommand(put)).toEqual({ ok: true, command: put });
    expect(checkClientCommand(cas)).toEqual({ ok: true, command: cas });
  });

  it('takes a host’s batch in one step: one AppendEntries per follower carries all of it', () => {
    const { process, env, record } = handLeader();
    record.sent.length = 0;
    const put = (seq: number) => ({ type: 'put', key: `b${seq}`, value: 'v', client: 7, seq });
    process.onCommand?.(env, [put(1), { type: 'put', client: 7 }, put(2), put(3)]);
    const appends = record.sent.filter((s) => s.message.type === 'AppendEntries');
    expect(appends.map((s) => s.to).sort()).toEqual([2, 3]);
    for (const { message } of appends) {
      const keys = message.type === 'AppendEntries' ? message.entries : [];
      expect(keys.map((e) => (e.kind === 'command' ? e.command : undefined))).toEqual([
        put(1),
        put(2),
        put(3),
      ]);
    }
    expect(record.notes.some((n) => n.startsWith('command refused'))).toBe(true);
  });

  it('confirms a batch of reads with one heartbeat round', () => {
    const { process, env, record } = handLeader();
    record.sent.length = 0;
    const get = (seq: number) => ({ type: 'get', key: 'k', client: 8, seq });
    process.onCommand?.(env, [get(1), get(2), get(3)]);
    const beats = record.sent.filter((s) => s.message.type === 'Heartbeat');
    expect(beats.map((s) => s.to).sort()).toEqual([2, 3]);
    for (const from of [2, 3]) {
      const round = beats[0]?.message.type === 'Heartbeat' ? beats[0].message.round : 0;
      process.onMessage(env, from, { type: 'HeartbeatReply', term: 1, round, lastIndex: 2 });
    }
    const answers = record.outputs.flatMap((o) =>
      o.type === 'reply' && o.reply.client === 8 ? [o.reply.seq] : [],
    );
    expect(answers).toEqual([1, 2, 3]);
  });
});

/** Paths to the numbers inside `v`, where a hostile or corrupt peer would put extremes. */
function numberPaths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'number') return [prefix];
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) =>
    numberPaths(x, [...prefix, Array.isArray(v) ? Number(k) : k]),
  );
}

function withNumber(m: RaftMessage, path: readonly (string | number)[], value: number): unknown {
  const copy = structuredClone(m) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = value;
  return copy;
}

describe('consensus/raft handlers on accepted peer input', () => {
  // A few of each type, rejections and refusals included (they take other paths).
  const sent = [...expectSentMessagesParse(raft, normalRuns(raft)).values()].flatMap((list) => {
    const all = list.map((s) => s.msg as RaftMessage);
    const refusals = all.filter((m) => Object.values(m).includes(false));
    return [...all.slice(0, 3), ...all.slice(-3), ...refusals.slice(0, 3)];
  });
  const cases = sent.map((msg) => ({ msg, paths: numberPaths(msg) }));
  const extreme = fc.oneof(
    fc.nat(70),
    fc.constantFrom(Number.MAX_SAFE_INTEGER - 1, 2 ** 31, 1),
    fc.nat(),
  );

  it('a follower and a leader survive any accepted message with numbers set to extremes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.nat(),
        extreme,
        fc.constantFrom(2, 3),
        ({ msg, paths }, pick, value, from) => {
          const path = paths[pick % Math.max(1, paths.length)];
          const raw = path === undefined ? msg : withNumber(msg, path, value);
          const m = parseRaftMessage(raw);
          if (m === undefined) return;
          const follower = handServer(1);
          follower.process.onMessage(follower.env, from, m);
          const leader = handLeader();
          expect(leader.process.state.commitIndex).toBe(2);
          leader.process.onMessage(leader.env, from, m);
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
