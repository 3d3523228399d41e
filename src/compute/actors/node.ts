// An actor node: a worker process (forked by system.ts) hosting the actors placed on it.
// Each actor has a mailbox; the node takes one envelope from one actor's mailbox per turn
// of the event loop, so mailboxes really hold messages while others run. A step is
// journaled (journal.ts) and only then reported to the hub with the envelopes it sent.
//
// The node is each actor's supervisor (one-for-one). When a step throws, the policy's
// directive applies: `restart` discards the instance and builds a new one from its initial
// state and journal (Akka Persistence's recovery), `resume` keeps the state, `stop` ends
// the actor (everything sent to it becomes a dead letter). In every case the envelope that
// failed is dropped as a dead letter — journaled as processed, so it is not redelivered
// and crashes nothing twice (Akka's default). The rest of the mailbox is kept for the new
// instance (`redeliver`, the default) or dropped as dead letters (`drop`). Past
// `maxRestarts` a restart escalates to stop.
//
// Fault model: the process may be SIGKILLed at any moment; the hub starts a replacement,
// whose actors recover from their journals, and redelivers every envelope not yet reported.

import path from 'node:path';
import { type ActorContext, findBehaviour } from './behaviours.js';
import { appendJournal, recoverJournal } from './journal.js';
import {
  type ActorSpec,
  type Envelope,
  type FromNode,
  parseToNode,
  type SupervisorPolicy,
} from './protocol.js';

interface Actor {
  readonly spec: ActorSpec;
  readonly journal: string;
  state: unknown;
  processed: Map<string, readonly Envelope[]>;
  readonly mailbox: Envelope[];
  restarts: number;
  stopped: boolean;
}

const actors = new Map<string, Actor>();
let policy: SupervisorPolicy = { directive: 'restart', mailbox: 'redeliver', maxRestarts: 3 };
let draining = false;

function send(msg: FromNode): void {
  process.send?.(msg);
}

/** A fresh instance: the initial state, then the journal's last state over it. */
function instantiate(spec: ActorSpec, journal: string): Pick<Actor, 'state' | 'processed'> {
  const behaviour = findBehaviour(spec.behaviour);
  if (behaviour === undefined) throw new Error(`unknown behaviour ${spec.behaviour}`);
  const recovered = recoverJournal(journal);
  if (recovered !== undefined) return recovered;
  return { state: behaviour.initial(spec.args), processed: new Map() };
}

function dead(a: Actor, e: Envelope, reason: string): void {
  appendJournal(a.journal, e.id, a.state, []);
  a.processed.set(e.id, []);
  send({ type: 'processed', id: e.id, sent: [], dead: reason });
}

function step(a: Actor, e: Envelope): void {
  const done = a.processed.get(e.id);
  if (done !== undefined) {
    // Redelivered after its step was journaled: make its sends again, apply nothing.
    send({ type: 'processed', id: e.id, sent: done });
    return;
  }
  if (a.stopped) return dead(a, e, `${a.spec.name} is stopped`);
  const sent: Envelope[] = [];
  const ctx: ActorContext = {
    self: a.spec.name,
    tell: (to, body) => sent.push({ id: `${e.id}>${sent.length}`, to, from: a.spec.name, body }),
    reply: (body) =>
      sent.push({ id: `${e.id}>${sent.length}`, to: e.from, from: a.spec.name, body }),
  };
  let next: unknown;
  try {
    next = (
      findBehaviour(a.spec.behaviour) as NonNullable<ReturnType<typeof findBehaviour>>
    ).receive(a.state, e.body, ctx);
  } catch (error) {
    return supervise(a, e, error instanceof Error ? error.message : String(error));
  }
  a.state = next;
  appendJournal(a.journal, e.id, next, sent); // BEFORE the hub hears of it.
  a.processed.set(e.id, sent);
  send({ type: 'processed', id: e.id, sent });
}

function supervise(a: Actor, e: Envelope, reason: string): void {
  dead(a, e, reason);
  let directive = policy.directive;
  if (directive === 'restart' && a.restarts >= policy.maxRestarts) directive = 'stop';
  if (directive === 'restart') {
    a.restarts++;
    Object.assign(a, instantiate(a.spec, a.journal));
    send({ type: 'restarted', actor: a.spec.name, reason });
  }
  if (directive === 'stop') a.stopped = true;
  if (directive !== 'resume' && (policy.mailbox === 'drop' || a.stopped))
    for (const m of a.mailbox.splice(0)) dead(a, m, `dropped with ${a.spec.name}'s mailbox`);
}

/** One envelope from each non-empty mailbox per turn, until all are empty. */
function drain(): void {
  draining = false;
  let more = false;
  for (const a of actors.values()) {
    const e = a.mailbox.shift();
    if (e !== undefined) step(a, e);
    more ||= a.mailbox.length > 0;
  }
  if (more) schedule();
}

function schedule(): void {
  if (draining) return;
  draining = true;
  setImmediate(drain);
}

process.on('message', (raw) => {
  const m = parseToNode(raw);
  if (m === undefined) return; // Only the hub talks to us; nothing else is trusted.
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'init') {
    policy = m.policy;
    for (const spec of m.actors) {
      const journal = path.join(m.journalDir, `${encodeURIComponent(spec.name)}.jsonl`);
      const fresh = instantiate(spec, journal);
      actors.set(spec.name, { spec, journal, ...fresh, mailbox: [], restarts: 0, stopped: false });
    }
    send({ type: 'ready' });
    return;
  }
  const a = actors.get(m.envelope.to);
  if (a === undefined) {
    send({ type: 'processed', id: m.envelope.id, sent: [], dead: `no actor ${m.envelope.to}` });
    return;
  }
  a.mailbox.push(m.envelope);
  schedule();
});
