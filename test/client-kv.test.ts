// cohort/client against a real server (every kind in API_SERVERS): KV calls
// with etcd's range conventions, the Txn builder, compaction and etcd's typed errors, and
// the Cluster and Maintenance reads. One fresh server per kind; each test uses its own key
// prefix, and revisions are asserted relative to the ones the test itself observed.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, Compare, connect, EtcdError, GrpcError, Op } from '../src/client/index.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';

const text = (kvs: readonly { keyString(): string; valueString(): string }[]) =>
  kvs.map((kv) => `${kv.keyString()}=${kv.valueString()}`);

describe.each(API_SERVERS)('client KV against $kind', ({ start }) => {
  let server: ApiServer;
  let client: Client;

  beforeAll(async () => {
    server = await start({ members: 1 });
    client = await connect({ endpoints: server.endpoints });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('puts and gets keys, with revisions, versions and previous values', async () => {
    const first = await client.put('kv/a', '1');
    const second = await client.put('kv/a', '2', { prevKv: true });
    expect(second.header.revision).toBe(first.header.revision + 1);
    expect(second.prevKv?.valueString()).toBe('1');
    const got = await client.get('kv/a');
    expect(got.count).toBe(1);
    const kv = got.kvs[0];
    expect(kv?.valueString()).toBe('2');
    expect(kv?.createRevision).toBe(first.header.revision);
    expect(kv?.modRevision).toBe(second.header.revision);
    expect(kv?.version).toBe(2);
    expect(kv?.lease).toBe(0n);
    expect(got.header.clusterId).not.toBe(0n);
    expect(got.header.memberId).not.toBe(0n);
    expect((await client.get('kv/missing')).kvs).toEqual([]);
  });

  it('takes and returns bytes that are not UTF-8', async () => {
    const key = new Uint8Array([0x6b, 0x76, 0x2f, 0xff, 0x00, 0x80]);
    const value = new Uint8Array([0, 1, 2, 255]);
    await client.put(key, value);
    const kv = (await client.get(key)).kvs[0];
    expect(Buffer.from(kv?.key ?? []).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(kv?.value ?? []).equals(Buffer.from(value))).toBe(true);
  });

  it('reads prefixes and ranges with limit, sort, keys-only and count-only', async () => {
    for (const k of ['c', 'a', 'b', 'd']) await client.put(`range/${k}`, k.toUpperCase());
    await client.put('rangf', 'outside the prefix');
    const all = await client.get('range/', { prefix: true });
    expect(text(all.kvs)).toEqual(['range/a=A', 'range/b=B', 'range/c=C', 'range/d=D']);
    const limited = await client.get('range/', {
      prefix: true,
      limit: 2,
      sort: { target: 'KEY', order: 'DESCEND' },
    });
    expect(text(limited.kvs)).toEqual(['range/d=D', 'range/c=C']);
    expect(limited.more).toBe(true);
    expect(limited.count).toBe(4);
    const between = await client.get('range/b', { rangeEnd: 'range/d' });
    expect(text(between.kvs)).toEqual(['range/b=B', 'range/c=C']);
    const keysOnly = await client.get('range/', { prefix: true, keysOnly: true });
    expect(keysOnly.kvs.map((kv) => kv.valueString())).toEqual(['', '', '', '']);
    const countOnly = await client.get('range/', { prefix: true, countOnly: true });
    expect(countOnly.kvs).toEqual([]);
    expect(countOnly.count).toBe(4);
    const serializable = await client.get('range/a', { serializable: true });
    expect(text(serializable.kvs)).toEqual(['range/a=A']);
  });

  it('reads past revisions, deletes with previous values, and compacts', async () => {
    const v1 = await client.put('hist/k', 'one');
    const v2 = await client.put('hist/k', 'two');
    await client.put('hist/j', 'j');
    const old = await client.get('hist/k', { revision: v1.header.revision });
    expect(text(old.kvs)).toEqual(['hist/k=one']);
    const deleted = await client.delete('hist/', { prefix: true, prevKv: true });
    expect(deleted.deleted).toBe(2);
    expect(text(deleted.prevKvs).sort()).toEqual(['hist/j=j', 'hist/k=two']);
    expect((await client.delete('hist/k')).deleted).toBe(0);
    await client.compact(v2.header.revision);
    const error = await client.get('hist/k', { revision: v1.header.revision }).catch((e) => e);
    expect(error).toBeInstanceOf(EtcdError);
    expect(error.kind).toBe('compacted');
    expect(error.code).toBe('OUT_OF_RANGE');
    expect(error.retryable).toBe(false);
    const future = await client.get('hist/k', { revision: 1e9 }).catch((e) => e);
    expect(future.kind).toBe('futureRev');
  });

  it('runs Txns: compares on value, version, revisions and lease, both branches, nested', async () => {
    const put = await client.put('txn/k', 'v');
    const taken = await client
      .txn()
      .if(
        Compare.value('txn/k', '=', 'v'),
        Compare.version('txn/k', '=', 1),
        Compare.createRevision('txn/k', '=', put.header.revision),
        Compare.modRevision('txn/k', '<', put.header.revision + 1),
        Compare.lease('txn/k', '=', 0n),
      )
      .then(Op.put('txn/k', 'w', { prevKv: true }), Op.get('txn/k'), Op.delete('txn/other'))
      .else(Op.put('txn/k', 'else'))
      .commit();
    expect(taken.succeeded).toBe(true);
    expect(taken.header.revision).toBe(put.header.revision + 1);
    const [putResult, getResult, deleteResult] = taken.responses;
    expect(putResult?.type === 'put' && putResult.prevKv?.valueString()).toBe('v');
    expect(getResult?.type === 'get' && text(getResult.kvs)).toEqual(['txn/k=w']);
    expect(deleteResult?.type === 'delete' && deleteResult.deleted).toBe(0);

    const missed = await client
      .txn()
      .if(Compare.version('txn/absent', '>', 0))
      .then(Op.put('txn/k', 'then'))
      .else(Op.txn([Compare.value('txn/k', '=', 'w')], [Op.put('txn/nested', 'yes')]))
      .commit();
    expect(missed.succeeded).toBe(false);
    const nested = missed.responses[0];
    expect(nested?.type === 'txn' && nested.succeeded).toBe(true);
    expect(text((await client.get('txn/nested')).kvs)).toEqual(['txn/nested=yes']);
    // A read-only Txn does not move the revision.
    const read = await client.txn().then(Op.get('txn/k')).commit();
    expect(read.header.revision).toBe(missed.header.revision);
  });

  it('rejects awaiting a Txn builder instead of hanging', async () => {
    const builder = client.txn().if(Compare.version('txn/x', '=', 0));
    await expect(Promise.resolve().then(() => builder)).rejects.toThrow(/call \.commit\(\)/);
  });

  it("answers etcd's errors as typed EtcdErrors", async () => {
    const empty = await client.put('', 'v').catch((e) => e);
    expect(empty).toBeInstanceOf(EtcdError);
    expect(empty.kind).toBe('emptyKey');
    expect(empty.code).toBe('INVALID_ARGUMENT');
    const ops = Array.from({ length: 129 }, (_, i) => Op.put(`many/${i}`, 'v'));
    const tooMany = await client
      .txn()
      .then(...ops)
      .commit()
      .catch((e) => e);
    expect(tooMany.kind).toBe('tooManyOps');
    const duplicate = await client
      .txn()
      .then(Op.put('dup/k', '1'), Op.put('dup/k', '2'))
      .commit()
      .catch((e) => e);
    expect(duplicate.kind).toBe('duplicateKey');
    const noLease = await client
      .put('lease/k', 'v', { lease: 0x7fff_ffff_ffff_fff0n })
      .catch((e) => e);
    expect(noLease.kind).toBe('leaseNotFound');
    expect(noLease.code).toBe('NOT_FOUND');
  });

  it('honours timeouts and abort signals', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop here'));
    await expect(client.get('kv/a', { signal: controller.signal })).rejects.toThrow('stop here');
    const expired = await client.get('kv/a', { timeoutMs: 0 }).catch((e) => e);
    expect(expired).toBeInstanceOf(GrpcError);
    expect(expired.code).toBe('DEADLINE_EXCEEDED');
  });

  it('adds a learner, refuses to promote it unstarted, removes it; ids are bigints', async () => {
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    const added = await client.memberAdd([peerUrl], { isLearner: true });
    expect(typeof added.member.id).toBe('bigint');
    expect(added.member.peerUrls).toEqual([peerUrl]);
    expect(added.member.isLearner).toBe(true);
    expect(added.members).toHaveLength(2);
    const listed = await client.memberList();
    const learner = listed.members.find((m) => m.id === added.member.id);
    expect(learner?.name).toBe(''); // Never started.
    const promote = await client.memberPromote(added.member.id).catch((e) => e);
    expect(promote).toBeInstanceOf(EtcdError);
    expect(promote.kind).toBe('learnerNotReady');
    const after = await client.memberRemove(added.member.id);
    expect(after.members.map((m) => m.id)).not.toContain(added.member.id);
    const missing = await client.memberRemove(added.member.id).catch((e) => e);
    expect(missing).toBeInstanceOf(EtcdError);
    expect(missing.kind).toBe('memberNotFound');
  });

  it('lists members and reports status and hash', async () => {
    const { members } = await client.memberList();
    expect(members).toHaveLength(1);
    const [member] = members;
    expect(member?.clientUrls).toEqual([`http://${server.endpoints[0]}`]);
    expect(member?.isLearner).toBe(false);
    const status = await client.status();
    expect(status.version).toMatch(/^3\.4\./);
    expect(status.leader).toBe(member?.id);
    expect(status.header.memberId).toBe(member?.id);
    expect(status.raftIndex).toBeGreaterThan(0);
    expect(status.dbSize).toBeGreaterThan(0);
    const a = await client.hashKV();
    const b = await client.hashKV();
    expect(a.hash).toBe(b.hash);
    await client.put('hash/changes', 'it');
    expect((await client.hashKV()).hash).not.toBe(a.hash);
  });

  it('streams a snapshot that ends with the SHA-256 of what came before', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of client.snapshot()) chunks.push(chunk);
    const all = Buffer.concat(chunks);
    expect(all.length).toBeGreaterThan(32);
    const digest = createHash('sha256').update(all.subarray(0, -32)).digest();
    expect(digest.equals(all.subarray(-32))).toBe(true); // etcd's integrity trailer.
  });
});
