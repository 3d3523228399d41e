import { describe, expect, it } from 'vitest';
import { nodeIds } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import type { Strategy } from '../generals.js';
import { ed25519KeySeed, ed25519Scheme } from './ed25519-node.js';
import { signedMessages, smLoyalMessageCount } from './index.js';
import type { SignedOrder } from './messages.js';
import { signedPayload, verifyChain } from './signed-messages.js';

const STRATEGIES: readonly Strategy[] = ['lie-half', 'invert', 'silent', 'random'];

function run(nodes: number, options: Record<string, unknown>, seed = 1) {
  return simulate(signedMessages, { nodes, seed, options: options as never, trace: 'full' });
}

/** Every traitor set of size ≤ m among 1..n. */
function traitorSets(n: number, m: number): number[][] {
  let sets: number[][] = [[]];
  const all: number[][] = [[]];
  for (let size = 1; size <= m; size++) {
    sets = sets.flatMap((s) =>
      nodeIds(n)
        .filter((id) => id > (s.at(-1) ?? 0))
        .map((id) => [...s, id]),
    );
    all.push(...sets);
  }
  return all;
}

describe('byzantine/signed-messages', () => {
  it('derives Ed25519 keys from the seed and verifies only genuine signatures', () => {
    expect(ed25519KeySeed(7, 2).toString('hex')).toBe(ed25519KeySeed(7, 2).toString('hex'));
    expect(ed25519KeySeed(7, 2).equals(ed25519KeySeed(8, 2))).toBe(false);
    const a = ed25519Scheme(7, [1, 2]);
    const sig = a.sign(1, 'attack');
    expect(sig).toMatch(/^[0-9a-f]{128}$/);
    expect(ed25519Scheme(7, [1, 2]).sign(1, 'attack')).toBe(sig); // RFC 8032: deterministic.
    expect(a.verify(1, 'attack', sig)).toBe(true);
    expect(a.verify(1, 'retreat', sig)).toBe(false);
    expect(a.verify(2, 'attack', sig)).toBe(false);
    expect(ed25519Scheme(8, [1, 2]).verify(1, 'attack', sig)).toBe(false);
    expect(a.verify(1, 'attack', 'zz')).toBe(false);
  });

  it('rejects chains that are forged, reordered, too long or not from their last signer', () => {
    const scheme = ed25519Scheme(3, nodeIds(4));
    const opts = {
      m: 1,
      commander: 1,
      order: 'attack',
      traitors: [],
      strategy: 'invert',
      roundMs: 50,
    } as const;
    const c = { signer: 1, sig: scheme.sign(1, signedPayload('attack', [])) };
    const l3 = { signer: 3, sig: scheme.sign(3, signedPayload('attack', [c])) };
    const ok = (m: SignedOrder, from: number) => verifyChain(m, from, 2, opts, scheme);
    const order = (value: 'attack' | 'retreat', signatures: SignedOrder['signatures']) =>
      ({ type: 'SignedOrder', value, signatures }) as const;
    expect(ok(order('attack', [c]), 1)).toBe(true);
    expect(ok(order('attack', [c, l3]), 3)).toBe(true);
    expect(ok(order('retreat', [c, l3]), 3)).toBe(false); // The value was changed.
    expect(ok(order('attack', [c, l3]), 4)).toBe(false); // Not sent by its last signer.
    const forged = { signer: 1, sig: scheme.sign(3, signedPayload('retreat', [])) };
    expect(ok(order('retreat', [forged]), 1)).toBe(false); // 3's key under 1's name.
    const l4 = { signer: 4, sig: scheme.sign(4, signedPayload('attack', [c, l3])) };
    expect(ok(order('attack', [c, l3, l4]), 4)).toBe(false); // Longer than m+1.
  });

  // Loyal commander: n−1 signed orders, then each lieutenant relays the one value once.
  it.each([
    [4, 1],
    [7, 2],
    [10, 3],
  ])('sends (n−1)² messages with a loyal commander (n=%i, m=%i)', (n, m) => {
    const { result } = run(n, { m, traitors: [] });
    expect(result.ok).toBe(true);
    expect(result.messages.sent).toBe(smLoyalMessageCount(n, m));
    expect(result.messages.sent).toBe((n - 1) ** 2);
  });

  // Theorem 2: SM(m) gives IC1 and IC2 with at most m traitors, for any n ≥ m+2 — including
  // 3 generals and 1 traitor, where OM(1) fails.
  it.each([
    [3, 1],
    [4, 2],
    [5, 3],
  ])('keeps IC1 and IC2 for every ≤ m traitors when n = %i, m = %i', (n, m) => {
    for (const traitors of traitorSets(n, m)) {
      for (const strategy of STRATEGIES) {
        for (const order of ['attack', 'retreat']) {
          const { result } = run(n, { m, traitors, strategy, order });
          expect(result.ok, `${traitors} ${strategy} ${order}`).toBe(true);
        }
      }
    }
  });

  it('the same attack fails against SM(2): lieutenant 4 relays the late value', () => {
    const options = { traitors: [1, 3], strategy: 'random' };
    expect(run(4, { ...options, m: 1 }).result.metrics.agreement).toBe(false);
    expect(run(4, { ...options, m: 2 }).result.ok).toBe(true);
  });

  it('shows a forged order rejected: lieutenant 3 cannot speak for a loyal commander', () => {
    const { result, sim } = run(3, { m: 1, traitors: [3], strategy: 'invert' });
    expect(result.metrics.decision).toBe('attack');
    const notes = sim.trace.records.filter((r) => r.ev === 'note' && r.node === 2);
    expect(notes).toHaveLength(1);
  });

  it('keeps IC1 and IC2 under its fault model', () => {
    const options = { m: 1, traitors: [1], strategy: 'random' };
    expect(fuzz(signedMessages, { runs: 1000, seed: 4, nodes: 4, options }).failures).toEqual([]);
    const two = { m: 2, traitors: [1, 3], strategy: 'random' };
    expect(fuzz(signedMessages, { runs: 200, seed: 5, nodes: 5, options: two }).failures).toEqual(
      [],
    );
  });

  // The premise is at most m traitors among the cluster's nodes: a repeated id, or one
  // outside the cluster, is no extra traitor.
  it.each([
    [4, { m: 1, traitors: [3] }, true],
    [4, { m: 1, traitors: [2, 3] }, false],
    [4, { m: 1, traitors: [3, 3] }, true],
    [4, { m: 1, traitors: [3, 9] }, true],
    [4, { m: 2, traitors: [2, 3] }, true],
  ])('reports the premise: n=%i, %o → %s', (n, options, premise) => {
    expect(run(n, options).result.metrics.premise).toBe(premise);
  });
});
