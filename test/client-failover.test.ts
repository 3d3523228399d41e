// cohort/client's endpoint failover against a real 3-member cluster (every kind in
// API_SERVERS): connecting past a dead endpoint; reads, unsent writes, watches and
// keep-alives moving to another member when the one in use dies; a watcher resuming from
// the revision after its last event (writes made while it was disconnected are delivered,
// exactly once), or failing with WatchCompactedError when that revision was compacted
// meanwhile; and a write that reached a frozen member is NOT resent elsewhere (its outcome
// is unknown; the caller gets the error).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, connect, GrpcError, WatchCompactedError } from '../src/client/index.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { collect } from './support/collect-watch.js';

describe.each(API_SERVERS)('client failover against $kind (3 members)', ({ start }) => {
  let server: ApiServer;
  /** Talks to members 1 and 2 only: the writer while member 0 is down. */
  let writer: Client;

  beforeAll(async () => {
    server = await start({ members: 3 });
    writer = await connect({ endpoints: server.endpoints.slice(1) });
  });
  afterAll(async () => {
    writer?.close();
    await server?.stop();
  });

  it('connects past an endpoint where nothing listens', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const client = await connect({ endpoints: [dead, ...server.endpoints] });
    try {
      expect(client.endpoint).toBe(server.endpoints[0]);
      await client.put('fo1/k', 'v');
      expect((await client.get('fo1/k')).count).toBe(1);
    } finally {
      client.close();
    }
    const nowhere = await connect({ endpoints: [dead], dialTimeoutMs: 500 }).catch((e) => e);
    expect(nowhere).toBeInstanceOf(GrpcError);
    expect(nowhere.code).toBe('UNAVAILABLE');
    expect(nowhere.retryable).toBe(true);
  });

  it('moves reads, unsent writes, a watch and a keep-alive to another member', async () => {
    const client = await connect({ endpoints: server.endpoints });
    try {
      const before = await client.get('fo2/k');
      const watcher = client.watch('fo2/', { prefix: true });
      await watcher.ready;
      const seen = collect(watcher);
      // A TTL well above an election (about 2 s): the failover itself must not expire it.
      const lease = await client.grant(5);
      const keeper = lease.keepAlive();
      let lost: unknown;
      let renewals = 0;
      keeper.on('lost', (e) => {
        lost = e;
      });
      keeper.on('renewed', () => {
        renewals++;
      });
      const revisions = [(await client.put('fo2/a', '1')).header.revision];
      await server.stopMember(0, 'SIGKILL');
      const after = await client.get('fo2/a');
      expect(after.header.memberId).not.toBe(before.header.memberId);
      expect(client.endpoint).not.toBe(server.endpoints[0]);
      revisions.push((await client.put('fo2/b', '2', { lease })).header.revision);
      await until(() => seen.events.length === 2, 'the watch to resume on another member');
      expect(seen.events.map((e) => e.kv.modRevision)).toEqual(revisions);
      // Renewals go on through another member (six span two TTLs), and the lease is kept.
      const renewedBefore = renewals;
      await until(() => renewals >= renewedBefore + 6 || lost !== undefined, 'six renewals');
      expect(lost).toBeUndefined();
      expect((await client.get('fo2/b')).count).toBe(1);
      keeper.stop();
      await watcher.cancel();
    } finally {
      client.close();
      await server.startMember(0);
    }
  });

  // Regression: grpc-js can move a dead endpoint's channel from IDLE straight to
  // TRANSIENT_FAILURE, and the wait for a connection never counted that as a failed attempt
  // (nor ran out, its dial window being recomputed each turn): the call sat on the dead
  // member until its own deadline, with two members up.
  it('moves a call off a member that died while the channel was idle', async () => {
    const client = await connect({ endpoints: server.endpoints });
    try {
      await client.memberList();
      expect(client.endpoint).toBe(server.endpoints[0]);
      await server.stopMember(0, 'SIGKILL');
      const members = await client.memberList({ timeoutMs: 60_000 });
      expect(members.members.length).toBe(3);
      expect(client.endpoint).not.toBe(server.endpoints[0]);
    } finally {
      client.close();
      await server.startMember(0);
    }
  });

  it('resumes a watch after the last event seen, with what was written meanwhile', async () => {
    const client = await connect({ endpoints: [server.endpoints[0] as string] });
    try {
      const watcher = client.watch('fo3/', { prefix: true });
      await watcher.ready;
      const seen = collect(watcher);
      const revisions = [(await writer.put('fo3/k', 'before')).header.revision];
      await until(() => seen.events.length === 1, 'the first event');
      await server.stopMember(0);
      for (const value of ['while', 'down']) {
        revisions.push((await writer.put('fo3/k', value)).header.revision);
      }
      await server.startMember(0);
      revisions.push((await writer.put('fo3/k', 'after')).header.revision);
      await until(() => seen.events.length >= 4, 'the events written while down');
      expect(seen.events.map((e) => e.kv.modRevision)).toEqual(revisions);
      expect(seen.events.map((e) => e.kv.valueString())).toEqual([
        'before',
        'while',
        'down',
        'after',
      ]);
      await watcher.cancel();
    } finally {
      client.close();
    }
  });

  it('fails a resuming watch with WatchCompactedError when its revision is gone', async () => {
    const client = await connect({ endpoints: [server.endpoints[0] as string] });
    try {
      const watcher = client.watch('fo4/', { prefix: true });
      await watcher.ready;
      const seen = collect(watcher);
      await writer.put('fo4/k', '1');
      await until(() => seen.events.length === 1, 'the first event');
      await server.stopMember(0);
      await writer.put('fo4/k', '2');
      const last = await writer.put('fo4/k', '3');
      await writer.compact(last.header.revision);
      await server.startMember(0);
      const error = await seen.ended;
      expect(error).toBeInstanceOf(WatchCompactedError);
      expect((error as WatchCompactedError).compactRevision).toBe(last.header.revision);
      expect(seen.events).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('does not resend a write that reached a frozen member', async () => {
    const client = await connect({ endpoints: server.endpoints });
    try {
      expect(client.endpoint).toBe(server.endpoints[0]);
      server.pauseMember(0);
      const error = await client.put('fo5/k', 'v', { timeoutMs: 1_000 }).catch((e) => e);
      expect(error).toBeInstanceOf(GrpcError);
      expect(error.code).toBe('DEADLINE_EXCEEDED');
      // Still on the frozen member: the client did not pick another one to resend to.
      expect(client.endpoint).toBe(server.endpoints[0]);
    } finally {
      server.resumeMember(0);
      client.close();
    }
  });
});
