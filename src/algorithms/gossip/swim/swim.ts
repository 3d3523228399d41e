// SWIM (Das, Gupta, Motivala, DSN 2002): a scalable weakly-consistent infection-style
// membership protocol. Every protocol period T' a member probes the next member of its
// round-robin order (§4.3) with a Ping; without an Ack within the probe timeout it asks k
// random members to Ping the target on its behalf (PingReq, §3.1), and relays their Acks.
// No Ack by the period's end: the target is suspected — or, with --no-suspicion, declared
// failed at once. A suspect not refuted within the suspicion timeout is confirmed failed
// (§4.2). A suspected member that hears the rumor refutes it with a higher incarnation
// number. Membership updates ride on Pings, PingReqs and Acks (§4.1: infection-style
// dissemination, no extra messages), each sent λ·log n times.
//
// --lifeguard (Dadgar, Phillips, Currey, "Lifeguard: Local Health Awareness for More
// Accurate Failure Detection", 2018): the local health multiplier (LHM) stretches this
// member's probe period and timeout while it misses Acks or is suspected itself — a slow
// member stops accusing healthy ones; dogpile: a suspicion starts with a long timeout
// (β = 6 times the minimum) that shrinks as more members independently suspect; the buddy
// system: a Ping to a suspected member carries the suspicion first, so it refutes at once.
// (Lifeguard's Nack for PingReqs is not modelled: missed Nacks do not raise the LHM.)
//
// Rejoin (memberlist's reconnect): every few periods a member also pings one member it
// holds failed, buddy-style with the confirmation, so a falsely confirmed member or the
// other side of a healed partition learns of it and refutes.
//
// Fault model: crash-recovery (the incarnation is durable), loss, delay, partitions,
// pauses. Loss and delay make false suspicions; suspicion with refutation makes them rare
// (metrics.ts measures them).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { pickPeers } from '../peers.js';
import {
  applyUpdate,
  confirmMember,
  gossipEnqueue,
  gossipTake,
  suspectMember,
  suspicionTimeoutMs,
  type X,
} from './membership.js';
import type { MemberUpdate, SwimMessage } from './messages.js';
import type { SwimConfig } from './options.js';
import { initSwimState, type SwimOutput, type SwimState } from './state.js';

export type SwimTimer = 'probe' | 'probeTimeout' | 'suspicion';

const scaled = ({ s, c }: X, ms: number) => (c.lifeguard ? ms * (s.lhm + 1) : ms);

function applyAll(x: X, updates: readonly MemberUpdate[]): void {
  for (const u of updates) applyUpdate(x, u);
  suspicionArm(x);
}

/** Arms `suspicion` for the earliest suspicion deadline. */
function suspicionArm(x: X): void {
  const { s, env } = x;
  let earliest = Number.POSITIVE_INFINITY;
  for (const id of Object.keys(s.suspicions)) {
    const sus = s.suspicions[id];
    if (sus !== undefined)
      earliest = Math.min(earliest, sus.startMs + suspicionTimeoutMs(x, Number(id)));
  }
  if (earliest === Number.POSITIVE_INFINITY) return env.cancelTimer('suspicion');
  env.setTimer('suspicion', Math.max(0, earliest - env.now()));
}

/** The next member to probe, round-robin over a shuffled list of non-failed members. */
function probeTarget(x: X): NodeId | undefined {
  const { s, env } = x;
  for (let tries = 0; tries <= s.order.length; tries++) {
    if (s.next >= s.order.length) {
      s.order = env.random.shuffle(env.peers.filter((p) => s.members[p]?.status !== 'faulty'));
      s.next = 0;
      if (s.order.length === 0) return undefined;
    }
    const p = s.order[s.next++] as NodeId;
    if (s.members[p]?.status !== 'faulty') return p;
  }
  return undefined;
}

function ping(x: X, to: NodeId, seq: number): void {
  x.env.send(to, { type: 'Ping', seq, updates: gossipTake(x, to) });
}

