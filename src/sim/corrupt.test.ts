// The `corrupt` fault kind: a corrupted message is a malformed one (never a well-formed one
// with wrong values), every way of corrupting occurs, the sender's object is never touched,
// the receiver's parser drops it (trace reason 'malformed', counted as dropped), and runs
// stay a pure function of the seed.

import { describe, expect, it } from 'vitest';
import { Prng } from '../core/prng.js';
import type { Message, Output, Process } from '../core/process.js';
import { isCount, type MessageChecks, parseByType } from '../core/validate.js';
import { type Corruption, corruptMessage } from './corrupt.js';
import { parseFaultPlan } from './fault-plan.js';
import { Simulator } from './simulator.js';

type Ping = { readonly type: 'Ping'; readonly n: number } | { readonly type: 'Beat' };

const CHECKS: MessageChecks<Ping> = { Ping: (m) => isCount(m.n), Beat: () => true };
const parse = (raw: unknown) => parseByType(CHECKS, raw);

/** Every node sends a Ping and a Beat to every peer every 10 ms; it counts what it gets. */
function pinger(): Process<Ping, Output, { got: number; sent: number }> {
  const state = { got: 0, sent: 0 };
  return {
    state,
    onStart: (env) => env.setTimer('tick', 10),
    onTimer(env) {
      state.sent++;
      env.broadcast({ type: 'Ping', n: state.sent });
      env.broadcast({ type: 'Beat' });
      if (state.sent < 50) env.setTimer('tick', 10);
    },
    onMessage(_env, _from, m) {
      if (m.type === 'Ping' && !(m.n >= 1)) throw new Error(`a malformed Ping got through`);
      state.got++;
    },
  };
}

function simulate(faults: string, seed = 1): Simulator {
  const sim = new Simulator({
    seed,
    nodes: 3,
    create: () => pinger() as unknown as Process<Message, Output, unknown>,
    parse,
    faults: parseFaultPlan(faults, 3),
    trace: 'full',
  });
  sim.start();
  sim.runUntil(1_000);
  return sim;
}

describe('corruptMessage', () => {
  it('makes only malformed messages, in every way, without touching the original', () => {
    const random = new Prng(7);
    const ping: Ping = { type: 'Ping', n: 3 };
    const seen = new Set<Corruption>();
    for (let i = 0; i < 500; i++) {
      const { how, value } = corruptMessage(ping, random);
      seen.add(how);
      expect(parse(value), JSON.stringify(value)).toBeUndefined();
    }
    expect([...seen].sort()).toEqual(['fields-removed', 'junk', 'prototype-type', 'unknown-type']);
    expect(ping).toEqual({ type: 'Ping', n: 3 });
  });
});

describe('the corrupt fault kind', () => {
  it('drops every corrupted message as malformed, also field-less ones', () => {
    const sim = simulate('corrupt 1');
    const drops = sim.trace.records.filter((r) => r.ev === 'drop');
    expect(sim.stats.sent).toBe(3 * 2 * 2 * 50);
    expect(sim.stats.delivered).toBe(0);
    expect(sim.stats.dropped).toBe(sim.stats.sent);
    expect(drops.every((r) => r.ev === 'drop' && r.reason === 'malformed')).toBe(true);
    expect(sim.trace.records.some((r) => r.ev === 'deliver')).toBe(false);
  });

  it('corrupts at its rate, on one link when asked, and only inside its window', () => {
    const some = simulate('corrupt 0.3');
    expect(some.stats.dropped).toBeGreaterThan(0);
    expect(some.stats.delivered).toBeGreaterThan(0);
    expect(some.stats.delivered + some.stats.dropped).toBe(some.stats.sent);
    const link = simulate('link 1->2 corrupt 1');
    const dropped = link.trace.records.filter((r) => r.ev === 'drop');
    expect(dropped.length).toBe(2 * 50);
    expect(dropped.every((r) => r.ev === 'drop' && r.from === 1 && r.to === 2)).toBe(true);
    const windowed = simulate('corrupt 1 @0..200');
    expect(windowed.stats.dropped).toBeGreaterThan(0);
    const late = windowed.trace.records.filter((r) => r.ev === 'drop' && r.t > 200 + 10);
    expect(late).toEqual([]);
  });

  it('is a pure function of the seed', () => {
    const a = simulate('corrupt 0.4; dup 0.2', 5);
    const b = simulate('corrupt 0.4; dup 0.2', 5);
    const c = simulate('corrupt 0.4; dup 0.2', 6);
    expect(a.trace.hash()).toBe(b.trace.hash());
    expect(a.trace.hash()).not.toBe(c.trace.hash());
  });

  it('leaves a run without corrupt unchanged (the rate draws nothing at 0)', () => {
    const plain = simulate('drop 0.1; dup 0.1');
    const zero = simulate('drop 0.1; dup 0.1; corrupt 0');
    expect(zero.stats).toEqual(plain.stats);
    expect(zero.trace.records).toEqual(plain.trace.records);
  });
});
