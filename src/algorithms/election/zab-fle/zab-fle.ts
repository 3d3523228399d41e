// ZooKeeper's Fast Leader Election (FastLeaderElection.lookForLeader; note 004), followed by
// ZAB's epoch establishment (Junqueira et al., DSN 2011, phase 1 "discovery") so that an
// elected leader only LEADS once a quorum has accepted its new epoch — which makes "one
// leader per epoch" hold under every fault, not just when the election happens to agree.
//
// Election (votes.ts). A LOOKING server bumps its logical clock, votes for itself (id, zxid,
// epoch) and broadcasts a Notification. Votes are ordered by epoch, then zxid, then server
// id (a server of weight 0 — an observer — never wins). On a Notification of a higher round
// it restarts its tally in that round; on a better vote it adopts it and re-broadcasts. When
// a quorum of the round's votes agrees with its own, it waits `finalizeMs` for a better one,
// then decides: LEADING, FOLLOWING or OBSERVING. A server that is no longer LOOKING answers
// a LOOKING one with its vote and state, so a late or restarted server joins the leader.
//
// Establishment (establish.ts): FollowerInfo → LeaderInfo → AckEpoch; a quorum of acks
// makes the proposed epoch the leader's term. Leaders ping; a leader without a quorum of
// answers, or a follower without pings, goes back to LOOKING.
//
// Fault model: crash-recovery (zxid and epochs durable, saved by the kernel), lossy,
// duplicating, reordering and delaying links, partitions, pauses and drift. One leader per
// epoch holds under all of them; a leader emerges once a quorum is up and connected.

import { assert } from '../../../core/assert.js';
import { defineProcess, type ProcessDefinition } from '../../../core/kernel.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import { isRecord } from '../../../core/validate.js';
import type { ElectionOutput } from '../workload.js';
import { onAckEpoch, onFollowerInfo, onLeaderInfo } from './establish.js';
import type { FleMessage } from './messages.js';
import type { FleConfig } from './options.js';
import { isQuorum, isVoter } from './quorum.js';
import { FLE_DURABLE, type FleState, type FleStep, initFleState } from './state.js';
import {
  agreed,
  decide,
  lookForLeader,
  notify,
  onLookingNotification,
  sendFollowerInfo,
} from './votes.js';

export type FleTimer = 'finalize' | 'establish' | 'ping' | 'watch';

/** What the election's host (consensus/zab) tells it: its history is synchronized. */
export interface FleSynced {
  readonly type: 'synced';
  readonly epoch: number;
}

function isSynced(command: unknown): command is FleSynced {
  return isRecord(command) && command.type === 'synced' && typeof command.epoch === 'number';
}

/** What holds after every step, whatever peers said. */
function assertConsistent({ s, env }: FleStep): void {
  assert((s.role === 'looking') === (s.server === 'LOOKING'), 'LOOKING is the looking role');
  assert(
    s.role !== 'leader' || (s.server === 'LEADING' && s.leader === env.id),
    'a leader is LEADING and follows itself',
  );
  assert(new Set(s.acks).size === s.acks.length, 'each acknowledgement counts once');
}

type Of<T extends FleMessage['type']> = Extract<FleMessage, { type: T }>;

function onNotification(x: FleStep, from: NodeId, m: Of<'Notification'>): void {
  const { s, c } = x;
  if (s.server === 'LOOKING') onLookingNotification(x, from, m);
  else if (m.state === 'LOOKING') notify(x, from); // Tell a newcomer who leads.
  const counted = s.server === 'LOOKING' && m.state === 'LOOKING' && isVoter(c.quorum, from);
  assert(!counted || s.round >= m.round, 'a LOOKING server is in the newest round it counts');
  assertConsistent(x);
}

export const fleDefinition: ProcessDefinition<
  FleMessage,
  ElectionOutput,
  FleState,
  FleConfig,
  FleTimer