/** The period ends: judge the last probe, start the next. */
function probeNext(x: X): void {
  const { s, env, c } = x;
  const last = s.probe;
  if (last !== null && !last.acked) suspectMember(x, last.target);
  if (c.lifeguard && last !== null)
    s.lhm = last.acked ? Math.max(0, s.lhm - 1) : Math.min(c.maxLhm, s.lhm + 1);
  s.periods++;
  s.probe = null;
  const target = probeTarget(x);
  if (target !== undefined) {
    s.seq++;
    s.probes++;
    s.probe = { target, seq: s.seq, acked: false, indirect: false };
    ping(x, target, s.seq);
    env.setTimer('probeTimeout', scaled(x, c.pingTimeoutMs));
  }
  if (s.periods % c.reconnectEvery === 0) {
    const failed = env.peers.filter((p) => s.members[p]?.status === 'faulty');
    // seq 0: nobody waits for its Ack; the confirmation rides first, so the member refutes.
    if (failed.length > 0) {
      const to = env.random.pick(failed);
      env.send(to, { type: 'Ping', seq: 0, updates: gossipTake(x, to, { buddy: true }) });
    }
  }
  suspicionArm(x);
  env.setTimer('probe', scaled(x, c.periodMs));
  assert(s.probe === null || s.probe.target !== env.id, 'a member never probes itself');
}

export const createSwim = defineProcess<SwimMessage, SwimOutput, SwimState, SwimConfig, SwimTimer>({
  init: initSwimState,
  durable: ['incarnation'],
  onStart(x) {
    const { s, env } = x;
    s.incarnation++;
    s.members = Object.fromEntries(env.peers.map((p) => [p, { status: 'alive', incarnation: 0 }]));
    // A (re)joining member announces itself: its new incarnation overrides old news.
    gossipEnqueue(x, { kind: 'alive', node: env.id, incarnation: s.incarnation, from: env.id });
    env.setTimer('probe', env.random.int(x.c.periodMs));
    assert(s.incarnation >= 1, 'incarnations count from 1');
    assert(Object.keys(s.members).length === env.peers.length, 'every peer is a member');
  },
  onMessage: {
    Ping(x, from, m) {
      const { s, env } = x;
      applyAll(x, m.updates);
      env.send(from, { type: 'Ack', seq: m.seq, updates: gossipTake(x, from) });
      assert(from !== env.id, 'pings come from peers');
      assert(s.incarnation >= 1, 'a started member answers');
    },
    PingReq(x, from, m) {
      const { s, env } = x;
      applyAll(x, m.updates);
      if (m.target === env.id) {
        env.send(from, { type: 'Ack', seq: m.seq, updates: gossipTake(x, from) });
        return;
      }
      s.seq++;
      s.relays[s.seq] = { requester: from, seq: m.seq };
      // An Ack that never comes must not pin its relay: keep the last 32 (memory bound).
      for (const k of Object.keys(s.relays)) if (Number(k) <= s.seq - 32) delete s.relays[k];
      ping(x, m.target, s.seq);
      assert(s.relays[s.seq]?.requester === from, 'the relay remembers who asked');
    },
    Ack(x, from, m) {
      const { s, env } = x;
      applyAll(x, m.updates);
      const relay = s.relays[m.seq];
      if (relay !== undefined) {
        delete s.relays[m.seq];
        env.send(relay.requester, {
          type: 'Ack',
          seq: relay.seq,
          updates: gossipTake(x, relay.requester),
        });
        return;
      }
      const p = s.probe;
      if (p !== null && m.seq === p.seq) p.acked = true; // Direct, or relayed by a helper.
      assert(p === null || p.target !== env.id, 'a member never probes itself');
      assert(from !== env.id, 'acks come from peers');
    },
  },
  onTimer: {
    probe: probeNext,
    probeTimeout(x) {
      const { s, env, c } = x;
      const p = s.probe;
      if (p === null || p.acked || p.indirect) return;
      p.indirect = true;
      const alive = env.peers.filter((q) => q !== p.target && s.members[q]?.status !== 'faulty');
      for (const helper of pickPeers(env.random, alive, c.k))
        env.send(helper, {
          type: 'PingReq',
          seq: p.seq,
          target: p.target,
          updates: gossipTake(x, helper),
        });
      assert(p.indirect, 'indirect probes go out once per probe');
      assert(!alive.includes(env.id), 'a member never asks itself');
    },
    suspicion(x) {
      const { s, env } = x;
      const now = env.now();
      for (const id of Object.keys(s.suspicions)) {
        const sus = s.suspicions[id];
        if (sus === undefined) continue;
        if (now >= sus.startMs + suspicionTimeoutMs(x, Number(id))) confirmMember(x, Number(id));
      }
      suspicionArm(x);
      for (const id of Object.keys(s.suspicions))
        assert(s.members[id]?.status === 'suspect', 'suspicions are of suspects');
      assert(!(String(env.id) in s.members), 'a member is not its own member');
    },
  },
});
