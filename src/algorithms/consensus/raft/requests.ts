// Client commands at a server (dissertation ch. 6): a non-leader redirects with its leader
// hint; the leader answers duplicates from the session cache, proposes new writes (batched
// and pipelined by replication.ts), routes reads through read-index.ts, and runs the
// operator commands: single-server membership changes (§4.1, with the fix from Ongaro's
// raft-dev post of 2015: a leader first commits an entry of its own term, and only one
// change may be uncommitted at a time) and leadership transfer (§3.10).
//
// Fault model: a command may arrive many times, at any server, in any term; it is applied at
// most once thanks to the (client, seq) session check at apply time.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { replyFor } from './apply.js';
import { type ClientCommand, type ClientReplyBody, isMachineCommand } from './client-api.js';
import type { Config } from './log.js';
import type { Entry } from './messages.js';
import { registerRead } from './read-index.js';
import { propose, sendAppend, sendTimeoutNowIfReady } from './replication.js';
import { answer, learnersOf, type ReplyRoute, type Server, votersOf, waitingKey } from './state.js';

/**
 * One client command. With `broadcast` false a proposal is only appended and a read only
 * registered: the caller (a host's batch of commands in one step) sends the AppendEntries
 * and starts the ReadIndex round once for all of them.
 */
export function onClientCommand(
  x: Server,
  cmd: ClientCommand,
  route: ReplyRoute,
  broadcast = true,
): void {
  const { s } = x;
  const fail = (reason: NonNullable<ClientReplyBody['reason']>, leaderHint: NodeId | null = null) =>
    answer(x, route, { client: cmd.client, seq: cmd.seq, ok: false, reason, leaderHint });
  if (s.role !== 'leader') {
    if (route.via === 'command' && x.c.forwardCommands && s.leaderId !== null)
      return forward(x, cmd, s.leaderId);
    return fail('not-leader', s.leaderId);
  }
  // §3.10: during a transfer the leader stops accepting new commands.
  if (s.transferee !== null) return fail('retry', s.transferee);
  if (isMachineCommand(cmd) && x.c.machine.isRead(cmd))
    return registerRead(x, cmd, route, broadcast);
  if (cmd.type === 'transfer-leader') return startTransfer(x, cmd, route);
  const seen = s.kv.check(cmd.client, cmd.seq);
  if (seen !== undefined) {
    const reply = replyFor(cmd.client, cmd.seq, seen);
    if (reply !== undefined) answer(x, route, reply);
    return;
  }
  const pendingAt = pendingIndexOf(x, cmd.client, cmd.seq);
  if (pendingAt !== undefined) return wait(x, pendingAt, cmd, route);
  const index = s.log.lastIndex + 1;
  if (isConfigChange(cmd)) {
    const config = changedConfig(x, cmd);
    if (typeof config === 'string') return fail(config === 'busy' ? 'retry' : config);
    wait(x, index, cmd, route);
    return propose(x, configEntry(index, s.term, config, cmd), broadcast);
  }
  if (!isMachineCommand(cmd)) return fail('rejected'); // Every admin type is handled above.
  wait(x, index, cmd, route);
  // §6.3: log time for session expiry; never behind what the machine has applied already.
  const atMs = Math.max(Math.floor(x.env.now()), s.kv.timeMs);
  propose(x, { index, term: s.term, kind: 'command', command: cmd, atMs }, broadcast);
}

/** Bounds `forwarded` whatever the host does; the oldest forwarding is forgotten first. */
const MAX_FORWARDED = 65_536;

/**
 * etcd's proposal forwarding: a follower sends its host's command to the leader as a client
 * would, and relays the answer (raft.ts ClientReply). A lost forward or answer is the host's
 * to retry, with the same (client, seq), so the command still applies at most once.
 */
function forward(x: Server, cmd: ClientCommand, leader: NodeId): void {
  const { s, env } = x;
  assert(s.role !== 'leader' && leader !== s.id, 'only followers forward');
  s.forwarded.delete(cmd.client);
  s.forwarded.set(cmd.client, { seq: cmd.seq, to: leader });
  for (const oldest of s.forwarded.keys()) {
    if (s.forwarded.size <= MAX_FORWARDED) break;
    s.forwarded.delete(oldest);
  }
  env.send(leader, { type: 'ClientRequest', command: cmd });
}

/** The leader's answer to a forwarded command goes on to the host; any other is dropped. */
export function onForwardedReply(x: Server, from: NodeId, reply: ClientReplyBody<unknown>): void {
  const { s } = x;
  const sent = s.forwarded.get(reply.client);
  if (sent === undefined || sent.seq !== reply.seq || sent.to !== from) return;
  s.forwarded.delete(reply.client);
  answer(x, { via: 'command', to: 0 }, reply);
  assert(!s.forwarded.has(reply.client), 'an answer is relayed once');
}