> = {
  init: initFleState,
  durable: FLE_DURABLE,
  onStart(x) {
    x.env.setTimer('watch', x.c.pingMs);
    lookForLeader(x);
    assert(x.s.round >= 1, 'a started server is in a round');
    assertConsistent(x);
  },
  onMessage: {
    Notification: onNotification,
    Ping(x, from, m) {
      const { s, env } = x;
      if (from === s.leader && s.role !== 'leader' && m.epoch === s.term) {
        s.lastHeardMs = env.now();
        env.send(from, { type: 'PingAck', epoch: m.epoch });
      }
      assert(s.lastHeardMs <= env.now(), 'heard in the past');
      assertConsistent(x);
    },
    PingAck(x, from, m) {
      const { s } = x;
      if (s.role === 'leader' && m.epoch === s.term && !s.acks.includes(from)) s.acks.push(from);
      assert(s.acks.length <= x.env.nodes.length, 'at most every node acknowledges');
      assertConsistent(x);
    },
    FollowerInfo(x, from, m) {
      const leading = x.s.server === 'LEADING';
      if (leading) onFollowerInfo(x, from, m);
      assert(!leading || x.s.role === 'looking' || x.s.infos[from] === m.acceptedEpoch, 'noted');
      assertConsistent(x);
    },
    LeaderInfo(x, from, m) {
      const { s } = x;
      const ours = from === s.leader && s.server !== 'LEADING';
      if (ours) onLeaderInfo(x, from, m);
      const accepted = s.acceptedEpoch === m.epoch && s.acceptedFrom === from;
      assert(!ours || s.role === 'looking' || accepted, "our leader's epoch is accepted");
      assertConsistent(x);
    },
    AckEpoch(x, from, m) {
      const { s } = x;
      if (s.server === 'LEADING' && m.epoch === s.proposedEpoch) onAckEpoch(x, from, m);
      assert(s.role !== 'leader' || s.currentEpoch === s.term, 'a leader is in its own epoch');
      assertConsistent(x);
    },
  },
  onTimer: {
    finalize(x) {
      const { s } = x;
      const looking = s.server === 'LOOKING';
      if (looking) {
        s.finalizing = null;
        if (agreed(x, s.received, s.vote)) decide(x, s.vote);
      }
      assert(!looking || s.finalizing === null, 'the finalize wait is over');
      assertConsistent(x);
    },
    establish(x) {
      if (x.s.role === 'establishing') lookForLeader(x);
      assert(x.s.role !== 'establishing', 'an epoch not established in time is given up');
      assertConsistent(x);
    },
    ping(x) {
      const { s, env, c } = x;
      const leading = s.role === 'leader';
      if (leading) {
        if (isQuorum(c.quorum, s.acks)) s.lastHeardMs = env.now();
        if (env.now() - s.lastHeardMs > c.suspectAfterMs)
          lookForLeader(x); // Lost quorum.
        else {
          s.acks = [env.id];
          env.broadcast({ type: 'Ping', epoch: s.term });
          env.setTimer('ping', c.pingMs);
        }
      }
      assert(!leading || s.role === 'leader' || s.role === 'looking', 'lead on, or look');
      assertConsistent(x);
    },
    watch(x) {
      const { s, env, c } = x;
      env.setTimer('watch', c.pingMs);
      const follows = s.role === 'follower' || s.role === 'observer';
      if (follows && env.now() - s.lastHeardMs > c.suspectAfterMs) lookForLeader(x);
      // A learner keeps knocking until the leader answers, as ZooKeeper's connectToLeader
      // retries: the leader may still be finalizing its vote, or the message was lost.
      else if (s.role === 'establishing' && s.server !== 'LEADING') sendFollowerInfo(x);
      else if (s.role === 'looking' && env.now() - s.lastHeardMs > c.suspectAfterMs) {
        s.lastHeardMs = env.now();
        notify(x); // Still looking after a while: re-send our vote (messages get lost).
      }
      const settled = s.role === 'leader' || s.role === 'establishing';
      assert(settled || env.now() - s.lastHeardMs <= c.suspectAfterMs, 'silence is acted on');
      assertConsistent(x);
    },
  },
  /** Only `synced`, from the broadcast layer (createFle); never client or peer input. */
  onCommand(x, command) {
    assert(isSynced(command), 'the election takes only its host’s synced notice');
    x.s.currentEpoch = command.epoch;
    assert(x.s.currentEpoch === command.epoch, 'the synced epoch is current');
    assertConsistent(x);
  },
};

const fleProcess = defineProcess(fleDefinition);

export type FleProcess = Process<FleMessage, ElectionOutput, FleState> & {
  /** The broadcast layer synchronized this follower with the leader of `epoch`. */
  synced(env: Env<FleMessage, ElectionOutput>, epoch: number): void;
};

/**
 * One election server: the kernel's process, without `onCommand` (the election takes no
 * client commands), plus `synced` for a host's broadcast layer — run as a kernel step, so
 * the new currentEpoch is saved in the host's step that learnt it.
 */
export function createFle(c: FleConfig, id: NodeId): FleProcess {
  const { onCommand, ...process } = fleProcess(c, id);
  assert(onCommand !== undefined, 'the election definition has onCommand');
  return {
    ...process,
    synced(env, epoch) {
      onCommand(env, { type: 'synced', epoch } satisfies FleSynced);
    },
  };
}
