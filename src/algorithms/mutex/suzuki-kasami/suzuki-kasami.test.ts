import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { suzukiKasami } from './index.js';
import type { SuzukiKasamiState } from './state.js';

describe('mutex/suzuki-kasami', () => {
  // Suzuki & Kasami 1985: n messages per entry when the token is elsewhere, 0 when held.
  it.each([3, 5, 9])('sends at most n protocol messages per entry without faults (n=%i)', (n) => {
    for (const thinkMs of [1, 300]) {
      const { result } = simulate(suzukiKasami, {
        nodes: n,
        options: { thinkMs },
        durationMs: 20_000,
      });
      expect(result.ok).toBe(true);
      expect(result.metrics.csEntries).toBe(n * 5);
      const { Request = 0, Token = 0, TokenAck = 0 } = result.messages.byType;
      expect(Request + Token).toBeLessThanOrEqual(n * (n * 5));
      // Every entry away from the token costs exactly n−1 REQUESTs and one hand-off.
      expect(Request).toBe((n - 1) * Token);
      expect(TokenAck).toBe(Token);
    }
  });

  it('an entry where the token already is costs nothing', () => {
    const { result } = simulate(suzukiKasami, { nodes: 1 });
    expect(result.ok).toBe(true);
    expect(result.metrics.csEntries).toBe(5);
    expect(result.messages.sent).toBe(0);
  });

  it('keeps one token through loss, duplication and a holder restart', () => {
    const { result, sim } = simulate(suzukiKasami, {
      faults: 'drop 0.3 @0..2000; dup 0.3 @0..2000; crash 1 @5; restart 1 @400',
    });
    expect(result.ok).toBe(true);
    const holders = sim.nodes.filter((n) => (n.state as SuzukiKasamiState).token !== null);
    expect(holders).toHaveLength(1);
  });

  it('keeps mutual exclusion and one token, and serves everyone, under random fault plans', () => {
    expect(fuzz(suzukiKasami, { runs: 1000, seed: 21 }).failures).toEqual([]);
  });
});
