// Safety of Multi-Paxos, checked after every step. Per slot, exactly the single-decree
// checks (a value is chosen when a majority accepted it in one ballot; at most one value per
// slot; higher ballots carry it; no acceptor accepts below its promise); every replica learns
// only the chosen command; and the client history is linearizable: each result equals the
// result of executing the chosen log in slot order (the first copy of a retried command
// counts), and an operation invoked after another completed sits at a later slot — so the
// log order is a linearization that respects real time (Herlihy & Wing 1990).
// (`log-order-linearizes`: a witness, stronger than and cheaper than the general checker
// that sim/ runs on the same history at the end of every run as `linearizability`.)

import type { ClusterView, Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { KvMachine, UNBOUNDED_SESSIONS } from '../../replicated-kv/machine.js';
import { type Ballot, ballotText, compareBallots, ZERO_BALLOT } from '../paxos/ballot.js';
import { applyCommand, type Command, commandKey, type KvResult, sameCommand } from './command.js';
import type { MultiPaxosOutput } from './messages.js';
import { commitPoint, type MultiPaxosState } from './state.js';

type View = ClusterView<MultiPaxosState, MultiPaxosOutput>;

interface Votes {
  readonly ballot: Ballot;
  readonly command: Command;
  readonly acceptors: Set<NodeId>;
}

export const MULTI_PAXOS_CHECKS = [
  'one-command-per-slot',
  'accept-respects-promise',
  'replicas-learn-chosen',
  'log-order-linearizes',
] as const;

export class LogTracker {
  readonly problems: { check: string; text: string }[] = [];
  /** slot → ballot text → votes. */
  private readonly votes = new Map<number, Map<string, Votes>>();
  /** slot → the chosen command and the lowest ballot that chose it. */
  readonly chosen = new Map<number, { command: Command; ballot: Ballot }>();
  private readonly promised = new Map<NodeId, Ballot>();
  private seen = 0;
  // Linearizability: the reference machine runs the chosen log in slot order.
  private readonly machine = new KvMachine(UNBOUNDED_SESSIONS);
  private executed = 0;
  /** command key → its first slot and the reference result. */
  readonly firstSlot = new Map<string, { slot: number; result: KvResult }>();
  /** Highest effective slot among operations completed so far. */
  private completedSlot = 0;
  /** command key → highest completed slot when it was invoked. */
  private readonly invokedAfter = new Map<string, number>();
  private readonly pendingResults = new Map<string, KvResult>();

  constructor(private readonly majority: number) {}

  update(view: View): void {
    for (; this.seen < view.outputs.length; this.seen++) {
      const rec = view.outputs[this.seen];
      if (rec === undefined) break;
      this.onOutput(rec.node, rec.output);
    }
    for (const node of view.nodes) {
      const p = node.state?.promised;
      if (p === undefined) continue;
      const before = this.promised.get(node.id) ?? ZERO_BALLOT;
      if (compareBallots(p, before) < 0)
        this.problem('accept-respects-promise', `acceptor ${node.id}'s promise went backwards`);
      this.promised.set(node.id, p);
    }
  }

  private onOutput(node: NodeId, o: MultiPaxosOutput): void {
    switch (o.type) {
      case 'accepted':
        return this.onAccepted(node, o.slot, o.ballot, o.command);
      case 'chosen': {
        const c = this.chosen.get(o.slot);
        if (c === undefined || !sameCommand(c.command, o.command))
          this.problem(
            'replicas-learn-chosen',
            `node ${node} learned a command never chosen at slot ${o.slot}`,
          );
        return;
      }
      case 'invoke':
        this.invokedAfter.set(`${o.client}:${o.seq}`, this.completedSlot);
        return;
      case 'complete':
        return this.onComplete(`${o.client}:${o.seq}`, o.result);
      case 'prepare':
        return;
    }
  }

  private onAccepted(node: NodeId, slot: number, ballot: Ballot, command: Command): void {
    const before = this.promised.get(node) ?? ZERO_BALLOT;
    if (compareBallots(ballot, before) < 0)
      this.problem(
        'accept-respects-promise',
        `acceptor ${node} accepted ${ballotText(ballot)} below its promise ${ballotText(before)}`,
      );
    const perSlot = this.votes.get(slot) ?? new Map<string, Votes>();
    this.votes.set(slot, perSlot);
    const key = ballotText(ballot);
    const votes = perSlot.get(key) ?? { ballot, command, acceptors: new Set<NodeId>() };
    perSlot.set(key, votes);
    if (!sameCommand(votes.command, command)) {
      this.problem('one-command-per-slot', `slot ${slot} ballot ${key} carries two commands`);
      return;
    }
    votes.acceptors.add(node);
    if (votes.acceptors.size >= this.majority) this.onChosenByMajority(slot, votes);
    const c = this.chosen.get(slot);
    if (c !== undefined && compareBallots(ballot, c.ballot) > 0 && !sameCommand(command, c.command))
      this.problem(
        'one-command-per-slot',
        `slot ${slot}: ballot ${key} accepted another command above the chosen one`,
      );
  }

  private onChosenByMajority(slot: number, votes: Votes): void {
    const c = this.chosen.get(slot);
    if (c === undefined) {
      this.chosen.set(slot, { command: votes.command, ballot: votes.ballot });
      this.execute();
    } else if (!sameCommand(c.command, votes.command)) {
      this.problem('one-command-per-slot', `slot ${slot} chose two different commands`);
    } else if (compareBallots(votes.ballot, c.ballot) < 0) {
      this.chosen.set(slot, { command: c.command, ballot: votes.ballot });
    }
  }

  /** Runs the reference machine over every newly contiguous chosen slot. */
  private execute(): void {
    for (
      let c = this.chosen.get(this.executed + 1);
      c !== undefined;
      c = this.chosen.get(this.executed + 1)
    ) {
      this.executed++;
      const result = applyCommand(this.machine, c.command);
      const key = commandKey(c.command);
      if (c.command.kind !== 'client' || this.firstSlot.has(key)) continue;
      this.firstSlot.set(key, { slot: this.executed, result });
      const after = this.invokedAfter.get(key) ?? 0;
      if (this.executed <= after)
        this.problem(
          'log-order-linearizes',
          `${key} sits at slot ${this.executed}, before an operation ` +
            `completed ahead of its invocation (slot ${after})`,
        );
      const early = this.pendingResults.get(key);
      if (early !== undefined || this.pendingResults.has(key)) this.checkResult(key, early ?? null);
    }
  }

  private onComplete(key: string, result: KvResult): void {
    if (!this.firstSlot.has(key)) {
      // Completed before the checker saw the slot executed (it must follow immediately).
      this.pendingResults.set(key, result);
      return;
    }
    this.checkResult(key, result);
  }

  private checkResult(key: string, result: KvResult): void {
    this.pendingResults.delete(key);
    const ref = this.firstSlot.get(key);
    if (ref === undefined) return;
    if (ref.result !== result)
      this.problem(
        'log-order-linearizes',
        `${key} returned ${String(result)}, but the log ` +
          `at slot ${ref.slot} gives ${String(ref.result)}`,
      );
    this.completedSlot = Math.max(this.completedSlot, ref.slot);
  }

  private problem(check: string, text: string): void {
    if (!this.problems.some((p) => p.check === check)) this.problems.push({ check, text });
  }
}

export function multiPaxosInvariants(
  majority: number,
): Invariant<MultiPaxosState, MultiPaxosOutput>[] {
  const tracker = new LogTracker(majority);
  return MULTI_PAXOS_CHECKS.map((name) => ({
    name,
    check(view: View) {
      tracker.update(view);
      return tracker.problems.find((p) => p.check === name)?.text;
    },
  }));
}

/** Once faults heal: every live client finished its requests and every replica caught up. */
export function multiPaxosLiveness(
  requests: number,
): Liveness<MultiPaxosState, MultiPaxosOutput>[] {
  return [
    {
      name: 'every-command-completes',
      check(view) {
        const behind = view.nodes.filter((n) => n.up && (n.state?.client.done ?? 0) < requests);
        return behind.length === 0
          ? undefined
          : `clients ${behind.map((n) => n.id).join(',')} are not done`;
      },
    },
    {
      name: 'replicas-converge',
      check(view) {
        const points = view.nodes.flatMap((n) => (n.up && n.state ? [commitPoint(n.state)] : []));
        const low = Math.min(...points);
        const high = Math.max(...points);
        return low === high ? undefined : `commit points range from ${low} to ${high}`;
      },
    },
  ];
}
