// A single member, in process: Raft with the MVCC machine in its slot, over real storage
// (in memory) and the real transport. Proposals go through the log; reads through ReadIndex.

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { monotonicClock } from '../runtime/clock.js';
import { freePort } from '../runtime/launcher/free-port.js';
import { MemoryStorage } from '../runtime/memory-storage.js';
import { type ServerResult, serverMachineDef } from './machine.js';
import { Member } from './member.js';
import { RaftRefusal } from './proposals.js';

const text = (s: string) => new TextEncoder().encode(s);
let member: Member | undefined;

afterEach(async () => {
  await member?.stop();
  member = undefined;
});

async function start(): Promise<Member> {
  const port = await freePort();
  member = await Member.start({
    id: 1,
    cluster: 'test',
    peers: new Map([[1, { host: '127.0.0.1', port }]]),
    peerAuth: { kind: 'none' },
    storage: new MemoryStorage(),
    clock: monotonicClock(),
    log: pino({ level: 'silent' }),
    onFatal: (error) => {
      throw error;
    },
    machine: serverMachineDef(),
    // One lane of each kind: a read and a write after it would share one if they could.
    proposals: { lanes: 1 },
    randomSeed: 7,
  });
  return member;
}

describe('server member', () => {
  it('applies puts through Raft and serves linearizable ranges at the new revision', async () => {
    const m = await start();
    const applied: number[] = [];
    m.onApplied((index) => applied.push(index));
    const put = (await m.propose(
      { type: 'put', request: { key: text('a'), value: text('1'), lease: 0n } },
      false,
    )) as ServerResult;
    expect(put).toMatchObject({ ok: true, response: { header: { revision: 2 } } });
    const got = (await m.propose(
      { type: 'range', request: { key: text('a'), rangeEnd: new Uint8Array(0) } },
      true,
    )) as ServerResult;
    expect(got.ok).toBe(true);
    const response = (got as { response: { kvs: { value: Uint8Array }[]; count: number } })
      .response;
    expect(response.count).toBe(1);
    expect(new TextDecoder().decode(response.kvs[0]?.value)).toBe('1');
    expect(applied.length).toBe(1);
  });

  it('takes a write after reads (reads open no session, so they use lanes of their own)', async () => {
    const m = await start();
    const range = { type: 'range', request: { key: text('a'), rangeEnd: new Uint8Array(0) } };
    for (let i = 0; i < 3; i++) expect(await m.propose(range, true)).toMatchObject({ ok: true });
    const put = await m.propose(
      { type: 'put', request: { key: text('a'), value: text('1'), lease: 0n } },
      false,
    );
    expect(put).toMatchObject({ ok: true, response: { header: { revision: 2 } } });
  });

  it("hands Raft's leadership transfer over and reports its refusal", async () => {
    const m = await start();
    const range = { type: 'range', request: { key: text('a'), rangeEnd: new Uint8Array(0) } };
    expect(await m.propose(range, true)).toMatchObject({ ok: true });
    // Member 1 is the only voter: a transfer to itself or to a stranger is refused.
    await expect(m.admin({ type: 'transfer-leader', node: 1 })).rejects.toThrow(RaftRefusal);
    await expect(m.admin({ type: 'transfer-leader', node: 2 })).rejects.toThrow(RaftRefusal);
    // The transfer took a read lane (it is not logged): the write lane's session is intact.
    const put = await m.propose(
      { type: 'put', request: { key: text('a'), value: text('1'), lease: 0n } },
      false,
    );
    expect(put).toMatchObject({ ok: true, response: { header: { revision: 2 } } });
  });

  it("answers etcd's error as a value: a put on a lease that does not exist", async () => {
    const m = await start();
    const r = await m.propose(
      { type: 'put', request: { key: text('a'), value: text('1'), lease: 42n } },
      false,
    );
    expect(r).toEqual({ ok: false, error: 'leaseNotFound' });
  });
});
