// Lease reads (dissertation §6.4.1) are only as good as their clock assumption. A leader is
// cut off while its clock runs slow and the others' run fast: the majority elects a new
// leader and commits a write while the old leader still believes its lease holds. With
// `--read-mode lease` and an assumed drift of 0 the old leader answers a read with the old
// value, and the linearizability checker rejects the history; with ReadIndex (the default)
// the old leader cannot confirm a heartbeat round and never answers.

import { describe, expect, it } from 'vitest';
import type { ClientHistoryEvent } from '../../../core/algorithm.js';
import { nodeIds } from '../../../core/process.js';
import { checkLinearizability } from '../../../sim/linearizability/index.js';
import { resolveOptions } from '../../../sim/run.js';
import { Simulator } from '../../../sim/simulator.js';
import { raft } from './index.js';
import type { RaftOutput } from './messages.js';

const SERVERS = [1, 2, 3, 4, 5];

function run(readMode: 'lease' | 'read-index') {
  const options = resolveOptions(raft, {
    clients: 0,
    requests: 0,
    configChanges: false,
    readMode,
    clockDriftPpm: 0,
  });
  const ctx = { nodes: nodeIds(5), options, seed: 1 };
  const sim = new Simulator({ seed: 1, nodes: 5, create: (id) => raft.create(id, ctx as never) });
  sim.start();
  const leaderSince = (from: number, except = 0) => {
    for (let t = sim.nowMs; t < 5_000; t += 5) {
      sim.runUntil(t);
      const won = sim.outputs
        .slice(from)
        .find((r) => (r.output as RaftOutput).type === 'leader' && r.node !== except);
      if (won !== undefined) return won.node;
    }
    throw new Error('no leader');
  };
  const reply = (node: number, seq: number, cmd: object, waitMs = 100) => {
    sim.command(node, { ...cmd, client: 99, seq });
    sim.runUntil(sim.nowMs + waitMs);
    const answers = sim.outputs.flatMap((r) => {
      const o = r.output as RaftOutput;
      return o.type === 'reply' && r.node === node && o.reply.seq === seq ? [o.reply] : [];
    });
    return answers[0];
  };
  const old = leaderSince(0);
  const events: ClientHistoryEvent[] = [];
  const op = (
    process: number,
    f: 'read' | 'write',
    value: unknown,
    result: unknown,
    at: number,
  ) => {
    events.push({
      process,
      type: 'invoke',
      f,
      key: 'x',
      value: f === 'read' ? null : value,
      time: at,
    });
    if (result !== undefined)
      events.push({ process, type: 'ok', f, key: 'x', value: result, time: sim.nowMs });
  };
  let at = sim.nowMs;
  expect(reply(old, 1, { type: 'put', key: 'x', value: 'a' })?.ok).toBe(true);
  op(1, 'write', 'a', 'a', at);
  // Cut the leader off; its clock now runs at 30 % speed, the others' 30 % fast.
  sim.inject({ kind: 'drift', node: old, ppm: -700_000 });
  for (const id of SERVERS) if (id !== old) sim.inject({ kind: 'drift', node: id, ppm: 300_000 });
  const others = SERVERS.filter((id) => id !== old);
  sim.inject({ kind: 'partition', groups: [[old], others], atMs: sim.nowMs, untilMs: undefined });
  const mark = sim.outputs.length;
  const next = leaderSince(mark, old);
  at = sim.nowMs;
  expect(reply(next, 2, { type: 'put', key: 'x', value: 'b' }, 60)?.ok).toBe(true);
  op(2, 'write', 'b', 'b', at);
  at = sim.nowMs;
  const read = reply(old, 3, { type: 'get', key: 'x' }, 1);
  op(3, 'read', null, read?.ok === true ? read.value : undefined, at);
  return { read, verdict: checkLinearizability(events, 'register') };
}

describe('consensus/raft lease reads', () => {
  it('answer a stale read when clocks break the lease assumption, and the checker sees it', () => {
    const { read, verdict } = run('lease');
    expect(read).toMatchObject({ ok: true, value: 'a' });
    expect(verdict.linearizable).toBe(false);
  });

  it('ReadIndex does not answer from a deposed leader under the same faults', () => {
    const { read, verdict } = run('read-index');
    expect(read).toBeUndefined();
    expect(verdict.linearizable).toBe(true);
  });
});
