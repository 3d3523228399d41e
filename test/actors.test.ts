// Actors as real processes (issue 20): a bank of account actors on forked nodes moves money
// only by messages. Every run asks each account its balance and checks conservation and the
// exact balance each account must end with. Supervision: an account told to crash is
// restarted by its node with its unprocessed mailbox redelivered (the default) — nothing is
// lost — or dropped (the `drop` policy), when exactly the dropped deposits' money is missing.
// A node SIGKILLed mid-run is replaced by the hub, its actors recover from their journals
// and the envelopes it had not processed are redelivered: balances still exact.

import { describe, expect, it } from 'vitest';
import { ActorSystemError, runBank } from '../src/compute/actors/index.js';

const base = { workers: 3, accounts: 6, transfers: 300, seed: 5 };

describe('actor bank (real processes)', () => {
  it('conserves money and ends every balance exactly', async () => {
    const r = await runBank(base);
    expect(r.exact).toBe(true);
    expect(r.total).toBe(r.initialTotal);
    expect(r.deadLetters).toEqual([]);
    expect(r.stats.nodeFailures).toBe(0);
  });

  it('restarts a crashed actor with its mailbox redelivered: nothing lost', async () => {
    const r = await runBank({ ...base, crashAt: 100 });
    expect(r.stats.restarts).toBe(1);
    expect(r.deadLetters.map((d) => d.envelope.body)).toEqual([{ type: 'crash' }]);
    expect(r.exact).toBe(true);
    expect(r.conserved).toBe(true);
  });

  it('with the drop policy, a restart loses exactly the dropped deposits', async () => {
    const r = await runBank({ ...base, crashAt: 0, policy: { mailbox: 'drop' } });
    expect(r.stats.restarts).toBe(1);
    expect(r.conserved).toBe(true); // total + lost deposits = initial total.
    // Each balance is off by exactly what its dropped messages would have moved: a dropped
    // withdraw moved nothing, a dropped deposit was paid but never received.
    const adjusted = [...r.expected];
    const index = (name: unknown) => Number(String(name).replace('account-', ''));
    for (const { envelope } of r.deadLetters) {
      const body = envelope.body as { type: string; amount: number; to: string };
      if (body.type === 'withdraw') {
        adjusted[index(envelope.to)] = (adjusted[index(envelope.to)] as number) + body.amount;
        adjusted[index(body.to)] = (adjusted[index(body.to)] as number) - body.amount;
      } else if (body.type === 'deposit')
        adjusted[index(envelope.to)] = (adjusted[index(envelope.to)] as number) - body.amount;
    }
    expect(r.balances).toEqual(adjusted);
  });

  it('a node killed mid-run: journals and redelivery keep every balance exact', async () => {
    let killed = -1;
    const r = await runBank(base, {
      onProcessed(count, pids) {
        if (count !== 50 || killed >= 0) return;
        killed = pids[0] as number;
        process.kill(killed, 'SIGKILL');
      },
    });
    expect(killed).toBeGreaterThan(0);
    expect(r.stats.nodeFailures).toBe(1);
    expect(r.stats.redelivered).toBeGreaterThan(0);
    expect(r.exact).toBe(true);
    expect(r.total).toBe(r.initialTotal);
  });

  it('refuses bad input with a typed error', async () => {
    await expect(runBank({ ...base, accounts: 1 })).rejects.toThrow(ActorSystemError);
    await expect(runBank({ ...base, workers: 0 })).rejects.toThrow(ActorSystemError);
  });
});