function wait(x: Server, index: number, cmd: ClientCommand, route: ReplyRoute): void {
  const list = x.s.waiters.get(index) ?? [];
  list.push({ client: cmd.client, seq: cmd.seq, ...route });
  x.s.waiters.set(index, list);
  x.s.waiting.set(waitingKey(cmd.client, cmd.seq), index);
}

/** The uncommitted entry already carrying (client, seq) in this term, if any. */
function pendingIndexOf(x: Server, client: number, seq: number): number | undefined {
  return x.s.waiting.get(waitingKey(client, seq));
}

type ConfigChange = ClientCommand & { type: ConfigChangeType };
type ConfigChangeType = 'add-server' | 'add-learner' | 'promote-learner' | 'remove-server';

function isConfigChange(cmd: ClientCommand): cmd is ConfigChange {
  return (
    cmd.type === 'add-server' ||
    cmd.type === 'add-learner' ||
    cmd.type === 'promote-learner' ||
    cmd.type === 'remove-server'
  );
}

/** A config entry; `learners` only when there are some, as entries before learners read. */
function configEntry(index: number, term: number, config: Config, cmd: ConfigChange): Entry {
  const { voters, learners } = config;
  const entry = { index, term, kind: 'config', voters, client: cmd.client, seq: cmd.seq } as const;
  return learners.length > 0 ? { ...entry, learners } : entry;
}

/** etcd's readyPercentThreshold: a learner is promoted once it holds 90 % of our log. */
const LEARNER_READY_FRACTION = 0.9;

/**
 * The configuration after a single-server change, or why it cannot run now: 'busy' (retry
 * later) when the leader has not committed an entry of its term or a change is uncommitted;
 * 'not-ready' when a learner to promote is too far behind (a voter that cannot keep up
 * would stall commits: etcd's isLearnerReady); 'rejected' when the change makes no sense or
 * would leave fewer than `minVoters`. A learner changes one member at a time like a voter,
 * so the single-server argument (§4.1) still holds: it never counts in any quorum, and a
 * promotion adds exactly one voter.
 */
function changedConfig(x: Server, cmd: ConfigChange): Config | 'busy' | 'not-ready' | 'rejected' {
  const { s, c } = x;
  if (s.log.term(s.commitIndex) !== s.term) return 'busy';
  if (s.log.configIndex > s.commitIndex) return 'busy';
  if (!c.cluster.servers.includes(cmd.node)) return 'rejected';
  const voters = votersOf(s);
  const learners = learnersOf(s);
  const isMember = voters.includes(cmd.node) || learners.includes(cmd.node);
  const without = (ids: readonly NodeId[]) => ids.filter((v) => v !== cmd.node);
  const withNode = (ids: readonly NodeId[]) => [...ids, cmd.node].sort((a, b) => a - b);
  switch (cmd.type) {
    case 'add-server':
      return isMember ? 'rejected' : { voters: withNode(voters), learners };
    case 'add-learner':
      return isMember ? 'rejected' : { voters, learners: withNode(learners) };
    case 'promote-learner': {
      if (!learners.includes(cmd.node)) return 'rejected';
      const match = s.progress.get(cmd.node)?.matchIndex ?? 0;
      if (match < LEARNER_READY_FRACTION * s.log.lastIndex) return 'not-ready';
      return { voters: withNode(voters), learners: without(learners) };
    }
    case 'remove-server':
      if (learners.includes(cmd.node)) return { voters, learners: without(learners) };
      if (!voters.includes(cmd.node) || voters.length - 1 < c.minVoters) return 'rejected';
      return { voters: without(voters), learners };
  }
}

function startTransfer(x: Server, cmd: ClientCommand, route: ReplyRoute): void {
  const { s, env, c } = x;
  if (cmd.type !== 'transfer-leader') return;
  const ok = cmd.node !== s.id && votersOf(s).includes(cmd.node);
  answer(x, route, { client: cmd.client, seq: cmd.seq, ok, ...(!ok && { reason: 'rejected' }) });
  if (!ok) return;
  s.transferee = cmd.node;
  s.leaseUntil = 0; // The target will ignore leases: ours ends now (§6.4.1).
  env.setTimer('transfer', c.electionTimeoutMsMin);
  if (!sendTimeoutNowIfReady(x, cmd.node)) sendAppend(x, cmd.node);
}
